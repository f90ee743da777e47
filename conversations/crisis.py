"""Recognise a cry for help in any text, nl and en: its level (urgent, concern, none) and its kind, with why.

Two halves, both explainable. Rules (content/crisis.toml): phrases per kind of emergency (suicide, selfharm,
overdose, withdrawal, violence, child), phrases of concern, and benign look-alikes that are removed first
("dood van het lachen"). A linear model on character n-grams (content/crisis_model.json, trained by
tools/crisis_train.py) catches new phrasing the rules do not know; its strongest features are the 'why'.
Text is normalised first: case, accents, apostrophes, zero-width characters, punctuation, repeated letters;
rules are also tried with disguises undone ('zelfm00rd', 'z e l f m o o r d') and repeats collapsed.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import cast

from content import CONTENT_DIR
from conversations.crisis_model import LinearModel, likeliest, load_model
from conversations.regex_anchors import Indexed, LiteralIndex, compile_grouped, indexed_clauses, uncaptured
from conversations.spelling import Speller, load_speller

MAX_SCAN = 8192
CANONICAL_CACHE = 20000  # words remembered with their canonical form
SURE_KIND = 0.8  # urgent from the model without a cue word only when its kind is this likely (crisis5)
# The kind of an urgent verdict, checked by the model's kind scores (crisis7). A rule of a broad kind
# (suicide: death words; overdose: something taken) may be one of several that match: a rule tried after it
# that matches too wins when the model finds its kind KIND_LIKELIER times likelier. And the model's own kind
# replaces a broad rule's kind, or the kind a model verdict took from its cue words, when it is at least
# KIND_SURE likely and that kind below KIND_DOUBT. A rule's kind is never changed from a child at risk nor
# from withdrawal (KIND_KEPT: the writers' conventions the model reads less well: a child at risk takes an age
# or a child, which rules read; a stop and a symptom is withdrawal, whatever was taken). A model verdict's cue
# kind 'child' is no such reading (a cue word like 'mijn moeder' or 'kids' says nothing of an age), so the
# model may replace it (crisis9). Chosen with rules written before writers C–L were seen and models trained
# without them (tools/crisis_oof.py --by-writer --rules ...), checked on writers M–P unseen.
KIND_VOTED = frozenset({"suicide", "overdose"})
KIND_LIKELIER = 2.0  # 1.5 before crisis9: the same kinds right leaving writers out, fewer flips
KIND_SURE = 0.6
KIND_DOUBT = 0.1
KIND_KEPT = frozenset({"child", "withdrawal"})  # a rule's kind that the model never changes
KIND_KEPT_MODEL = frozenset({"withdrawal"})  # a model verdict's cue kind that the model never changes
# A model veto (crisis12): an urgent *rule* verdict becomes concern (the gentle line with "Hulp nu", never
# none) when the model finds the text very unlikely to be urgent (p < VETO_URGENT) and unlikely to be even
# concern (p < VETO_ANY), in a text of more than VETO_MIN_WORDS words. Chosen on time-travel
# leave-one-writer-out figures (rules from before the writers were seen, models trained without them;
# writers F-K, J/L, M-P: 2,520 urgent, 2,185 benign): benign texts flagged urgent 5.45 % -> 2.56 % (63 of
# 119 saved), no urgent message lost. Looser vetoes lost urgent ones: p_any < 0.5: 1 more lost for 3 saved;
# p_urgent < 0.1 alone: 3 (one a withdrawal with hallucinations) for 6. Long texts only, and 0.08 rather
# than 0.1: the shipped model finds short cries with a joke ('i want to die lol') and a bare threat very
# unlikely; all the saved texts were long (note 11.md, crisis12).
VETO_URGENT = 0.08
VETO_ANY = 0.4
VETO_MIN_WORDS = 8
# A word of danger alone (the [net] section: 'dood', 'blood', 'knife') is concern, unless the model finds a
# text of more than VETO_MIN_WORDS words very unlikely to be urgent (p < NET_VETO_URGENT) and to be even
# concern (p < NET_VETO_ANY): then it is none. Chosen on leave-one-writer-out figures (models trained without
# each writer; 3,914 benign, 2,616 concern, 5,437 urgent; session 8): 52 of the 407 benign texts flagged were
# saved (benign >= concern 10.40 % -> 9.07 %: 'ik ga dood van het lachen' in new words), no concern or urgent
# message lost. The same for every concern rule would have lost 25 concern messages (a meeting question with a
# real worry), so the [concern] rules keep their say.
NET_VETO_URGENT = 0.1
NET_VETO_ANY = 0.05
MIN_MODEL_WORDS = 2  # the model reads texts of two words or more (a normalised text has words + 1 spaces)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)
# str.translate is quick on ASCII text only; on other text these regexes remove the same characters
_ZERO_WIDTH_CHARS = re.compile(f"[{''.join(map(chr, _ZERO_WIDTH))}]")
_APOSTROPHE_CHARS = re.compile(f"[{re.escape(''.join(map(chr, _APOSTROPHES)))}]")
# ASCII text through one table of bytes: apostrophes removed (_ASCII_DELETED), capitals made small, letters
# and digits kept, anything else a space. bytes.translate reads a table in C; str.translate looks each
# distinct character up in a dict (and raises a KeyError inside for each one kept): 3,200 instructions a
# message on the writers' held-out texts with encode() and decode(), against 16,200 with lower() and
# str.translate.
_ASCII_WORDS = bytes(
    ord(ch.lower()) if re.fullmatch("[A-Za-z0-9]", ch) else ord(" ") for ch in map(chr, range(256))
)
_ASCII_DELETED = b"'`"
# laughing emoji read as 'haha' (a joke marker the look-alike rules know: 'ik ga dood 😂'); other emoji go
_LAUGHING = re.compile("[\U0001f602\U0001f923\U0001f606\U0001f639\U0001f605]+")
_REPEATS = re.compile(r"([a-z])\1+")
_SYMBOLS = str.maketrans({"@": "a", "$": "s", "€": "e"})
_DIGITS = str.maketrans("0134579", "oieastg")
_MIXED = re.compile(r"\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[0-9])[a-z0-9]+\b")
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z] ){3,}[a-z](?![a-z0-9])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_TRIPLES = re.compile(r"([a-z0-9])\1\1+")  # after _NON_WORD only these and spaces are left
_STRETCHED = re.compile(r"([A-Za-z])\1\1")
# _SPACED.search on ' word word ' text (a-z, 0-9, single spaces): four one-letter words in a row. Its literal
# space lets the engine jump from space to space (a look-behind first is tried at every character).
_SPACED_WORDS = re.compile(" [a-z] [a-z] [a-z] [a-z] ")
# A word of letters and digits has both when a digit stands next to a letter: on ' word word ' text (a-z, 0-9,
# single spaces) this finds what _MIXED finds, starting only at digits (_MIXED starts at every word: 26
# times the instructions on the writers' held-out texts)
_DIGIT_BY_LETTER = re.compile("[0-9](?:(?<=[a-z][0-9])|(?=[a-z]))")
_DISGUISED = re.compile(r"[0-9@$€]")
# The order in which rules are tried: the first kind that matches decides the screen.
CATEGORIES = ("child", "withdrawal", "overdose", "suicide", "selfharm", "violence")
LEVELS = ("none", "concern", "urgent")
# What makes another kind of emergency a child at risk, tried in order: a rule section of the phrase file and
# the kinds it turns: a young writer any kind; a child by age someone else's overdose, withdrawal or violence;
# little children there someone else's overdose or withdrawal.
CHILD_WHEN = (
    ("young", frozenset(CATEGORIES)),
    ("minor", frozenset({"overdose", "withdrawal", "violence"})),
    ("little", frozenset({"overdose", "withdrawal"})),
)
# The phrase file's sections of one list of patterns each, in the order of PatternSet's fields (and of the
# patterns' numbers); SPELLED: those whose words the speller reads typos of (tools/crisis_spelling.py).
SECTIONS = ("concern", "net", "history", "benign", "calm", "safe", "young", "minor", "little")
SPELLED = ("concern", "net", "history", "benign")
# When the model finds a message urgent, the kinds whose cue words a text has are its candidates (in this
# order in the 'why'); the model's kind scores choose among them.
CUE_ORDER = ("withdrawal", "overdose", "selfharm", "child", "violence", "suicide")


def normalise(text: str) -> str:
    """Lower case, no accents, no apostrophes, letters repeated at most twice, single spaces; laughing
    emoji as 'haha'."""
    return " " + " ".join(normalised_words(text)[0]) + " "


def _ascii_words(text: str) -> str:
    """An ASCII text in small letters and digits, apostrophes removed, anything else a space."""
    return text.encode().translate(_ASCII_WORDS, _ASCII_DELETED).decode()


# Words known to have no letter or digit three times in a row (up to CANONICAL_CACHE): a text of such words
# needs no _TRIPLES search (which tries every character: 22,000 instructions a message on the writers'
# held-out texts; the look-ups 1,000)
_UNSTRETCHED: set[str] = set()


def normalised_words(text: str) -> tuple[list[str], bool]:
    """The words of normalise(text), and whether a letter or digit was repeated three times or more (else no
    letter of `text` is: _STRETCHED cannot match its first MAX_SCAN characters)."""
    text = text[:MAX_SCAN]
    if text.isascii():
        text = _ascii_words(text)  # one pass: apostrophes out, other non-words spaces
    else:
        text = unicodedata.normalize("NFKD", _ZERO_WIDTH_CHARS.sub("", _LAUGHING.sub(" haha ", text)))
        # accents are combining marks now: drop them (each distinct one looked up once)
        for mark in [ch for ch in set(text) if unicodedata.combining(ch)]:
            text = text.replace(mark, "")
        text = text.lower()
        text = _ascii_words(text) if text.isascii() else _NON_WORD.sub(" ", _APOSTROPHE_CHARS.sub("", text))
    words = text.split()
    if _UNSTRETCHED.issuperset(words):
        return words, False
    if _TRIPLES.search(text) is None:  # (only letters, digits and spaces are left: no run crosses a word)
        if len(_UNSTRETCHED) < CANONICAL_CACHE:
            _UNSTRETCHED.update(words)
        return words, False
    return _TRIPLES.sub(r"\1\1", text).split(), True  # rare: a search is cheaper than a sub with a template


def deobfuscate(text: str) -> str:
    """Undo common disguises: symbols and digits inside words ('zelfm00rd', 'k1ll'), spaced letters."""
    norm = normalise(text.translate(_SYMBOLS))
    norm = _MIXED.sub(lambda m: m.group(0).translate(_DIGITS), norm)
    return _SPACED.sub(lambda m: m.group(0).replace(" ", ""), norm)


def _disguised(text: str, plain: str) -> bool:
    """Whether deobfuscate(text) may differ from `plain`, normalise(text): only symbols, digits inside a
    word or spaced letters change it (most digits are numbers: '30 pillen')."""
    symbol = "@" in text or "$" in text or "€" in text  # (each a quick scan; a regex tries every character)
    return bool(symbol or _DIGIT_BY_LETTER.search(plain) or _SPACED_WORDS.search(plain))


def collapse(text: str) -> str:
    """Every run of one repeated letter as a single letter ('diiie' → 'die', 'kill' → 'kil')."""
    return _REPEATS.sub(r"\1", text)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the detector says about one message."""

    level: str  # urgent | concern | none
    category: str | None  # one of CATEGORIES when urgent, else None
    why: str
    by_rule: bool = field(default=False, compare=False)  # urgent by a rule (the model may veto it)

    @property
    def urgent(self) -> bool:
        return self.level == "urgent"


