"""Undo one typo in the words the crisis rules look for: 'sprngen' → 'springen', 'gderonken' → 'gedronken'.

A word that is not itself a rule word, and not a real word (the `keep` list: real Dutch and English words one
typo away from a rule word, such as 'staat' near 'slaat'), is replaced by the rule word it is one typo from:
one letter dropped, one letter too many, or two neighbouring letters swapped. The lists are written by
tools/crisis_spelling.py into content/crisis_spelling.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

MIN_WORD = 4  # shorter words are left as they are (too many real words are one typo from each other)
MIN_TARGET = 5  # rule words this long or longer are corrected towards
CACHE = 8192  # corrected words remembered (texts repeat words)
_ESCAPE = re.compile(r"\\[A-Za-z]")
_WORD = re.compile(r"[a-z]+")
_OPTIONAL = re.compile(r"[a-z]\?")  # 'wrists?': the word is also written without its last letter
_STEM = re.compile(r"([a-z]+)\\w")


def pattern_words(patterns: list[str]) -> set[str]:
    """The literal words (MIN_TARGET letters or more) written in regular expressions."""
    out: set[str] = set()
    for pattern in patterns:
        plain = _ESCAPE.sub(" ", pattern)
        for form in (plain, _OPTIONAL.sub("", plain)):
            out.update(w for w in _WORD.findall(form) if len(w) >= MIN_TARGET)
    return out


def pattern_stems(patterns: list[str]) -> set[str]:
    """Word beginnings completed with \\w in patterns ('zelfmoord' in 'zelfmoord\\w*'), 5+ letters."""
    return {w for pattern in patterns for w in _STEM.findall(pattern) if len(w) >= MIN_TARGET}


def deletions(word: str) -> set[str]:
    """The word with one letter left out, each way."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def swapped(a: str, b: str) -> bool:
    """Whether b is a with two neighbouring letters swapped."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


@dataclass(frozen=True, slots=True)
class Speller:
    """Corrects words one typo away from a rule word."""

    order: tuple[str, ...]  # the rule words, the more common first (on a tie the more common one wins)
    keep: frozenset[str]
    rare: frozenset[str] = frozenset()  # kept words rare enough to be read as a typo when nothing else fits
    targets: frozenset[str] = field(init=False, repr=False)
    rank: dict[str, int] = field(init=False, repr=False)
    short: dict[str, tuple[str, ...]] = field(init=False, repr=False)  # a target less one letter → targets
    _seen: dict[str, str] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", frozenset(self.order))
        object.__setattr__(self, "rank", {w: n for n, w in reversed(list(enumerate(self.order)))})
        short: dict[str, list[str]] = {}
        for target in sorted(self.targets):
            for d in deletions(target):
                short.setdefault(d, []).append(target)
        object.__setattr__(self, "short", {k: tuple(v) for k, v in short.items()})

    def candidates(self, word: str, loose: bool = False) -> set[str]:
        """Rule words one typo away from `word` (nothing for a rule word, nor for a kept real word unless
        `loose`)."""
        kept = word in self.keep and not loose
        if len(word) < MIN_WORD or word in self.targets or not word.isalpha() or kept:
            return set()
        found = set(self.short.get(word, ()))  # a letter dropped
        short = self.short
        for d in deletions(word):
            if d in self.targets:  # a letter too many
                found.add(d)
            for target in short.get(d, ()):  # two letters swapped
                if swapped(word, target):
                    found.add(target)
        return found

    def word(self, word: str) -> str:
        """The rule word `word` is a typo of, or `word` itself."""
        done = self._seen.get(word)
        if done is None:
            found = self.candidates(word)
            # the longest ('drinkn' → 'drinken', not 'drink'), then the most common ('sprngen' → 'springen')
            done = min(found, key=lambda w: (-len(w), self.rank[w], w)) if found else word
            if len(self._seen) >= CACHE:
                self._seen.clear()
            self._seen[word] = done
        return done

    def loose(self, word: str) -> str:
        """A rare kept word read as the rule word it is one typo from ('laaste' → 'laatste'), or itself."""
        if word not in self.rare:
            return word
        found = self.candidates(word, loose=True)
        return min(found, key=lambda w: (-len(w), self.rank[w], w)) if found else word

    def text(self, norm: str) -> str:
        """A normalised text (' word word ') with typos in rule words undone."""
        fix = self.word
        return " " + " ".join([fix(w) for w in norm.split()]) + " "


def speller_to_json(speller: Speller, about: str, rule_words: set[str]) -> str:
    """The stored form of a speller's word lists (and the rule words they were made for)."""
    data = {
        "about": about,
        "rule_words": sorted(rule_words),
        "targets": list(speller.order),
        "keep": sorted(speller.keep),
        "rare": sorted(speller.rare),
    }
    return json.dumps(data, ensure_ascii=False, indent=0) + "\n"


def stored_rule_words(path: Path) -> set[str]:
    """The rule words a stored speller was made for (to check it is current)."""
    return set(json.loads(path.read_text(encoding="utf-8")).get("rule_words", []))


def load_speller(path: Path) -> Speller:
    """Read the word lists; ValueError when the file does not have the expected shape."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), list) and all(isinstance(w, str) for w in data[k])
        for k in ("targets", "keep")
    ):
        raise ValueError(f"{path.name}: expected lists of words 'targets' and 'keep'")
    rare = data.get("rare", [])
    if not isinstance(rare, list) or not all(isinstance(w, str) for w in rare):
        raise ValueError(f"{path.name}: expected a list of words 'rare'")
    return Speller(tuple(data["targets"]), frozenset(data["keep"]), frozenset(rare))
