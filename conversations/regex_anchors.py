"""A cheap first pass before many regular expressions: which of them can possibly match a text.

For each pattern the words it cannot match without (its *required literals*: 'zelfmoord' in 'zelfmoord\\w*',
one of 'gestopt'/'stoppen' in '(gestopt|stoppen) ...') are read from the parsed regex. A text is scanned
once for its three-letter pieces; only patterns with a required literal in the text are run. Patterns
without a usable literal are always run. The result is the same as running every pattern, only faster.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_parser: Any = importlib.import_module("re._parser")  # the stdlib regex parser (sre_parse before 3.11)
_c: Any = importlib.import_module("re._constants")
_compiler: Any = importlib.import_module("re._compiler")
_sre: Any = importlib.import_module("_sre")

WORD_CACHE = 8192  # words remembered with what they hold (~150 bytes each)
GRAM = 3  # literals are indexed by a piece of three characters; shorter ones are not usable
CHANCE = 4.0  # a literal one letter longer is taken to be this many times rarer (tried 4 and 8: the same)


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")  # \1, (?P=name), (?(1)yes|no): groups are read


def uncaptured(pattern: str) -> str:
    """The same regex with every capturing group '(' made non-capturing '(?:' (escapes and character classes
    left alone): it matches the same text, and the engine saves no group marks while it backtracks (up to
    1.5x faster on long patterns). A pattern that refers back to a group is returned as it is."""
    if _BACKREFERENCE.search(pattern):
        return pattern
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        ch = pattern[i]
        if ch == "\\":  # an escape: two characters as they are
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            start = i + 1 + (pattern[i + 1 : i + 2] == "^")
            if pattern[start : start + 1] == "]":  # '[]...]' and '[^]...]': a first ']' is a member
                out.append(pattern[i : start + 1])
                i = start + 1
                continue
        elif ch == "(" and pattern[i + 1 : i + 2] != "?":
            ch = "(?:"
        out.append(ch)
        i += 1
    return "".join(out)


_LOOPS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def _first(items: Any) -> frozenset[int] | None:
    """The characters a match of this parsed sequence can start with; None when not known (or it may be
    empty)."""
    if not items:
        return None
    op, av = items[0]
    if op is _c.LITERAL:
        return frozenset([av])
    if op is _c.IN:
        chars: set[int] = set()
        for kind, value in av:
            if kind is _c.LITERAL:
                chars.add(value)
            elif kind is _c.RANGE and value[1] - value[0] < 64:
                chars.update(range(value[0], value[1] + 1))
            else:  # a negated class, a category (\\w, \\d): any character may do
                return None
        return frozenset(chars)
    if op is _c.SUBPATTERN:
        return _first(av[-1].data)
    if op is _c.BRANCH:
        firsts = [_first(alt.data) for alt in av[1]]
        return None if None in firsts else frozenset().union(*firsts)  # type: ignore[arg-type]
    if str(op) in _LOOPS and av[0] >= 1:
        return _first(av[2].data)
    return None


def _sequence(state: Any, data: list[Any]) -> Any:
    """A parsed sequence of these items."""
    out = _parser.SubPattern(state)
    out.data = data
    return out


def _by_first_letter(state: Any, alternatives: list[Any]) -> list[Any]:
    """The alternatives of a branch, those that start with the same letter joined into one ('tril|trek|beef'
    → 't(ril|rek)|beef'), so the engine tests that letter once. The order the engine tries them in does not
    change where it matters: an alternative moves forward only past alternatives that cannot start with its
    letter (at a place where one of them can match, the other cannot)."""
    groups: list[tuple[int | None, frozenset[int] | None, list[Any]]] = []
    for alt in alternatives:
        if alt.data and alt.data[0][0] is _c.LITERAL:
            letter = alt.data[0][1]
            at = next((i for i in range(len(groups) - 1, -1, -1) if groups[i][0] == letter), None)
            if at is not None and all(f is not None and letter not in f for _, f, _ in groups[at + 1 :]):
                groups[at][2].append(alt)
                continue
            groups.append((letter, frozenset([letter]), [alt]))
        else:
            groups.append((None, _first(alt.data), [alt]))
    if len(groups) == len(alternatives):
        return alternatives
    joined = [_sequence(state, alt.data[1:]) for _, _, alts in groups for alt in alts]
    out, i = [], 0
    for letter, _, alts in groups:
        if len(alts) == 1:
            out.append(alts[0])
        else:
            out.append(
                _sequence(state, [(_c.LITERAL, letter), (_c.BRANCH, (None, joined[i : i + len(alts)]))])
            )
        i += len(alts)
    return out


def _grouped(parsed: Any) -> Any:
    """A parsed regex with every branch's alternatives joined by first letter (in place)."""
    out = []
    for op, av in parsed.data:
        if op is _c.BRANCH:
            av = (av[0], _by_first_letter(parsed.state, [_grouped(alt) for alt in av[1]]))
        elif op is _c.SUBPATTERN:
            av = (*av[:-1], _grouped(av[-1]))
        elif str(op) in _LOOPS:
            av = (av[0], av[1], _grouped(av[2]))
        elif op is _c.ASSERT or op is _c.ASSERT_NOT:
            av = (av[0], _grouped(av[1]))
        elif str(op) == "ATOMIC_GROUP":
            av = _grouped(av)
        out.append((op, av))
    parsed.data = out
    return parsed


