"""Phrase file patterns written for speed at compile time (fast_stretches, fast_classes, ASCII \\b) match what
they are written as."""

from __future__ import annotations

import re
import tomllib
from re import _compiler as K  # type: ignore[attr-defined]
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

from conversations.crisis import (
    SHAPES,
    _all_patterns,
    _compile,
    fast_classes,
    fast_stretches,
    normalise,
    rules,
)
from conversations.regex_anchors import compile_grouped, uncaptured
from tests.conftest import ROOT

WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_LOOPS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def _starts(items: list[Any]) -> tuple[frozenset[str] | None, bool]:
    """The characters a match of a parsed sequence can start with (None: any), and whether it can be empty."""
    out: set[str] = set()
    for op, av in items:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue
        if op is C.LITERAL:
            return frozenset(out | {chr(av)}), False
        if op is C.IN:
            for kind, value in av:
                if kind is C.LITERAL:
                    out.add(chr(value))
                elif kind is C.RANGE:
                    out.update(map(chr, range(value[0], value[1] + 1)))
                elif kind is C.CATEGORY and value in (C.CATEGORY_WORD, C.CATEGORY_DIGIT):
                    out.update(WORD)
                else:
                    return None, False
            return frozenset(out), False
        if op is C.BRANCH or op is C.SUBPATTERN or str(op) in _LOOPS:
            subs = [a.data for a in av[1]] if op is C.BRANCH else [av[-1].data]
            empty = op is not C.SUBPATTERN and op is not C.BRANCH and av[0] == 0
            for sub in subs:
                first, can_be_empty = _starts(sub)
                if first is None:
                    return None, False
                out |= first
                empty = empty or can_be_empty
            if not empty:
                return frozenset(out), False
            continue
        return None, False  # any character, or something this check does not read
    return frozenset(out), True


def _stretch_continuations(items: list[Any]) -> list[tuple[frozenset[str] | None, bool]]:
    """For each '.{0,N}\\b' in a parsed pattern: what may start what follows the '\\b', and whether it may be
    empty."""
    found = []
    for i, (op, av) in enumerate(items):
        if str(op) == "MAX_REPEAT" and av[0] == 0 and [o for o, _ in av[2].data] == [C.ANY]:
            if items[i + 1 : i + 2] == [(C.AT, C.AT_BOUNDARY)]:
                found.append(_starts(items[i + 2 :]))
        if op is C.BRANCH:
            subs = [a.data for a in av[1]]
        elif op is C.SUBPATTERN:
            subs = [av[-1].data]
        elif str(op) in _LOOPS:
            subs = [av[2].data]
        elif op in (C.ASSERT, C.ASSERT_NOT):
            subs = [av[1].data]
        else:
            subs = []
        for sub in subs:
            found += _stretch_continuations(sub)
    return found


def _patterns() -> list[str]:
    data = tomllib.loads((ROOT / "content" / "crisis.toml").read_text(encoding="utf-8"))
    return [shape(p) for p in _all_patterns(data) for shape in SHAPES]


def test_every_stretch_before_a_boundary_is_followed_by_a_word() -> None:
    """What fast_stretches relies on: after '.{0,N}\\b' a match goes on with a word character (never a space,
    never nothing), so the boundary is a word's start."""
    found = [c for p in _patterns() for c in _stretch_continuations(P.parse(uncaptured(p)).data)]
    assert len(found) > 100
    bad = [(first, empty) for first, empty in found if first is None or empty or not first <= WORD]
    assert not bad, bad[:3]


def test_fast_stretches_rewrites_only_stretches() -> None:
    written = r"(a|b)\b.{0,80}\b(c|d) .{0,40}\b(x)"
    assert fast_stretches(written) == r"(a|b)\b(?:.{0,79} |)\b(c|d) (?:.{0,39} |)\b(x)"
    assert fast_stretches(r"a .{0,40} b") == r"a .{0,40} b"


def test_fast_classes_rewrites_only_classes_outside_brackets() -> None:
    assert fast_classes(r"a\w+ (\d+|x)\b") == r"a[^ ]+ ([0-9]+|x)\b"
    assert fast_classes(r"[\d\w-] \\w") == r"[\d\w-] \\w"  # in a class, or an escaped backslash: as written


def _same_code(old: str, new: str) -> bool:
    """Whether two patterns compile to the same engine code (the ASCII flag changes nothing else)."""
    return bool(K._code(P.parse(old), 0) == K._code(P.parse(new), 0))


def test_fast_patterns_find_the_same_matches_from_every_start() -> None:
    """Each rewritten pattern (one that compiles to other code), on normalised tune texts (and a few made to
    fit): the same match from every start position (each distinct leftmost match, in a chain of searches)."""
    lines = (ROOT / "tests" / "data" / "crisis" / "tune.tsv").read_text(encoding="utf-8").splitlines()
    texts = [normalise(line.split("\t")[-1]) for line in lines[::5] if line and not line.startswith("#")]
    texts += [" ik ben 12 en mijn vader slaat me ", " dronken en de kinderen in de auto ", " dronken kids "]
    texts += [rules().canonical(t) for t in texts]
    changed = {rf" (?:{uncaptured(p)})(?= )": _compile(p) for p in _patterns()}
    changed = {old: new for old, new in changed.items() if not _same_code(old, new)}
    assert len(changed) > 500
    for old, new in changed.items():
        before, after = compile_grouped(old), compile_grouped(new)
        for text in texts:
            pos = 0
            while True:
                a, b = before.search(text, pos), after.search(text, pos)
                assert (a and a.span()) == (b and b.span()), (old, text)
                if a is None:
                    break
                pos = a.start() + 1


def test_stretches_are_read_from_the_pattern_text() -> None:
    """The rewrite finds every '.{0,N}\\b' the parser finds (none hidden from the text pattern)."""
    for p in _patterns():
        written = len(re.findall(r"\.\{0,[1-9][0-9]*\}\\b", p))
        assert written == len(_stretch_continuations(P.parse(uncaptured(p)).data)), p