NOTHING = Verdict("none", None, "")  # (one, not a new one per message)
Candidates = dict[int, list[int]]  # a rule's first pattern number → its patterns (numbers, in order) that
# may match a text; rules none of whose patterns may match are not there (PatternSet.candidates)


class LazyPatterns(dict[int, re.Pattern[str]]):
    """Pattern number → regex, compiled the first time it is asked for: a text makes ~30 of the ~4,700
    candidates, so a process compiles only those its texts need (crisis13). Those not compiled at load were
    compiled (checked) when content/crisis_literals.json was written, and a test keeps that file current.

    A plain dict once compiled (a look-up in C; a Sequence's __getitem__ in Python cost ~5 % of assess())."""

    __slots__ = ("sources",)

    def __init__(self, sources: Sequence[str], compiled: dict[int, re.Pattern[str]] | None = None) -> None:
        super().__init__(compiled or {})
        self.sources = sources

    def __missing__(self, n: int) -> re.Pattern[str]:
        found = self[n] = compile_grouped(self.sources[n])
        return found


@dataclass(frozen=True, slots=True)
class Rule:
    """Patterns of one kind: numbers `first` to `first + len(ids) - 1` of its PatternSet's `patterns`."""

    name: str
    patterns: Mapping[int, re.Pattern[str]]  # pattern number → regex (shared by the rules of a PatternSet)
    first: int
    ids: frozenset[int]  # the numbers of its patterns

    @property
    def joined(self) -> re.Pattern[str]:
        """All its patterns as one alternation (compiled when asked: the detector runs them one by one)."""
        return re.compile("|".join(f"(?:{self.patterns[n].pattern})" for n in sorted(self.ids)))

    def search(self, norm: str, candidates: Candidates) -> str | None:
        """The words that matched (leftmost match, first pattern on a tie), or None.

        Only this rule's patterns among `candidates` (those the literal index says may match) are run."""
        mine = candidates.get(self.first)
        if mine is None:
            return None
        patterns = self.patterns
        best: re.Match[str] | None = None
        for n in mine:
            found = patterns[n].search(norm)
            if found and (best is None or found.start() < best.start()):
                best = found
        return best.group(0).strip() if best else None

    def any_match(self, norm: str, candidates: Candidates) -> str | None:
        """The words of the first of this rule's patterns (in order) that matches, or None: cheaper than
        search() when any match will do."""
        patterns = self.patterns
        for n in candidates.get(self.first, ()):
            found = patterns[n].search(norm)
            if found:
                return found.group(0).strip()
        return None

    def sub(self, repl: str, norm: str, candidates: Candidates) -> str:
        """`joined.sub(repl, norm)` with a literal `repl`, from this rule's patterns among `candidates` (the
        others cannot match anywhere in the text), without compiling an alternation for them.

        An alternation matches at the leftmost place where any of its patterns matches, with the first of
        them (in order) that matches there; every pattern starts with a space, so no match is empty."""
        mine = candidates.get(self.first)
        if mine is None:
            return norm
        patterns = [self.patterns[n] for n in mine]
        found = [p.search(norm) for p in patterns]
        if not any(found):
            return norm
        out: list[str] = []
        pos = 0
        while True:
            best: re.Match[str] | None = None
            for i, match in enumerate(found):
                if match is not None and match.start() < pos:  # overlaps the last match: look further on
                    match = found[i] = patterns[i].search(norm, pos)
                if match is not None and (best is None or match.start() < best.start()):
                    best = match
            if best is None:
                out.append(norm[pos:])
                return "".join(out)
            out += (norm[pos : best.start()], repl)
            pos = best.end()


