"""The learned half of the crisis detector: a linear model on words and their 4-grams, in pure Python.

The weights are trained by tools/crisis_train.py (scikit-learn, a tool-time dependency only) and exported to
content/crisis_model.json: per feature a weight for 'urgent' (against the rest) and for 'at least
concern' (against none), and per feature a score per kind of emergency.
A text's features are those of its distinct words: each word itself and the 4-grams of ' word ' (never
across two words: a new writer's word order and style carry over less than words and parts of words).
Scoring is a sum of the weights of the features a text has, divided by the square root of their number (so a
long text does not add up small weights into an alarm); the largest terms say why. The sum per word is
remembered, so a text costs about one look-up per distinct word.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, cast

NGRAM = 4
MAX_CHARS = 400  # long stories: the model reads the first part; the rules read everything
FEATURES = "words and their 4-grams within the word, counted per distinct word"  # the exported file says so
WORD_CACHE = 20000  # words remembered with the sum of their level weights
KIND_CACHE = 4096  # words remembered with the sum of their kind weights (read for fewer texts)


def word_features(word: str) -> tuple[str, ...]:
    """The features of one word: the word itself (prefixed w:) and the distinct 4-grams of ' word '."""
    padded = f" {word} "
    return ("w:" + word, *dict.fromkeys(padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1)))


def text_words(norm: str) -> set[str]:
    """The distinct words the model reads of a normalised text (its first MAX_CHARS characters)."""
    return set(norm[:MAX_CHARS].split())


def features(norm: str) -> Counter[str]:
    """The features of a normalised text (' ik wil dood '): those of each distinct word, counted (a 4-gram
    two words share counts twice)."""
    out: Counter[str] = Counter()
    for word in text_words(norm):
        out.update(word_features(word))
    return out


def sigmoid(x: float) -> float:
    """The logistic function, safe for large |x|."""
    return 1.0 / (1.0 + math.exp(-x)) if x > -500 else 0.0


def softmax(scores: list[float]) -> list[float]:
    """Probabilities from scores."""
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


class Scored(NamedTuple):
    """A model's view of one text: P(urgent), P(at least concern), the features that pushed most.

    (A named tuple: built with a fifth of the instructions of a frozen dataclass, 7,400 a text.)"""

    urgent: float
    any: float
    top: tuple[str, ...]
    rows: tuple[float, set[str]] = (1.0, set())  # the text's scale and words, for the kind scores


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Two logistic models (urgent or not; at least concern or not), kind scores, thresholds from training.

    Compact in memory: per feature both level weights as one complex number (urgent + concern·i, summed in
    C); its kind weights as one tuple of floats, each value one shared float object (weights are rounded
    in training, so there are few distinct values): a text's kind sums are one look-up per feature and
    a transposition in C, as cheap as can be on a large table whose rows are not in the CPU cache."""

    categories: tuple[str, ...]
    level_bias: tuple[float, float]
    category_bias: tuple[float, ...]
    levels: dict[str, complex] = field(repr=False)
    kinds: dict[str, tuple[float, ...]] = field(repr=False)  # feature → its weight per kind
    urgent_threshold: float
    concern_threshold: float
    sure_threshold: float = 2.0  # urgent without any cue word only at or above this (2.0: never)
    # word → the sum of its features' level weights, and word → the number of its features; filled as texts
    # are read (two dicts: a text's sums are then two look-ups per word, summed in C)
    words: dict[str, complex] = field(default_factory=dict, repr=False, compare=False)
    counts: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    # word → the sum of its features' weights per kind; filled as texts are read
    word_kinds: dict[str, tuple[float, ...]] = field(default_factory=dict, repr=False, compare=False)
    # the last text scored, with explain and its Scored: a rule verdict's kind check and the veto read the
    # same text (one score in nine on the writers' tune texts was the text just scored)
    last: list[tuple[str, int, Scored]] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def from_weights(
        cls,
        categories: tuple[str, ...],
        level_bias: tuple[float, float],
        category_bias: tuple[float, ...],
        level_weights: Mapping[str, Sequence[float]],
        category_weights: Mapping[str, Sequence[float]],
        urgent_threshold: float,
        concern_threshold: float,
        sure_threshold: float = 2.0,
    ) -> LinearModel:
        """A model from weights per feature: (urgent, concern) and one per kind."""
        rows = _Rows()
        rows.add_levels(level_weights.items())
        rows.add_kinds(category_weights.items())
        return rows.model(
            categories, level_bias, category_bias, (urgent_threshold, concern_threshold, sure_threshold)
        )

    @property
    def level_weights(self) -> dict[str, tuple[float, float]]:
        """Feature → (urgent, concern) weights (for export and inspection)."""
        return {f: (w.real, w.imag) for f, w in self.levels.items()}

    @property
    def category_weights(self) -> dict[str, tuple[float, ...]]:
        """Feature → weight per kind (for export and inspection)."""
        return dict(self.kinds)

    def _word(self, word: str) -> complex:
        """The sum of a word's level weights (remembered, with its number of features in `counts`)."""
        feats = word_features(word)
        found = sum(filter(None, map(self.levels.get, feats)), 0j)
        if len(self.words) < WORD_CACHE:
            self.words[word] = found
            self.counts[word] = len(feats)
        return found

    def score(self, norm: str, explain: int = 0, words: list[str] | None = None) -> Scored:
        """P(urgent) and P(at least concern) of a normalised text; explain=n names the strongest features.
        `words`: norm.split(), when the caller has it (not split again: ~14,000 instructions a message)."""
        last = self.last
        if last and last[0][1] == explain and last[0][0] == norm:
            return last[0][2]
        read = set(words) if words is not None and len(norm) <= MAX_CHARS else text_words(norm)
        try:  # known words in C, summed in C (no (sum, count) pair to take apart: 6,500 instructions a text)
            both = sum(map(self.words.__getitem__, read), 0j)  # in the same order as before: the same floats
            count = sum(map(self.counts.__getitem__, read))
        except KeyError:
            both = sum([self.words.get(w) or self._word(w) for w in read], 0j)  # (a set: the same order)
            count = sum(len(word_features(w)) for w in read)
        scale = 1.0 / math.sqrt(count or 1)
        p_urgent = sigmoid(self.level_bias[0] + scale * both.real)
        p_any = sigmoid(self.level_bias[1] + scale * both.imag)
        top: tuple[str, ...] = ()
        if explain:
            levels = self.levels
            found = [f for f in features(norm) if f in levels]
            ranked = sorted(found, key=lambda f: (-(levels[f].real + levels[f].imag), f))
            top = tuple(dict.fromkeys(f.removeprefix("w:").strip() for f in ranked[:explain]))
        scored = Scored(p_urgent, p_any, top, (scale, read))
        last[:] = [(norm, explain, scored)]
        return scored

    def kind_scores(self, norm: str, scored: Scored | None = None) -> list[float]:
        """The score of each kind of emergency for a normalised text (in the order of `categories`)."""
        scale, words = (scored or self.score(norm)).rows
        cached = list(map(self.word_kinds.get, words))
        per_word = cast(list[tuple[float, ...]], cached)
        if None in cached:
            per_word = [k or self._word_kinds(w) for k, w in zip(cached, words, strict=True)]
        sums = [sum(k) for k in zip(*per_word, strict=True)] or [0.0] * len(self.categories)
        return [b + scale * k for b, k in zip(self.category_bias, sums, strict=True)]

    def _word_kinds(self, word: str) -> tuple[float, ...]:
        """The sum of a word's features' weights per kind (remembered)."""
        # the kind weights of each of its features, transposed: the sum per kind
        found = filter(None, map(self.kinds.get, word_features(word)))
        sums = tuple([sum(k) for k in zip(*found, strict=True)]) or (0.0,) * len(self.categories)
        if len(self.word_kinds) < KIND_CACHE:
            self.word_kinds[word] = sums
        return sums

    def kind_probs(self, norm: str, scored: Scored | None = None) -> dict[str, float]:
        """Each kind of emergency with its probability (among all kinds) for a normalised text."""
        return dict(zip(self.categories, softmax(self.kind_scores(norm, scored)), strict=True))

    def category(
        self, norm: str, among: tuple[str, ...] = (), scored: Scored | None = None
    ) -> tuple[str, float]:
        """The most likely kind of emergency of a normalised text (of the kinds `among`, when given), and its
        probability among those kinds. `scored`: this text's score(), to save reading it again."""
        return likeliest(self.kind_probs(norm, scored), among)