def compile_grouped(pattern: str) -> re.Pattern[str]:
    """re.compile(pattern), with the alternatives of each branch joined by first letter: the same matches
    (tested on every pattern of the phrase file), ~6 % fewer instructions on long texts. The engine tries a
    branch's alternatives one by one at every place; most fail at their first letter. It uses CPython's
    private compiler: when that is not as expected (another Python), the plain re.compile, same matches."""
    try:
        return _compiled_grouped(pattern)
    except (AttributeError, TypeError, ValueError, IndexError, KeyError):
        return re.compile(pattern)  # a bad pattern raises re.error here as well


def _compiled_grouped(pattern: str) -> re.Pattern[str]:
    """compile_grouped() through the private parser and compiler of the re module."""
    parsed = _parser.parse(pattern)
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE | re.LOCALE):  # letters not read one for one
        return re.compile(pattern)
    state = _grouped(parsed).state
    indexgroup = [None] * state.groups
    for name, number in state.groupdict.items():
        indexgroup[number] = name
    code = _compiler._code(parsed, 0)  # as re._compiler.compile does, keeping the pattern's text
    compiled: re.Pattern[str] = _sre.compile(
        pattern, state.flags, code, state.groups - 1, state.groupdict, tuple(indexgroup)
    )
    return compiled


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective of several required-literal sets: the one least likely to be in a text, taking a
    literal's chance as 4 ** -(its length without spaces) ('fit|stuip|toeval' before 'had|has|heeft')."""
    if not options:
        return None
    return min(options, key=_chance)


def _chance(literals: frozenset[str]) -> float:
    """A rough chance that a text holds one of these literals: short words are everywhere."""
    return sum(CHANCE ** -len(literal.strip(" ")) for literal in literals)


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


def _inner_space(literal: str) -> bool:
    """Whether a literal has a space between two other characters (it may then span two words)."""
    return " " in literal.strip(" ") or "  " in literal