@dataclass(frozen=True, slots=True)
class PatternSet:
    """The rules compiled for one form of the text (as written, or with repeated letters collapsed)."""

    urgent: tuple[Rule, ...]
    cues: tuple[Rule, ...]
    concern: Rule
    net: Rule  # words of danger: concern unless the model finds the text very unlikely (NET_VETO_ANY)
    history: Rule
    benign: Rule
    calm: Rule  # 'no plan', 'niet dat ik iets ga doen': a thought of suicide with this is concern
    safe: Rule  # 'hij is niet gewelddadig': a child verdict with this is concern
    young: Rule  # the writer is young: urgent is then a child at risk
    minor: Rule  # a child by age is there: someone else's overdose, withdrawal or violence is a child at risk
    little: Rule  # little children there: someone else's overdose or withdrawal is a child at risk
    index: LiteralIndex
    past: frozenset[int]  # the patterns that may match the mark of a past event, ' _past_ '
    owner: tuple[int, ...]  # pattern number → the first pattern number of its rule

    @property
    def every_rule(self) -> tuple[Rule, ...]:
        """Every rule of the set: urgent, cues, then those of SECTIONS."""
        return (*self.urgent, *self.cues, *(getattr(self, name) for name in SECTIONS))

    def candidates(self, norm: str) -> Candidates:
        """The patterns that may match a text, by rule."""
        return self.grouped(self.index.candidates(norm))

    def grouped(self, ids: Iterable[int]) -> Candidates:
        """Pattern numbers by rule, in order: one sort for a text, not a set intersection and a sort for each
        rule that is tried (~10 of them)."""
        owner = self.owner
        out: Candidates = {}
        last, mine = -1, []
        for n in sorted(ids):  # (a plain loop: 35 % fewer instructions than itertools.groupby here)
            first = owner[n]
            if first == last:  # a rule's patterns are numbered in a row: a run of the same rule
                mine.append(n)
            else:
                mine = out[first] = [n]
                last = first
        return out

    def strip(self, norm: str) -> str:
        """The text with benign look-alikes and past events (a past attempt) blanked out."""
        return self.stripped(norm)[0]

    def stripped(self, norm: str) -> tuple[str, Candidates]:
        """strip(), and the candidate patterns of the stripped text."""
        ids = self.index.candidates(norm)
        candidates = self.grouped(ids)
        out = self.history.sub(" _past_ ", self.benign.sub(" ", norm, candidates), candidates)
        # Blanking a match (' word word' → ' ') makes no new literal but the mark: the text's candidates, with
        # those of the mark, still include every pattern that may match the stripped text.
        return (norm, candidates) if out == norm else (out, self.grouped(ids | self.past))

    def urgent_hit(self, norm: str, candidates: Candidates) -> tuple[str, str] | None:
        """(category, matched words) of the first kind of urgent rule that matches a stripped text."""
        for rule in self.urgent:
            if rule.first in candidates:  # (most rules have no candidate: no call)
                words = rule.search(norm, candidates)
                if words:
                    return rule.name, words
        return None

    def cues_in(self, norm: str, candidates: Candidates) -> dict[str, str]:
        """Kind → the cue words of that kind a text has."""
        found = {}
        for rule in self.cues:
            if rule.first in candidates:
                words = rule.search(norm, candidates)
                if words:
                    found[rule.name] = words
        return found

    def concern_hit(self, norm: str, candidates: Candidates) -> str | None:
        """The matched words of a concern rule, if any (a past event blanked by strip counts)."""
        if " _past_ " in norm:
            return "a past attempt or past self-harm"
        return self.concern.search(norm, candidates)

    def net_hit(self, norm: str, candidates: Candidates) -> str | None:
        """The matched words of a word of danger (the safety net), if any."""
        return self.net.search(norm, candidates)


