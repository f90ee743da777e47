"""A cheap first pass before many regular expressions: which of them can possibly match a text.

For each pattern the words it cannot match without (its *required literals*: 'zelfmoord' in 'zelfmoord\\w*',
one of 'gestopt'/'stoppen' in '(gestopt|stoppen) ...') are read from the parsed regex. A text is scanned
once for its three-letter pieces; only patterns with a required literal in the text are run. Patterns
without a usable literal are always run. The result is the same as running every pattern, only faster.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

_parser: Any = importlib.import_module("re._parser")  # the stdlib regex parser (sre_parse before 3.11)
_c: Any = importlib.import_module("re._constants")

GRAM = 3  # literals are indexed by a piece of three characters; shorter ones are not usable


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective of several required-literal sets: the longest shortest literal, then fewest."""
    if not options:
        return None
    return max(options, key=lambda s: (min(map(len, s)), -len(s)))


def _required(items: Any) -> frozenset[str] | None:
    """Literals one of which every match of this parsed sequence contains, or None if none is known."""
    options: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= GRAM:
            options.append(frozenset(["".join(run)]))
        run.clear()

    for op, arg in items:
        if op is _c.LITERAL:
            run.append(chr(arg))
            continue
        flush()
        found: frozenset[str] | None = None
        if op is _c.SUBPATTERN:
            found = _required(arg[-1])
        elif op is _c.BRANCH:
            branches = [_required(b) for b in arg[1]]
            if all(b is not None for b in branches):
                found = frozenset().union(*(b for b in branches if b is not None))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            found = _required(arg[2])
        if found and min(map(len, found)) >= GRAM:
            options.append(found)
    flush()
    return _best(options)


def required_literals(pattern: str) -> frozenset[str] | None:
    """The literals (at least three characters) of which any match of `pattern` contains one, or None."""
    return _required(_parser.parse(pattern))


def _grams(text: str) -> set[str]:
    """The pieces of GRAM characters in a text."""
    return set(map("".join, zip(text, text[1:], text[2:], strict=False)))


@dataclass(frozen=True, slots=True)
class LiteralIndex:
    """Required literals of numbered patterns, each indexed by its least common piece of GRAM characters."""

    by_gram: dict[str, tuple[tuple[str, frozenset[int]], ...]]
    always: frozenset[int]
    grams: frozenset[str]

    @classmethod
    def build(cls, patterns: list[str]) -> LiteralIndex:
        """Index patterns by number (their position in the list)."""
        by_literal: dict[str, set[int]] = {}
        always: set[int] = set()
        for n, pattern in enumerate(patterns):
            literals = required_literals(pattern)
            if literals is None:
                always.add(n)
                continue
            for literal in literals:
                by_literal.setdefault(literal, set()).add(n)
        spread: dict[str, int] = {}  # how many literals contain each piece
        for literal in by_literal:
            for gram in _grams(literal):
                spread[gram] = spread.get(gram, 0) + 1
        by_gram: dict[str, list[tuple[str, frozenset[int]]]] = {}
        for literal, ids in sorted(by_literal.items()):
            key = min(sorted(_grams(literal)), key=lambda g: (" " in g, spread[g]))  # the rarest piece
            by_gram.setdefault(key, []).append((literal, frozenset(ids)))
        return cls({k: tuple(v) for k, v in by_gram.items()}, frozenset(always), frozenset(by_gram))

    def candidates(self, text: str) -> set[int]:
        """Numbers of the patterns that may match `text` (a superset of those that do)."""
        out = set(self.always)
        by_gram = self.by_gram
        for gram in _grams(text) & self.grams:
            for literal, ids in by_gram[gram]:
                if literal in text:
                    out |= ids
        return out