Literals = tuple[tuple[str, frozenset[int]], ...]  # (literal, the numbers of the patterns that need it)
_NONE: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class LiteralIndex:
    """Required literals of numbered patterns, each indexed by its least common piece of GRAM characters.

    A text is read word by word (' word ', as it stands between spaces), and what a word holds is
    remembered: literals without a space inside lie within one word; a literal with one (' wil dood') is
    looked for in the whole text when the longest part of it lies within a word."""

    by_gram: dict[str, Literals]  # literals without an inner space
    always: frozenset[int]
    grams: frozenset[str]
    spans_by_gram: dict[str, tuple[tuple[str, str, frozenset[int]], ...]]  # (part, literal, ids)
    span_grams: frozenset[str]
    spans_always: Literals  # literals with an inner space and no part of GRAM characters
    seen: dict[str, tuple[frozenset[int], Literals]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, patterns: list[str], known: list[frozenset[str] | None] | None = None) -> LiteralIndex:
        """Index patterns by number (their position in the list). `known`: their required_literals(), when
        already read (one per pattern)."""
        by_literal: dict[str, set[int]] = {}
        always: set[int] = set()
        for n, pattern in enumerate(patterns):
            literals = known[n] if known is not None else required_literals(pattern)
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
        spans: dict[str, list[tuple[str, str, frozenset[int]]]] = {}
        spans_always: list[tuple[str, frozenset[int]]] = []
        for literal, ids in sorted(by_literal.items()):
            if not _inner_space(literal):
                key = min(sorted(_grams(literal)), key=lambda g: (" " in g, spread[g]))  # the rarest piece
                by_gram.setdefault(key, []).append((literal, frozenset(ids)))
                continue
            part = max(literal.split(" "), key=len)
            if len(part) < GRAM:
                spans_always.append((literal, frozenset(ids)))
                continue
            key = min(sorted(_grams(part)), key=lambda g: spread.get(g, 0))
            spans.setdefault(key, []).append((part, literal, frozenset(ids)))
        return cls(
            {k: tuple(v) for k, v in by_gram.items()},
            frozenset(always),
            frozenset(by_gram),
            {k: tuple(v) for k, v in spans.items()},
            frozenset(spans),
            tuple(spans_always),
        )

    def _word(self, word: str) -> tuple[frozenset[int], Literals]:
        """What one word holds: the patterns whose literal lies within ' word ', and the literals with an
        inner space whose longest part does (to be looked for in the whole text)."""
        done = self.seen.get(word)
        if done is None:
            window = f" {word} "
            grams = _grams(window)
            ids: set[int] = set()
            for gram in grams & self.grams:
                for literal, found in self.by_gram[gram]:
                    if literal in window:
                        ids |= found
            spans = tuple(
                (literal, found)
                for gram in grams & self.span_grams
                for part, literal, found in self.spans_by_gram[gram]
                if part in window
            )
            done = (frozenset(ids) if ids else _NONE), spans
            if len(self.seen) >= WORD_CACHE:
                self.seen.clear()
            self.seen[word] = done
        return done

    def candidates(self, text: str) -> set[int]:
        """Numbers of the patterns that may match `text` (a superset of those that do)."""
        if text[:1] != " " or text[-1:] != " ":  # not ' word word ': every piece of the text
            return self._scan(text)
        words = set(text.split(" "))
        words.discard("")
        seen = self.seen
        held = [seen.get(word) or self._word(word) for word in words]
        out = set(self.always).union(*[ids for ids, _ in held])
        for spans in [spans for _, spans in held if spans]:
            _add_present(out, spans, text)
        _add_present(out, self.spans_always, text)
        return out

    def _scan(self, text: str) -> set[int]:
        """candidates() of any text, from all its pieces of GRAM characters."""
        out = set(self.always)
        for gram in _grams(text) & self.grams:
            _add_present(out, self.by_gram[gram], text)
        for gram in _grams(text) & self.span_grams:
            _add_present(out, [(literal, ids) for _part, literal, ids in self.spans_by_gram[gram]], text)
        _add_present(out, self.spans_always, text)
        return out


def _add_present(out: set[int], literals: Iterable[tuple[str, frozenset[int]]], text: str) -> None:
    """Add to `out` the pattern numbers of each literal that occurs in `text`."""
    for literal, ids in literals:
        if literal in text:
            out |= ids