Form = tuple[PatternSet, str, Candidates]  # the patterns for a form of a text, the text, its candidates


@dataclass(frozen=True, slots=True)
class CrisisRules:
    """The patterns as written (for text with letters at most doubled) and collapsed (for 'diiie')."""

    plain: PatternSet
    collapsed: PatternSet
    speller: Speller
    words: dict[str, str]  # chat spelling → the words it stands for ('kben' → 'ik ben'); and as texts are
    # read, each other word → its canonical form (the speller's answer), up to CANONICAL_CACHE words

    def canonical(self, norm: str) -> str:
        """A normalised text with chat spellings written out and typos in rule words undone."""
        return self.canonical_words(norm.split())[0]

    def canonical_words(self, split: list[str]) -> tuple[str, list[str]]:
        """canonical() of the text of these words (normalised), and its words (its split(): what loosely()
        and the model read, without splitting it again)."""
        known = self.words
        seen = list(map(known.get, split))
        if all(seen):
            words = cast(list[str], seen)
        else:
            fix = self.speller.word  # a word not seen before
            words = [w or fix(s) for w, s in zip(seen, split, strict=True)]
            if len(known) < CANONICAL_CACHE:
                known.update(zip(split, words, strict=True))
        norm = " " + " ".join(words) + " "
        # these are its split() unless one is two words ('kben' → 'ik ben': more spaces than between words)
        # or empty (two spaces in a row); a split costs ~5,000 instructions a message (writers' held-out)
        if norm.count(" ") != len(words) + 1 or "  " in norm:
            words = norm.split()
        return norm, words

    def loosely(self, norm: str, words: list[str] | None = None) -> Form | None:
        """A canonical text with rare real words also read as the rule word they are one typo from ('laaste'
        → 'laatste'): tried for urgent rules only when nothing else matched. None when no word changes.
        `words`: norm.split(), when known."""
        words = norm.split() if words is None else words
        if self.speller.rare.isdisjoint(words):  # no rare word: nothing to read (the common case)
            return None
        loose = [self.speller.loose(w) for w in words]
        if loose == words or self.plain.strip(norm) != norm:  # nothing to read, or a look-alike or past event
            return None
        return (self.plain, *self.plain.stripped(" " + " ".join(loose) + " "))

    def forms(
        self, text: str, norm: str | None = None, plain: str | None = None, stretched: bool = True
    ) -> list[Form]:
        """Each form of a text with the pattern set for it, benign phrases removed.

        The first is the canonical text `norm` (chat spelling written out, typos undone): what the model
        reads. `plain`: normalise(text), when known; `stretched`: False when normalised_words() says no
        letter is repeated three times (the check is then skipped: ~3 % of the instructions of a message)."""
        plain = plain if plain is not None else normalise(text)
        norm = norm if norm is not None else self.canonical(plain)
        out: list[Form] = [(self.plain, *self.plain.stripped(norm))]
        if (_DISGUISED.search(text) or _SPACED_WORDS.search(norm)) and _disguised(text, plain):
            clear = self.canonical(deobfuscate(text))
            if clear != norm:
                out.append((self.plain, *self.plain.stripped(clear)))
        if stretched and _STRETCHED.search(text):  # 'diiie', 'zelfmoooord': letters stretched for emphasis
            out += [(self.collapsed, *self.collapsed.stripped(collapse(n))) for _, n, _ in out]
        return out

    def clean(self, text: str) -> str:
        """The canonical text with benign look-alikes removed: what the model reads."""
        return self.plain.strip(self.canonical(normalise(text)))