def likeliest(probs: dict[str, float], among: tuple[str, ...] = ()) -> tuple[str, float]:
    """The likeliest kind of those `among` (of all when empty) and its probability among them."""
    kinds = [k for k in probs if not among or k in among]  # in the model's order
    best = max(kinds, key=probs.__getitem__)
    return best, probs[best] / sum(probs[k] for k in kinds)


def model_to_json(model: LinearModel, about: str) -> str:
    """The exported form of a model."""
    data = {
        "about": about,
        "features": FEATURES,
        "categories": list(model.categories),
        "level_bias": list(model.level_bias),
        "category_bias": list(model.category_bias),
        "urgent_threshold": model.urgent_threshold,
        "concern_threshold": model.concern_threshold,
        "sure_threshold": model.sure_threshold,
        "level_weights": {k: list(v) for k, v in sorted(model.level_weights.items())},
        "category_weights": {k: list(v) for k, v in sorted(model.category_weights.items())},
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


class _Rows:
    """Builds a model's weights one feature at a time (so no dict of lists per feature is ever held)."""

    def __init__(self) -> None:
        self.levels: dict[str, complex] = {}
        self.kinds: dict[str, tuple[float, ...]] = {}
        self.floats: dict[float | str, float] = {}  # each distinct weight once, shared by the rows with it

    def add_levels(self, rows: Iterable[tuple[str, Sequence[float]]]) -> None:
        """Features' (urgent, concern) weights."""
        levels = self.levels
        for feature, (urgent, concern) in rows:
            levels[feature] = complex(urgent, concern)

    def add_kinds(self, rows: Iterable[tuple[str, Sequence[float]]]) -> None:
        """Features' weights per kind."""
        kinds, shared = self.kinds, self.floats.setdefault
        width = 0
        for feature, weights in rows:
            width = width or len(weights)
            if len(weights) != width:
                raise ValueError("category weights of different lengths")
            # -0.0 == 0.0 as a key: zeros are told apart by their text (-0.0 must be written back as it was)
            kinds[feature] = tuple([shared(w or str(w), w) for w in map(float, weights)])

    def model(
        self,
        categories: tuple[str, ...],
        level_bias: tuple[float, float],
        category_bias: tuple[float, ...],
        thresholds: tuple[float, float, float],
    ) -> LinearModel:
        """The model of these weights."""
        widths = {len(w) for w in self.kinds.values()} | {len(categories)}
        if len(widths) != 1 or len(category_bias) != len(categories):
            raise ValueError("category weights do not match the categories")
        return LinearModel(categories, level_bias, category_bias, self.levels, self.kinds, *thresholds)


SECTIONS = ("level_weights", "category_weights")
_SECTION = re.compile(r'"(level_weights|category_weights)"\s*:\s*\{')
_EMPTY = re.compile(r"\s*\}")
_ROW = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*:\s*\[([^\[\]]*)\]\s*([,}])')


