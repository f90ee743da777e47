"""Recognise crisis language (suicide, self-harm, overdose, acute danger) in any text, in nl and en.

Phrases live in content/crisis.toml. Text is normalised first: case, accents, apostrophes, zero-width
characters, repeated letters and punctuation, so 'ZELFMOOOORD!!' and "i'm gonna kill myself" both match.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache

from content import CONTENT_DIR

MAX_SCAN = 8192
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)


def normalise(text: str) -> str:
    """Lower case, no accents, no apostrophes, letters repeated at most twice, single spaces."""
    text = unicodedata.normalize("NFKD", text[:MAX_SCAN].translate(_ZERO_WIDTH))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().translate(_APOSTROPHES)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"(.)\1{2,}", r"\1\1", text)
    return f" {text.strip()} "


@dataclass(frozen=True, slots=True)
class CrisisRules:
    """Compiled patterns: signals, and benign look-alikes that cancel a signal."""

    signals: tuple[re.Pattern[str], ...]
    benign: tuple[re.Pattern[str], ...]


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(rf"(?<![a-z0-9]){p}(?![a-z0-9])") for p in patterns)


@cache
def rules() -> CrisisRules:
    """Load and compile content/crisis.toml once."""
    with (CONTENT_DIR / "crisis.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return CrisisRules(_compile(data["signals"]["patterns"]), _compile(data["benign"]["patterns"]))


def is_crisis(text: str) -> bool:
    """Whether a message signals suicide, self-harm, overdose or acute danger."""
    norm = normalise(text)
    compiled = rules()
    cleaned = norm
    for pattern in compiled.benign:
        cleaned = pattern.sub(" ", cleaned)
    return any(p.search(cleaned) for p in compiled.signals)