def urgent_hit(forms: list[Form]) -> tuple[str, str] | None:
    """(category, matched words) of the first urgent rule, in any form of a text."""
    for patterns, norm, candidates in forms:
        hit = patterns.urgent_hit(norm, candidates)
        if hit:
            return hit
    return None


def likelier_rule(form: Form, category: str, probs: dict[str, float]) -> tuple[str, str] | None:
    """Of the urgent rules tried after `category`, the one of the kind the model finds likeliest, if it is
    KIND_LIKELIER times likelier than `category` and matches a form of a text too: (its kind, the words of
    one of its matches). Rules only of kinds that much likelier are tried, likeliest first."""
    patterns, norm, candidates = form
    names = [rule.name for rule in patterns.urgent]
    later = patterns.urgent[names.index(category) + 1 :]
    for rule in sorted(later, key=lambda rule: -probs.get(rule.name, 0.0)):
        if probs.get(rule.name, 0.0) <= probs.get(category, 0.0) * KIND_LIKELIER:
            return None
        words = rule.any_match(norm, candidates)
        if words:
            return rule.name, words
    return None


def first_hit(forms: list[Form], hit: Callable[[PatternSet, str, Candidates], str | None]) -> str | None:
    """The matched words of the first form of a text that `hit` (PatternSet.concern_hit, .net_hit) finds."""
    for patterns, norm, candidates in forms:
        words = hit(patterns, norm, candidates)
        if words:
            return words
    return None


def _compile(pattern: str) -> str:
    """A pattern on whole words: normalised text is ' word word ', so words start after a space.

    Starting with a literal space (not a look-behind) lets the regex engine jump from space to space. Groups
    are not captured (only the whole match is read): the engine then saves no marks while it backtracks.
    Stretches of any text before a word ('.{0,80}\\b') and classes are written as the engine runs them
    faster (fast_stretches, fast_classes), and \\b reads ASCII (normalised text is ASCII: the same)."""
    return rf" (?a:{uncaptured(fast_classes(fast_stretches(pattern)))})(?= )"


# '.{0,N}\b' (a stretch of any text, then a rule word at a word's start) in a phrase file pattern
_STRETCH_BOUNDARY = re.compile(r"\.\{0,([1-9][0-9]*)\}\\b")


def fast_stretches(pattern: str) -> str:
    """The pattern with each '.{0,N}\\b' written '(?:.{0,N-1} |)\\b': the same matches on normalised text.

    In normalised text a space is the only character that is not a word character, and a stretch is always
    followed by a word (test_crisis_stretches.py checks every pattern): a word starts either after a space
    that ends the stretch, or where the stretch is empty. The places are tried in the same order (longest
    stretch first), so a search finds the same match. The engine skips to the next space backwards instead
    of trying the rest of the pattern at every character: 5.5 % fewer instructions in all regex searches
    of the tune texts (callgrind)."""
    return _STRETCH_BOUNDARY.sub(lambda m: f"(?:.{{0,{int(m.group(1)) - 1}}} |)\\b", pattern)


