"""Recognise crisis language (suicide, self-harm, overdose, acute danger) in any text, in nl and en.

Phrases live in content/crisis.toml. Text is normalised first: case, accents, apostrophes, zero-width
characters, punctuation and repeated letters, so 'ZELFMOOOORD!!', "i'm gonna kill myself" and 'I want to
diiie' all match. Each text is checked in two forms: letters repeated at most twice, and fully collapsed;
and once more with disguises undone ('zelfm00rd', 'k1ll', 'z e l f m o o r d').
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from content import CONTENT_DIR

MAX_SCAN = 8192
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)
_REPEATS = re.compile(r"([a-z])\1+")
_SYMBOLS = str.maketrans({"@": "a", "$": "s", "€": "e"})
_DIGITS = str.maketrans("0134579", "oieastg")
_MIXED = re.compile(r"\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[0-9])[a-z0-9]+\b")
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z] ){3,}[a-z](?![a-z0-9])")
CATEGORIES = ("suicide", "self_harm", "overdose", "danger")


def normalise(text: str) -> str:
    """Lower case, no accents, no apostrophes, letters repeated at most twice, single spaces."""
    text = unicodedata.normalize("NFKD", text[:MAX_SCAN].translate(_ZERO_WIDTH))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().translate(_APOSTROPHES)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"(.)\1{2,}", r"\1\1", text)
    return f" {text.strip()} "


def deobfuscate(text: str) -> str:
    """Undo common disguises: symbols and digits inside words ('zelfm00rd', 'k1ll'), spaced letters."""
    norm = normalise(text.translate(_SYMBOLS))
    norm = _MIXED.sub(lambda m: m.group(0).translate(_DIGITS), norm)
    return _SPACED.sub(lambda m: m.group(0).replace(" ", ""), norm)


def collapse(text: str) -> str:
    """Every run of one repeated letter as a single letter ('diiie' → 'die', 'kill' → 'kil')."""
    return _REPEATS.sub(r"\1", text)


@dataclass(frozen=True, slots=True)
class PatternSet:
    """Signals per category and benign look-alikes, compiled for one form of the text."""

    signals: tuple[tuple[str, re.Pattern[str]], ...]
    benign: tuple[re.Pattern[str], ...]

    def find(self, norm: str) -> str | None:
        """The category of the first signal in an already normalised text (benign parts removed)."""
        for pattern in self.benign:
            norm = pattern.sub(" ", norm)
        for category, pattern in self.signals:
            if pattern.search(norm):
                return category
        return None


@dataclass(frozen=True, slots=True)
class CrisisRules:
    """The patterns as written (for text with letters at most doubled) and collapsed."""

    plain: PatternSet
    collapsed: PatternSet

    def category(self, text: str) -> str | None:
        """The crisis category a text signals, or None."""
        for norm in dict.fromkeys((normalise(text), deobfuscate(text))):
            found = self.plain.find(norm) or self.collapsed.find(collapse(norm))
            if found:
                return found
        return None


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])")


def _set(signals: dict[str, list[str]], benign: list[str], shape) -> PatternSet:  # type: ignore[no-untyped-def]
    compiled = tuple((cat, _compile(shape(p))) for cat in CATEGORIES for p in signals[cat])
    return PatternSet(compiled, tuple(_compile(shape(p)) for p in benign))


def load_rules(path: Path) -> CrisisRules:
    """Read and compile a crisis phrase file; ValueError when a category is missing or a regex is bad."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    signals = data.get("signals", {})
    missing = [c for c in CATEGORIES if not signals.get(c)]
    if missing:
        raise ValueError(f"{path.name}: no signal patterns for {', '.join(missing)}")
    benign = list(data.get("benign", {}).get("patterns", []))
    try:
        return CrisisRules(_set(signals, benign, str), _set(signals, benign, collapse))
    except re.error as exc:
        raise ValueError(f"{path.name}: bad pattern: {exc}") from exc


@cache
def rules() -> CrisisRules:
    """Load and compile content/crisis.toml once."""
    return load_rules(CONTENT_DIR / "crisis.toml")


def crisis_category(text: str) -> str | None:
    """'suicide', 'self_harm', 'overdose' or 'danger' when a message signals a crisis, else None."""
    return rules().category(text)


def is_crisis(text: str) -> bool:
    """Whether a message signals suicide, self-harm, overdose or acute danger."""
    return crisis_category(text) is not None
