"""The learned half of the crisis detector: a linear model on character n-grams and words, in pure Python.

The weights are trained by tools/crisis_train.py (scikit-learn, a tool-time dependency only) and exported to
content/crisis_model.json: per feature a weight for 'urgent' (against the rest) and for 'at least
concern' (against none), and per feature a score per kind of emergency.
Scoring is a sum of the weights of the features a text has,
divided by the square root of their number (the rows were L2-normalised in training, so a long text does not
add up small weights into an alarm); the largest terms say why.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from itertools import pairwise, repeat
from operator import itemgetter
from pathlib import Path

NGRAM = 4
MAX_CHARS = 400  # long stories: the model reads the first part; the rules read everything


def features(norm: str) -> set[str]:
    """Character 4-grams of a normalised text (' ik wil dood '), its words and its word pairs."""
    norm = norm[:MAX_CHARS]
    out = {norm[i : i + NGRAM] for i in range(len(norm) - NGRAM + 1)}
    words = norm.split()
    out.update(["w:" + w for w in words])
    out.update([f"b:{a} {b}" for a, b in pairwise(words)])
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


@dataclass(frozen=True, slots=True)
class Scored:
    """A model's view of one text: P(urgent), P(at least concern), the features that pushed most."""

    urgent: float
    any: float
    top: tuple[str, ...]
    rows: tuple[float, list[tuple[complex, tuple[float, ...]]]] = field(
        default=(1.0, []), repr=False, compare=False
    )  # the text's scale and weight rows, for the kind scores


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Two logistic models (urgent or not; at least concern or not), kind scores, thresholds from training."""

    categories: tuple[str, ...]
    level_bias: tuple[float, float]
    category_bias: tuple[float, ...]
    level_weights: dict[str, tuple[float, float]]
    category_weights: dict[str, tuple[float, ...]]
    urgent_threshold: float
    concern_threshold: float
    sure_threshold: float = 2.0  # urgent without any cue word only at or above this (2.0: never)
    _rows: dict[str, tuple[complex, tuple[float, ...]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """One row per feature: both level weights as one complex number (urgent + concern·i, summed in C)
        and the kind weights; one look-up per feature serves both."""
        no_kinds = (0.0,) * len(self.categories)
        rows = {
            f: (complex(*self.level_weights.get(f, (0.0, 0.0))), self.category_weights.get(f, no_kinds))
            for f in self.level_weights.keys() | self.category_weights.keys()
        }
        object.__setattr__(self, "_rows", rows)

    def score(self, norm: str, explain: int = 0) -> Scored:
        """P(urgent) and P(at least concern) of a normalised text; explain=n names the strongest features."""
        weights = self.level_weights
        feats = features(norm)
        scale = 1.0 / math.sqrt(len(feats) or 1)
        rows = list(filter(None, map(self._rows.get, feats)))
        both = sum(map(itemgetter(0), rows), 0j)
        p_urgent = sigmoid(self.level_bias[0] + scale * both.real)
        p_any = sigmoid(self.level_bias[1] + scale * both.imag)
        top: tuple[str, ...] = ()
        found = [f for f in feats if f in weights] if explain else []
        if found:
            ranked = sorted(found, key=lambda f: (-(weights[f][0] + weights[f][1]), f))
            top = tuple(
                dict.fromkeys(f.removeprefix("w:").removeprefix("b:").strip() for f in ranked[:explain])
            )
        return Scored(p_urgent, p_any, top, (scale, rows))

    def kind_scores(self, norm: str, scored: Scored | None = None) -> list[float]:
        """The score of each kind of emergency for a normalised text (in the order of `categories`)."""
        scale, rows = (scored or self.score(norm)).rows
        sums = map(sum, zip(*map(itemgetter(1), rows), strict=True)) if rows else repeat(0.0)
        return [b + scale * v for b, v in zip(self.category_bias, sums, strict=False)]

    def category(
        self, norm: str, among: tuple[str, ...] = (), scored: Scored | None = None
    ) -> tuple[str, float]:
        """The most likely kind of emergency of a normalised text (of the kinds `among`, when given), and its
        probability among those kinds. `scored`: this text's score(), to save reading it again."""
        all_kinds = self.kind_scores(norm, scored)
        kinds = [j for j, c in enumerate(self.categories) if not among or c in among]
        probs = softmax([all_kinds[j] for j in kinds])
        best = max(range(len(probs)), key=probs.__getitem__)
        return self.categories[kinds[best]], probs[best]


def model_to_json(model: LinearModel, about: str) -> str:
    """The exported form of a model."""
    data = {
        "about": about,
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


def load_model(path: Path) -> LinearModel:
    """Read exported weights; ValueError when the file does not have the expected shape."""
    data = json.loads(path.read_text(encoding="utf-8"))
    try:
        categories = tuple(str(c) for c in data["categories"])
        level = {k: (float(v[0]), float(v[1])) for k, v in data["level_weights"].items()}
        cats = {k: tuple(float(x) for x in v) for k, v in data["category_weights"].items()}
        if any(len(v) != len(categories) for v in cats.values()) or len(data["category_bias"]) != len(
            categories
        ):
            raise ValueError(f"{path.name}: category weights do not match the categories")
        return LinearModel(
            categories,
            (float(data["level_bias"][0]), float(data["level_bias"][1])),
            tuple(float(x) for x in data["category_bias"]),
            level,
            cats,
            float(data["urgent_threshold"]),
            float(data["concern_threshold"]),
            float(data.get("sure_threshold", 2.0)),
        )
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"{path.name}: not a crisis model ({exc})") from exc