_ESCAPE_OR_CLASS = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]")  # an escape, or a character class '[...]'
_FAST_CLASS = {r"\w": "[^ ]", r"\d": "[0-9]"}  # on normalised text (letters, digits, '_' and spaces)


def fast_classes(pattern: str) -> str:
    """The pattern with each \\w written '[^ ]' and \\d '[0-9]' (outside character classes): the same
    matches on normalised text, where a space is the only character that is not a word character. The
    engine counts '[^ ]+' with one comparison a character instead of a call that reads Unicode tables:
    with ASCII \\b, 5 % fewer instructions in all regex searches of the tune texts (callgrind)."""
    return _ESCAPE_OR_CLASS.sub(lambda m: _FAST_CLASS.get(m.group(0), m.group(0)), pattern)


Known = dict[str, Indexed]  # a compiled pattern's source → its clause for the index, and those checked


def _set(data: dict, shape, known: Known | None = None) -> PatternSet:  # type: ignore[no-untyped-def,type-arg]
    """The patterns of a phrase file in one shape. A pattern in `known` (checked when that table was written)
    is compiled when first needed; any other is compiled now, so a bad one stops the load."""
    sources: list[str] = []
    literals: list[Indexed] = []
    owner: list[int] = []
    compiled = LazyPatterns(sources)  # its sources grow with each rule
    known = known or {}

    def rule(name: str, patterns: list[str]) -> Rule:
        shaped = [_compile(shape(p)) for p in patterns] or [_compile("(?!x)x")]
        first = len(sources)
        for n, source in enumerate(shaped, start=first):
            sources.append(source)
            owner.append(first)
            if source in known:
                literals.append(known[source])
            else:
                compiled[n] = compile_grouped(source)
                literals.append(indexed_clauses(source))
        return Rule(name, compiled, first, frozenset(range(first, len(sources))))

    def section(name: str) -> Rule:
        return rule(name, list(data.get(name, {}).get("patterns", [])))

    urgent = data["urgent"]
    urgent_rules = tuple(rule(cat, urgent[cat]) for cat in CATEGORIES)
    cues = tuple(rule(cat, data.get("cues", {}).get(cat, [])) for cat in CUE_ORDER)
    concern, net, history, benign, calm, safe, young, minor, little = (section(name) for name in SECTIONS)
    index = LiteralIndex.build(sources, literals)
    past = index.touched(" _past_ ")
    sections = (concern, net, history, benign, calm, safe, young, minor, little)
    return PatternSet(urgent_rules, cues, *sections, index, past, tuple(owner))


def _all_patterns(data: dict) -> list[str]:  # type: ignore[type-arg]
    """Every pattern of a phrase file's data."""
    out = [p for section in ("urgent", "cues") for ps in data.get(section, {}).values() for p in ps]
    return out + [p for s in SECTIONS for p in data.get(s, {}).get("patterns", [])]


SHAPES = (str, collapse)  # the shapes of the patterns: as written (plain), and collapsed