def _section(text: str, start: int, ends: list[int]) -> Iterator[tuple[str, list[float]]]:
    """The rows '"feature":[w,...]' of one weight section from `start` (just after its '{'), one at a time
    (json.loads would hold every row as a list of floats at once); appends the position after its '}' to
    `ends`."""
    empty = _EMPTY.match(text, start)
    pos = start
    if not empty:
        for row in _ROW.finditer(text, start):
            if row.start() != pos:
                break
            key, values, end = row.groups()
            yield (json.loads(f'"{key}"') if "\\" in key else key), [float(v) for v in values.split(",")]
            pos = row.end()
            if end == "}":
                ends.append(pos)
                return
        raise ValueError(f"bad weight row at character {pos}")
    ends.append(empty.end())


def load_model(path: Path) -> LinearModel:
    """Read exported weights; ValueError when the file does not have the expected shape.

    The two weight sections are read row by row straight into the compact model, the rest with json."""
    text = path.read_text(encoding="utf-8")
    try:
        found = {m.group(1): m for m in _SECTION.finditer(text)}
        rows = _Rows()
        ends: list[int] = []
        rows.add_levels(_section(text, found["level_weights"].end(), ends))
        rows.add_kinds(_section(text, found["category_weights"].end(), ends))
        header = text
        for start, end in sorted(zip((found[s].end() for s in SECTIONS), ends, strict=True), reverse=True):
            header = header[:start] + "}" + header[end:]
        data = json.loads(header)
        if data.get("features") != FEATURES:
            raise ValueError(f"made for other features ({data.get('features')!r}), retrain")
        return rows.model(
            tuple(str(c) for c in data["categories"]),
            (float(data["level_bias"][0]), float(data["level_bias"][1])),
            tuple(float(x) for x in data["category_bias"]),
            (
                float(data["urgent_threshold"]),
                float(data["concern_threshold"]),
                float(data.get("sure_threshold", 2.0)),
            ),
        )
    except (KeyError, TypeError, IndexError, ValueError) as exc:
        raise ValueError(f"{path.name}: not a crisis model ({exc})") from exc