def literal_table(path: Path) -> dict[str, list[list[str] | list[list[str]] | None]]:
    """Each pattern of a phrase file, in each shape, as compiled → [the clause it is indexed by (sorted; None
    when none), the clauses checked after]: what content/crisis_literals.json holds (written by
    tools/crisis_literals.py). Every pattern is compiled here, so a bad one raises re.error."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    out: dict[str, list[list[str] | list[list[str]] | None]] = {}
    for shape in SHAPES:
        for p in [*_all_patterns(data), "(?!x)x"]:
            source = _compile(shape(p))
            compile_grouped(source)
            first, checks = indexed_clauses(source)
            out[source] = [None if first is None else sorted(first), [sorted(c) for c in checks]]
    return dict(sorted(out.items()))


def load_literals(path: Path) -> Known:
    """A table written by literal_table(); empty when the file is missing or not of that shape (every
    pattern is then compiled and read at load: slower, the same answers)."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))["clauses"]
        return {k: _indexed(v) for k, v in table.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _indexed(row: object) -> Indexed:
    """A row of the table as written by literal_table(); TypeError when it is not of that shape."""
    if not isinstance(row, list) or len(row) != 2 or not isinstance(row[1], list):
        raise TypeError("a row is [clause or null, [clause, ...]]")
    first, checks = row
    return (None if first is None else frozenset(_strings(first))), tuple(
        frozenset(_strings(c)) for c in checks
    )


def _strings(clause: object) -> list[str]:
    """A clause as read from the table: a list of strings, else TypeError."""
    if not isinstance(clause, list) or not all(isinstance(s, str) for s in clause):
        raise TypeError("a clause is a list of strings")
    return clause


def load_rules(path: Path, speller: Speller | None = None, known: Known | None = None) -> CrisisRules:
    """Read and compile a crisis phrase file; ValueError when a category is missing or a regex is bad.

    Without a speller, words are read as written. `known`: required literals of patterns already checked
    (load_literals): those are compiled when first needed, the others now."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    urgent = data.get("urgent", {})
    missing = [c for c in CATEGORIES if not urgent.get(c)]
    if missing:
        raise ValueError(f"{path.name}: no urgent patterns for {', '.join(missing)}")
    spaced = [p for p in _all_patterns(data) if p != p.strip(" ")]
    if spaced:  # text is ' word word ': a pattern starting or ending in a space can never match
        raise ValueError(f"{path.name}: pattern starts or ends with a space: {spaced[0]!r}")
    unknown = sorted(set(urgent) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"{path.name}: unknown category {', '.join(unknown)}")
    try:
        chat = data.get("chat", {}).get("words", {})
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in chat.items()):
            raise ValueError(f"{path.name}: [chat] words must map words to words")
        speller = speller or Speller((), frozenset())
        plain, collapsed = (_set(data, shape, known) for shape in SHAPES)
        return CrisisRules(plain, collapsed, speller, dict(chat))
    except re.error as exc:
        raise ValueError(f"{path.name}: bad pattern: {exc}") from exc


def _model_kind(
    category: str, why: str, probs: dict[str, float], kept: frozenset[str] = KIND_KEPT, by_rule: bool = True
) -> Verdict:
    """An urgent verdict of this kind, unless the model is sure of another and finds this one unlikely;
    never a kind in `kept`. `by_rule`: the kind is a rule's."""
    best = max(probs, key=probs.__getitem__)
    if (
        category not in kept
        and best != category
        and probs[best] >= KIND_SURE
        and probs.get(category, 0.0) < KIND_DOUBT
    ):
        why = f"{why}; kind {best} from the model (p={probs[best]:.2f}, {category} p={probs[category]:.2f})"
        category = best
    return Verdict("urgent", category, why, by_rule)


@dataclass(frozen=True, slots=True)
class Detector:
    """Rules first (precise, per kind), then the model for phrasing the rules do not know."""

    rules: CrisisRules
    model: LinearModel

    def assess(self, text: str, explain: int = 4) -> Verdict:
        """The level, kind and reason for one message."""
        words, triples = normalised_words(text)  # (split once, for canonical_words() too)
        plain_text = " " + " ".join(words) + " "
        norm, words = self.rules.canonical_words(words)
        forms = self.rules.forms(text, norm, plain_text, triples or len(text) > MAX_SCAN)
        clean = forms[0][1]  # what the model reads; a disguised or stretched text ('z e l f m o o r d') is
        # read by the rules in another form, so the model has no say there
        read = words if clean is norm else None  # the words the model reads, when nothing was blanked
        verdict = self._checked(norm, read, forms, explain)
        if (
            verdict.urgent
            and len(forms) == 1
            and verdict.by_rule
            and clean.count(" ") > MIN_MODEL_WORDS
            and len(text.split()) > VETO_MIN_WORDS  # (the dearest check last)
        ):
            # a rule's urgent verdict that the model finds very unlikely
            scored = self.model.score(clean, words=read)
            if scored.urgent < VETO_URGENT and scored.any < VETO_ANY:
                odds = f"p={scored.urgent:.2f} (concern p={scored.any:.2f})"
                why = f"{verdict.why}, but the model {odds}: concern"
                return Verdict("concern", None, why)
        return verdict

    def _checked(self, norm: str, read: list[str] | None, forms: list[Form], explain: int) -> Verdict:
        """assess() before the model's veto (VETO_URGENT); `read`: the words of `norm` when the model reads
        `norm` itself (nothing blanked), else None."""
        verdict = self._assess(norm, read, forms, explain)
        plain = self.rules.plain
        if verdict.category == "suicide":  # a thought said to come without a plan: concern
            calm = plain.calm.search(norm, forms[0][2])  # (candidates of `norm`, or more)
            if calm:
                return Verdict("concern", None, f"{verdict.why}; but '{calm}': concern")
        if verdict.category == "child":  # a young writer's worry, nothing dangerous said to happen: concern
            safe = plain.safe.search(norm, forms[0][2])
            if safe:
                return Verdict("concern", None, f"{verdict.why}; but '{safe}': concern")
        if verdict.urgent and verdict.category != "child":  # a young writer, or a child there: child at risk
            _, stripped, candidates = forms[0]  # look-alikes and past events blanked
            for section, kinds in CHILD_WHEN:
                if verdict.category in kinds:
                    young = getattr(plain, section).search(stripped, candidates)
                    if young:
                        why = f"{verdict.why}; '{young}': a child"
                        return Verdict("urgent", "child", why, verdict.by_rule)
        return verdict

    def _rule_kind(self, hit: tuple[str, str], forms: list[Form], read: list[str] | None) -> Verdict:
        """An urgent rule's verdict; a broad rule's kind checked by the model (see KIND_VOTED). `read`: the
        words the model reads, when known."""
        category, words = hit
        why = f"rule {category}: '{words}'"
        clean = forms[0][1]
        if category not in KIND_VOTED or clean.count(" ") <= MIN_MODEL_WORDS:  # a precise rule, or short
            return Verdict("urgent", category, why, by_rule=True)
        probs = self.model.kind_probs(clean, self.model.score(clean, words=read))
        likelier = likelier_rule(forms[0], category, probs)
        if likelier:  # rules of several kinds match: the model chooses among them
            why = f"rule {likelier[0]}: '{likelier[1]}' (rule {category} too; {likelier[0]} likelier)"
            category = likelier[0]
        return _model_kind(category, why, probs)

    def _assess(self, norm: str, read: list[str] | None, forms: list[Form], explain: int) -> Verdict:
        """assess() before a 'no plan' statement is taken into account; `norm` is the canonical text, `forms`
        its forms and `read` (see _checked) its words when the model reads it."""
        hit = urgent_hit(forms)
        if hit:
            return self._rule_kind(hit, forms, read)
        loose = self.rules.loosely(norm, read)
        hit = urgent_hit([loose]) if loose else None
        if hit and " " in hit[1]:  # a phrase, not the one word that was read as a typo ('deler' → 'delier')
            category, matched = hit
            why = f"rule {category}: '{matched}' (a real word read as a typo)"
            return Verdict("urgent", category, why, by_rule=True)
        _, clean, candidates = forms[0]
        if clean.count(" ") <= MIN_MODEL_WORDS:  # one word: too little for the model to say anything
            concern = first_hit(forms, PatternSet.concern_hit) or first_hit(forms, PatternSet.net_hit)
            return Verdict("concern", None, f"rule concern: '{concern}'") if concern else NOTHING
        scored = self.model.score(clean, explain, read)
        features = ", ".join(f"'{f}'" for f in scored.top)
        if scored.urgent >= self.model.urgent_threshold:
            cues = self.rules.plain.cues_in(clean, candidates)
            if cues or scored.urgent >= self.model.sure_threshold:
                probs = self.model.kind_probs(clean, scored)
                category, p_kind = likeliest(probs, tuple(cues))
                because = f"kind from '{cues[category]}'" if cues else "no cue word, sure"
                if cues or p_kind >= SURE_KIND:  # without a cue, the model must be sure of the kind too
                    why = f"model p={scored.urgent:.2f}: {features}; {because} (p={p_kind:.2f})"
                    return _model_kind(category, why, probs, KIND_KEPT_MODEL, by_rule=False)
            return Verdict("concern", None, f"model p={scored.urgent:.2f} without a cue word: {features}")
        concern = first_hit(forms, PatternSet.concern_hit)
        if concern:
            return Verdict("concern", None, f"rule concern: '{concern}'")
        danger = first_hit(forms, PatternSet.net_hit)
        if danger:
            if (
                len(forms) == 1  # not disguised nor stretched
                and norm.count(" ") > VETO_MIN_WORDS + 1
                and scored.urgent < NET_VETO_URGENT
                and scored.any < NET_VETO_ANY
            ):
                odds = f"p={scored.urgent:.2f} (concern p={scored.any:.2f})"
                return Verdict("none", None, f"rule concern: '{danger}', but the model {odds}: none")
            return Verdict("concern", None, f"rule concern: '{danger}'")
        if scored.any >= self.model.concern_threshold:
            return Verdict("concern", None, f"model concern p={scored.any:.2f}: {features}")
        return NOTHING


@cache
def rules() -> CrisisRules:
    """Load and compile content/crisis.toml (and the rule words' spelling lists) once."""
    speller = load_speller(CONTENT_DIR / "crisis_spelling.json")
    known = load_literals(CONTENT_DIR / "crisis_literals.json")  # patterns compiled when first needed
    return load_rules(CONTENT_DIR / "crisis.toml", speller, known)


@cache
def detector() -> Detector:
    """The rules and the exported model, loaded once."""
    return Detector(rules(), load_model(CONTENT_DIR / "crisis_model.json"))


def assess(text: str) -> Verdict:
    """Level, kind and reason for a message."""
    return detector().assess(text[:MAX_SCAN], explain=0)


def explain(text: str) -> Verdict:
    """Like assess, with the strongest model features named in the reason."""
    return detector().assess(text[:MAX_SCAN], explain=4)


def crisis_category(text: str) -> str | None:
    """The kind of emergency when a message is urgent, else None."""
    return assess(text).category


def is_crisis(text: str) -> bool:
    """Whether a message is urgent: the help screen for its kind must come first."""
    return assess(text).urgent


def read_labelled(path: Path) -> list[tuple[str, str, str | None, str]]:
    """Rows of an evaluation file as (group, level, category or None, text); '#' lines are comments."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 5 or parts[1] not in LEVELS or parts[2] not in (*CATEGORIES, "-"):
            raise ValueError(f"{path.name}:{n}: expected 'group<TAB>level<TAB>category<TAB>lang<TAB>text'")
        group, level, category, _lang, text = parts
        rows.append((group, level, None if category == "-" else category, text))
    return rows
