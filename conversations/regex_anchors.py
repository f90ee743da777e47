"""A cheap first pass before many regular expressions: which of them can possibly match a text.

For each pattern the *clauses* it cannot match without are read from the parsed regex: sets of literals, a
match holding one literal of each ('zelfmoord' in 'zelfmoord\\w*'; ' gestopt '/' stoppen ' and ' met' in
'(gestopt|stoppen) (\\w+ ){0,4}met'; ' od aan '... and ' tv '/'film '... in an overdose of films). A text is
read word by word; only patterns with a literal of each of their chosen clauses in it are run, and patterns
without a usable clause always. The result is the same as running every pattern, only faster (crisis8 perf1:
writers' held-out 20.8 regex searches per message to 7.4, 727,115 instructions per message to 672,079).
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, partial, reduce
from itertools import filterfalse, repeat
from operator import and_, itemgetter, or_
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


# A leading branch (or optional part) is written out when its alternatives × the items after it are at most
# this many (its code grows by about that many items; all patterns: +15 % code, +25 % time to compile)
EXPAND_CAP = 64


def _expanded(state: Any, alt: Any) -> list[Any]:
    """An alternative that starts with a branch (or an optional part) as one alternative per way it can start
    ('(?:zie|see) x' → 'zie x|see x'; '(?:ik denk dat )?ik x' → 'ik denk dat ik x|ik x'), each then joined
    with the others of its first letter; and one that starts with a repeated character with that character
    read once before the loop ('[0-9]+ x' → '[0-9][0-9]* x': the engine tests a class first at once). The
    same matches in the same order: the engine tries the inner alternatives in order, each followed by the
    rest (a greedy optional part: first with it, then without). Not in patterns with groups (a group would
    be written twice)."""
    if not alt.data or state.groups > 1:
        return [alt]
    (op, av), rest = alt.data[0], alt.data[1:]
    if str(op) == "MAX_REPEAT" and av[:2] == (0, 1) and av[2].getwidth()[0] > 0:
        inner = [av[2], _sequence(state, [])]  # (a part that may match nothing is repeated differently)
    elif op is _c.BRANCH:
        inner = av[1]
    elif str(op) == "MAX_REPEAT" and av[0] >= 1 and _one_char(av[2]):  # '[0-9]+' → '[0-9][0-9]*'
        more = av[1] - 1 if av[1] != _c.MAXREPEAT else av[1]
        return [_sequence(state, [av[2].data[0], (op, (av[0] - 1, more, av[2])), *rest])]
    else:
        return [alt]
    if len(inner) * len(rest) > EXPAND_CAP:
        return [alt]
    return [out for a in inner for out in _expanded(state, _sequence(state, [*a.data, *rest]))]


def _one_char(part: Any) -> bool:
    """Whether a parsed sequence is one character of a class (a letter, a class, any character)."""
    return len(part.data) == 1 and part.data[0][0] in (_c.LITERAL, _c.IN, _c.NOT_LITERAL, _c.ANY)


def _by_first_letter(state: Any, alternatives: list[Any]) -> list[Any]:
    """The alternatives of a branch, those that start with the same letter joined into one ('tril|trek|beef'
    → 't(ril|rek)|beef'), so the engine tests that letter once. The order the engine tries them in does not
    change where it matters: an alternative moves forward only past alternatives that cannot start with its
    letter (at a place where one of them can match, the other cannot). An alternative that starts with a
    branch or an optional part is first written out (_expanded)."""
    alternatives = [a for alt in alternatives for a in _expanded(state, alt)]
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
    out = _behind_after_letter(parsed.state, out)
    if out and str(out[0][0]) == "MAX_REPEAT":  # '(?:ik denk dat )?ik ...': one branch, written out
        alternatives = _expanded(parsed.state, _sequence(parsed.state, out))
        if len(alternatives) > 1:
            out = [(_c.BRANCH, (None, _by_first_letter(parsed.state, alternatives)))]
    parsed.data = out
    return parsed


def _is_behind(item: Any) -> bool:
    """Whether a parsed item is a look-behind, (?<=...) or (?<!...)."""
    return (item[0] is _c.ASSERT or item[0] is _c.ASSERT_NOT) and item[1][0] == -1


def _behind_after_letter(state: Any, items: list[Any]) -> list[Any]:
    """A parsed sequence with each run of look-behinds before a branch moved into the branch's alternatives,
    after the first letter of those that start with one ('(?<!no )(?:t(?:ril|rek)|beef)' →
    't(?<!no t)(?:ril|rek)|b(?<!no b)eef'): the same matches (at a place where the letter is there, the
    longer look-behind reads the same text before it), and the engine reads the look-behinds only where an
    alternative's first letter is (before: at every place a branch is tried, e.g. after each word of a
    stretch '(?:[^ ]+ ){0,25}'). Not in patterns with groups (a look-behind may hold one)."""
    if state.groups > 1:
        return items
    out: list[Any] = []
    i = 0
    while i < len(items):
        end = i
        while end < len(items) and _is_behind(items[end]):
            end += 1
        if end == i or end == len(items) or items[end][0] is not _c.BRANCH:
            out.extend(items[i : end + 1])
            i = end + 1
            continue
        behind, (op, av) = items[i:end], items[end]
        out.append((op, (av[0], [_behind_in(state, behind, alt) for alt in av[1]])))
        i = end + 1
    return out


def _behind_in(state: Any, behind: list[Any], alt: Any) -> Any:
    """An alternative with these look-behinds read before it: after its first letter when it starts with one
    (each look-behind then reads that letter too), in each alternative of a branch it starts with, else in
    front of it."""
    first: tuple[Any, Any] = alt.data[0] if alt.data else (None, None)
    if first[0] is _c.BRANCH:
        inner = (_c.BRANCH, (first[1][0], [_behind_in(state, behind, a) for a in first[1][1]]))
        return _sequence(state, [inner, *alt.data[1:]])
    if first[0] is not _c.LITERAL:
        return _sequence(state, [*behind, *alt.data])
    letter = alt.data[0]
    moved = [(op, (av[0], _sequence(state, [*av[1].data, letter]))) for op, av in behind]
    return _sequence(state, [letter, *moved, *alt.data[1:]])


def compile_grouped(pattern: str) -> re.Pattern[str]:
    """re.compile(pattern), with the alternatives of each branch joined by first letter: the same matches
    (tested on every pattern of the phrase file), ~6 % fewer instructions on long texts. The engine tries a
    branch's alternatives one by one at every place; most fail at their first letter. A leading branch or
    optional part written out and look-behinds moved after a first letter (_expanded, _behind_after_letter)
    let more of them fail there: rule searches of the writers' held-out texts 61.6 k → 53.3 k instructions
    per message (callgrind). It uses CPython's
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


# Words in many texts (nl and en): a literal that is one of them, between spaces or not, is not rare.
COMMON = frozenset(
    """aan al alles als ben bent bij dan dat de deze die dit doe doen doet dus echt een en er ga gaan gaat
    geen had heb hebt heeft het hij hoe ik in is ja je jij kan kun maar me meer met mij mijn mn na naar
    niet nie niks nog nu of om ook op te tot u van veel voor waar was wat we wel wil zal ze zij zijn zo
    a all am an and are at be been but can cant do dont for get go going gonna had has have he her him his
    how i if im in is it just like me my no not of on or so that the them then they this to too up was we
    what when with you""".split()
)


def _chance(literals: frozenset[str]) -> float:
    """A rough chance that a text holds one of these literals: short words are everywhere; a space counts
    half a letter (' od ' is rarer than 'od', but 'od' is in 'hoodie'); a common word is often there; a
    literal over several words takes each of them."""
    return sum(math.prod(map(_word_chance, literal.split(" "))) for literal in literals)


def _word_chance(word: str) -> float:
    """_chance() of a part of a literal between spaces: a common word (or a part of one) is often there."""
    return 0.5 if word in COMMON or not word else CHANCE ** -len(word)


EXACT_CAP = 64  # a part's exact strings are kept up to this many (beyond: their prefixes and suffixes)
SET_CAP = 64  # prefixes, suffixes, and literals of one clause, kept up to this many
CLAUSE_CAP = 8  # clauses kept when the alternatives of a branch are combined
BRANCH_CAP = 64  # a branch of more alternatives is read as a whole
SMALL_CLASS = 8  # a character class of up to this many characters is read as its characters

Clause = frozenset[str]  # literals one of which every match contains
_UNKNOWN: frozenset[str] = frozenset([""])  # as prefixes or suffixes: nothing known


@dataclass(frozen=True, slots=True)
class _Info:
    """What every match of a part of a regex holds, in the spirit of Russ Cox's trigram index: its exact
    strings when few, else the strings its non-empty matches start and end with ('' : not known), whether it
    may match nothing, and clauses (a match holds a literal of each)."""

    exact: frozenset[str] | None
    empty: bool
    pre: frozenset[str]
    suf: frozenset[str]
    clauses: frozenset[Clause]


def _exact(strings: Iterable[str]) -> _Info:
    """The info of a part that matches exactly these strings."""
    found = frozenset(strings)
    some = found - {""}
    return _Info(found, "" in found, some, some, frozenset())


_EMPTY = _exact([""])
_ANY_CHAR = _Info(None, False, _UNKNOWN, _UNKNOWN, frozenset())
_ANYTHING = _Info(None, True, _UNKNOWN, _UNKNOWN, frozenset())


def _clause(strings: Iterable[str]) -> Clause | None:
    """The strings as a clause, those holding another left out; None when one is too short to be of use or
    there are too many."""
    found = sorted(set(strings), key=len)
    if not found or len(found[0]) < GRAM or len(found) > 4 * SET_CAP:
        return None
    kept: list[str] = []
    for s in found:
        if not any(k in s for k in kept):
            kept.append(s)
    return frozenset(kept) if len(kept) <= SET_CAP else None


def _pruned(clauses: Iterable[Clause]) -> list[Clause]:
    """The clauses, most selective first, without those another one implies."""
    kept: list[Clause] = []
    for c in sorted(clauses, key=lambda c: (_chance(c), sorted(c))):
        if not any(_implies(k, c) for k in kept):
            kept.append(c)
    return kept


def _trimmed(strings: Iterable[str], suffix: bool) -> frozenset[str]:
    """Prefixes (or suffixes), those that start (end) with another left out, cut shorter until few."""
    found = set(strings)
    if "" in found:
        return _UNKNOWN
    for n in range(max(map(len, found), default=0), 0, -1):
        cut = {s[-n:] if suffix else s[:n] for s in found}
        if len(cut) <= SET_CAP:
            ends = str.endswith if suffix else str.startswith
            return frozenset(s for s in cut if not any(o != s and ends(s, o) for o in cut))
    return _UNKNOWN


def _cross(left: Iterable[str], right: Iterable[str]) -> set[str]:
    """Every string of `left` followed by every string of `right`."""
    return {a + b for a in left for b in right}


def _facts(info: _Info) -> frozenset[Clause]:
    """Every clause a match of this part holds: its own, and its exact strings, prefixes, suffixes."""
    found = set(info.clauses)
    if info.exact is not None:
        found.add(_clause(info.exact))  # type: ignore[arg-type]
    elif not info.empty:
        found.update((_clause(info.pre), _clause(info.suf)))  # type: ignore[arg-type]
    found.discard(None)
    return frozenset(found)


def _concat(x: _Info, y: _Info) -> _Info:
    """The info of x followed by y."""
    if x.exact == _EMPTY.exact:
        return y
    if y.exact == _EMPTY.exact:
        return x
    if x.exact is not None and y.exact is not None and len(x.exact) * len(y.exact) <= EXACT_CAP:
        return _exact(_cross(x.exact, y.exact))
    y_starts = y.pre | {""} if y.empty else y.pre  # how any match of y starts
    x_ends = x.suf | {""} if x.empty else x.suf
    pre = _cross(x.pre, y_starts) if x.exact is not None else set(x.pre)
    suf = _cross(x_ends, y.suf) if y.exact is not None else set(y.suf)
    if x.empty:
        pre |= y.pre
    if y.empty:
        suf |= x.suf
    clauses = set(_facts(x) | _facts(y))
    if not (x.empty and y.empty):
        clauses.add(_clause(_cross(x_ends, y_starts)))  # type: ignore[arg-type]
    clauses.discard(None)
    return _Info(None, x.empty and y.empty, _trimmed(pre, False), _trimmed(suf, True), frozenset(clauses))


def _either(infos: list[_Info]) -> _Info:
    """The info of a branch of these alternatives."""
    exact = [i.exact for i in infos]
    if all(e is not None for e in exact):
        joined = frozenset().union(*exact)  # type: ignore[arg-type]
        if len(joined) <= EXACT_CAP:
            return _exact(joined)
    some = [i for i in infos if i.exact != _EMPTY.exact]
    pre = _trimmed([s for i in some for s in i.pre], False)
    suf = _trimmed([s for i in some for s in i.suf], True)
    facts = [_facts(i) for i in infos]
    common = frozenset.intersection(*facts)  # held by every alternative: kept as they are
    clauses = _pruned(facts[0] - common)[:CLAUSE_CAP]
    for more in facts[1:]:  # (a and b) or (c and d): (a or c) and (a or d) and (b or c) and (b or d)
        either = {_clause(a | b) for a in clauses for b in _pruned(more - common)[:CLAUSE_CAP]}
        clauses = _pruned(c for c in either if c is not None)[:CLAUSE_CAP]
        if not clauses:
            break
    return _Info(None, any(i.empty for i in infos), pre, suf, common | frozenset(clauses))


def _repeat(low: int, high: int, x: _Info) -> _Info:
    """The info of x repeated low to high times."""
    if high == 0:
        return _EMPTY
    if x.exact is not None and high <= 3:
        strings, power = set(), {""}
        for n in range(high + 1):
            if n >= low:
                strings |= power
            power = _cross(power, x.exact)
            if len(power) > EXACT_CAP:
                break
        else:
            if len(strings) <= EXACT_CAP:
                return _exact(strings)
    clauses = set(_facts(x)) if low >= 1 else set()
    if low >= 2 and not x.empty:
        clauses.add(_clause(_cross(x.suf, x.pre)))  # type: ignore[arg-type]
    clauses.discard(None)
    return _Info(None, low == 0 or x.empty, x.pre, x.suf, frozenset(clauses))


def _info(
    items: Any,
    before: _Info = _EMPTY,
    after: _Info = _EMPTY,
    ahead: bool = False,
    behind: bool = False,
    split: bool = True,
) -> _Info:
    """The info of `before`, then a parsed sequence, then `after`. A branch that is not a few exact strings
    is read alternative by alternative, each between what comes before and after it (' (od|\\w*films?) '
    holds ' od ' or 'films '). `ahead` (`behind`): a look-ahead at the end (a look-behind at the start) is
    text the match is followed (preceded) by, read as part of what the text holds (at the top only)."""
    out = before
    last = len(items) - 1
    run: list[str] = []  # letters in a row, read as one string
    for n, (op, av) in enumerate(items):
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            out = _concat(out, _exact(["".join(run)]))
            run.clear()
        if op is _c.BRANCH:
            part = _either([_info(alt, split=False) for alt in av[1]])
            if split and part.exact is None and len(av[1]) <= BRANCH_CAP:
                # what follows, read once after only the alternatives' suffixes (its own branches split)
                # and once as a whole, to be joined to each alternative
                ctx = _Info(None, part.empty, _UNKNOWN, part.suf, frozenset())
                held = _facts(_info(items[n + 1 :], ctx, after, ahead))
                rest = _info(items[n + 1 :], _EMPTY, after, ahead, split=False)
                return _either([_held(_info(alt, out, rest), held) for alt in av[1]])
        elif op is _c.IN:
            part = _class(av)
        elif op is _c.SUBPATTERN and av[1] & re.IGNORECASE:
            part = _ANYTHING  # (?i:...): letters not read one for one
        elif op is _c.SUBPATTERN:  # a group: its items in place of it, read with what is around them
            return _info([*items[:n], *av[-1].data, *items[n + 1 :]], before, after, ahead, behind, split)
        elif str(op) in _LOOPS:
            part = _repeat(av[0], av[1], _info(av[2], split=split))
        elif str(op) == "ATOMIC_GROUP":
            part = _info(av, split=split)
        elif op is _c.ASSERT and (
            (ahead and av[0] == 1 and n == last) or (behind and av[0] == -1 and n == 0)
        ):
            part = _info(av[1])
        elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            part = _EMPTY  # matches no text of its own
        elif op in (_c.ANY, _c.NOT_LITERAL):
            part = _ANY_CHAR
        else:  # a reference to a group, a conditional: anything
            part = _ANYTHING
        out = _concat(out, part)
    if run:
        out = _concat(out, _exact(["".join(run)]))
    return _concat(out, after)


def _held(info: _Info, clauses: frozenset[Clause]) -> _Info:
    """The info with these clauses held too."""
    if info.exact is not None:
        return _Info(None, info.empty, info.pre, info.suf, _facts(info) | clauses)
    return _Info(info.exact, info.empty, info.pre, info.suf, info.clauses | clauses)


def _class(items: Any) -> _Info:
    """The info of a character class: its characters when few, else any one character."""
    chars: set[str] = set()
    for kind, value in items:
        if kind is _c.LITERAL:
            chars.add(chr(value))
        elif kind is _c.RANGE and value[1] - value[0] < SMALL_CLASS:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        else:  # a negated class, a category (\\w, \\d)
            return _ANY_CHAR
    return _exact(chars) if len(chars) <= SMALL_CLASS else _ANY_CHAR


def _implies(a: Clause, b: Clause) -> bool:
    """Whether a text with a literal of `a` surely holds one of `b`."""
    return all(any(o in s for o in b) for s in a)


def required_clauses(pattern: str) -> tuple[Clause, ...]:
    """Clauses of literals (at least GRAM characters) that every match of `pattern` holds a literal of, the
    most selective first; () when none is known."""
    parsed = _parser.parse(pattern)
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE):  # letters not read one for one
        return ()
    return tuple(_pruned(_facts(_info(parsed.data, ahead=True, behind=True))))


def _grams(text: str) -> set[str]:
    """The pieces of GRAM characters in a text."""
    return set(map("".join, zip(text, text[1:], text[2:], strict=False)))


def _inner_space(literal: str) -> bool:
    """Whether a literal has a space between two other characters (it may then span two words), or two."""
    return " " in literal.strip(" ") or "  " in literal


def _pieces(literal: str) -> list[str]:
    """The parts of a literal with an inner space, each as it lies within one word's window ' word ' of a
    text of single spaces (' od aan ' → ' od ', ' aan '; 'd aan' → 'd ', ' aan')."""
    words = literal.split(" ")
    last = len(words) - 1
    return [(" " if n else "") + w + (" " if n < last else "") for n, w in enumerate(words) if w]


def _within_words(clause: Clause) -> Clause | None:
    """The clause with each literal that spans words cut to its least common piece within a word (' od aan '
    → ' od '): a clause the index reads word by word; None when a literal has no piece of GRAM characters."""
    out = set()
    for literal in clause:
        if _inner_space(literal):
            pieces = [p for p in _pieces(literal) if len(p) >= GRAM]
            if not pieces:
                return None
            literal = min(pieces, key=lambda p: (_chance(frozenset([p])), p))
        out.add(literal)
    return _clause(out)


def indexed_clauses(pattern: str) -> Indexed:
    """The pattern's required clauses cut to pieces within words, without those another implies: the one the
    index finds it by (its most selective; None when it has none), and up to CHECKS checked after (each
    likelier than not to be missing from a text: CHECK_CHANCE); then its most selective clause over several
    words as it is, when that says more (checked by the whole words each literal holds)."""
    clauses = required_clauses(pattern)
    within = _pruned(w for c in clauses if (w := _within_words(c)) is not None)
    if not within:
        return None, ()
    more = [c for c in within[1:] if _chance(c) < CHECK_CHANCE][:CHECKS]
    phrases = [c for c in clauses if any(map(_inner_space, c)) and len(_word_sets(c)) <= PHRASE_CAP]
    if phrases:  # the one of fewest word sets to check, the most selective of those
        more.append(min(phrases, key=lambda c: (len(_word_sets(c)), _chance(c), sorted(c))))
    return within[0], tuple(more)


def _whole_words(literal: str) -> frozenset[str]:
    """The words a literal holds whole (between spaces or its ends when those are spaces)."""
    words = literal.split(" ")
    return frozenset(words[1:-1]) - {""}


def _word_sets(clause: Clause) -> list[frozenset[str]]:
    """For a text to hold a literal of the clause, it holds every word of one of these sets (the whole words
    of each literal, those holding another set left out); [frozenset()] when a literal holds no whole word."""
    sets = sorted(set(map(_whole_words, clause)), key=lambda s: (len(s), sorted(s)))
    kept: list[frozenset[str]] = []
    for words in sets:
        if not any(k <= words for k in kept):
            kept.append(words)
    return kept


Literals = tuple[tuple[str, frozenset[int]], ...]  # (literal, the keys it brings: patterns, clauses)
Indexed = tuple[Clause | None, tuple[Clause, ...]]  # the clause a pattern is indexed by, and those checked
CHECKS = 2  # clauses of a pattern checked after the index found it (the most selective after its first)
PHRASE_CAP = 8  # a clause over several words is checked when its literals make at most this many word sets
CHECK_CHANCE = 0.5  # a clause likelier than this to be in a text is not checked: it would rarely say no
GROUPS_CAP = 256  # a phrase is checked when its word sets make at most this many groups (see _groups)


@cache
def _groups(sets: tuple[frozenset[str], ...]) -> tuple[frozenset[str], ...]:
    """The smallest sets of words that hold a word of each of these sets (sorted). A text holds every word of
    one of `sets` exactly when it holds a word of each group ({a, b} or {a, c}: {a}, {b, c}). (Remembered:
    the patterns as written and collapsed share some phrases.)"""
    found = [frozenset[str]()]
    for words in sets:
        held = [g for g in found if not g.isdisjoint(words)]  # (each the smallest: none holds another)
        grown = {g | {w} for g in found if g.isdisjoint(words) for w in words}
        found = held
        for group in sorted(grown, key=len):  # those holding a smaller one left out
            if not any(k <= group for k in found):
                found.append(group)
        if len(found) > GROUPS_CAP:
            break
    return tuple(sorted(found, key=sorted))


@dataclass(frozen=True, slots=True)
class LiteralIndex:
    """Required literals of numbered patterns, each indexed by its least common piece of GRAM characters.

    A pattern is found by the literals of its most selective clause (a match holds one of them); its next
    clauses (up to CHECKS) must have a literal in the text too (conjunction: ' od ' and ' tv '), and a clause
    over several words all the whole words of one of its literals. Every indexed literal lies within one
    word (' word ', as it stands between spaces), so a text is read word by word.

    The checks are bits of one int, the facts a text holds: checked clause c is bit c (its key is clauses +
    c), and each group of whole words that a phrase needs one of (_groups) a bit after those. A pattern
    `wants` the bits of its checked clauses and phrase groups. What a word brings is remembered: its bits
    (`masks`), and what it finds (`found`): the patterns whose wants it holds itself, and for each other one
    the bits it still wants from the rest of the text, shifted left, with the pattern's number."""

    by_gram: dict[str, Literals]
    always: frozenset[int]
    grams: frozenset[str]
    clauses: int  # the key of checked clause c is clauses + c (the number of patterns and more)
    needs: dict[int, frozenset[int]]  # pattern → the keys of its checked clauses
    phrases: dict[int, tuple[frozenset[str], ...]]  # pattern → the whole words of each literal of a clause
    groups: dict[str, int]  # a whole word → the bits of the phrase groups it is in
    wants: tuple[int, ...]  # pattern → the bits a text must hold for it (0: none)
    full: int  # every bit
    shift: int  # found: wants << shift | number (a number is below 1 << shift)
    masks: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    found: dict[str, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, patterns: list[str], known: list[Indexed] | None = None) -> LiteralIndex:
        """Index patterns by number (their position in the list). `known`: their indexed_clauses(), when
        already read (one per pattern)."""
        by_literal: dict[str, set[int]] = {}
        always: set[int] = set()
        base = len(patterns)
        numbers: dict[Clause, int] = {}  # each checked clause by its key
        needs: dict[int, frozenset[int]] = {}
        phrases: dict[int, tuple[frozenset[str], ...]] = {}
        for n, pattern in enumerate(patterns):
            first, more = known[n] if known is not None else indexed_clauses(pattern)
            if first is not None and any(map(_inner_space, first)):  # not as indexed_clauses() writes it
                first = _within_words(first)
            if first is None:
                always.add(n)
            for literal in first or ():
                by_literal.setdefault(literal, set()).add(n)
            for clause in [c for c in more if any(map(_inner_space, c))][:1]:
                if frozenset() not in (sets := _word_sets(clause)):  # (not read when a set is empty)
                    phrases[n] = tuple(sets)
            more = tuple(c for c in more if not any(map(_inner_space, c)))
            for clause in more:
                key = numbers.setdefault(clause, base + len(numbers))
                for literal in clause:
                    by_literal.setdefault(literal, set()).add(key)
            if more:
                needs[n] = frozenset(numbers[c] for c in more)
        spread: dict[str, int] = {}  # how many literals contain each piece
        for literal in by_literal:
            for gram in _grams(literal):
                spread[gram] = spread.get(gram, 0) + 1
        by_gram: dict[str, list[tuple[str, frozenset[int]]]] = {}
        for literal, keys in sorted(by_literal.items()):
            gram = min(sorted(_grams(literal)), key=lambda g: (" " in g, spread[g]))  # the rarest piece
            by_gram.setdefault(gram, []).append((literal, frozenset(keys)))
        phrase_groups = {n: _groups(sets) for n, sets in phrases.items()}
        phrase_groups = {n: gs for n, gs in phrase_groups.items() if len(gs) <= GROUPS_CAP}
        bit = {
            g: 1 << b
            for b, g in enumerate(
                sorted({g for gs in phrase_groups.values() for g in gs}, key=sorted), start=len(numbers)
            )
        }
        groups: dict[str, int] = {}
        for group, mask in bit.items():
            for word in group:
                groups[word] = groups.get(word, 0) | mask
        wants = tuple(
            sum(1 << (k - base) for k in needs.get(n, ()))
            | sum(map(bit.__getitem__, phrase_groups.get(n, ())))
            for n in range(base)
        )
        return cls(
            {k: tuple(v) for k, v in by_gram.items()},
            frozenset(always),
            frozenset(by_gram),
            base,
            needs,
            phrases,
            groups,
            wants,
            (1 << (len(numbers) + len(bit))) - 1,
            max(base, 1).bit_length(),
        )

    def touched(self, mark: str) -> frozenset[int]:
        """The patterns with a literal (of any clause) that blanking a match with `mark` (' ', ' _past_ ')
        may bring into a text that did not hold it: one within the mark, or holding two spaces in a row or a
        character of the mark other than a letter, a digit or a space."""
        odd = {ch for ch in mark if not ch.isalnum() and ch != " "}
        found: set[int] = set()
        for literal, keys in (entry for v in self.by_gram.values() for entry in v):
            if literal in mark or "  " in literal or not odd.isdisjoint(literal):
                found |= keys
        marks = set(mark.split(" "))  # the whole words blanking may bring
        found.update(n for n, sets in self.phrases.items() if any(not marks.isdisjoint(ws) for ws in sets))
        found.update(n for n, need in self.needs.items() if need & found)
        return frozenset(n for n in found if n < self.clauses)

    def _keys(self, text: str) -> set[int]:
        """The keys of the literals in a text (any text: every piece of it is looked up)."""
        out: set[int] = set()
        for gram in _grams(text) & self.grams:
            for literal, keys in self.by_gram[gram]:
                if literal in text:
                    out |= keys
        return out

    def _bits(self, keys: Iterable[int]) -> int:
        """The bits of the checked clauses among these keys."""
        return sum(1 << (k - self.clauses) for k in keys if k >= self.clauses)

    def _found(self, keys: Iterable[int], held: int) -> frozenset[int]:
        """What a part of a text that holds these keys and bits finds: each pattern among the keys, as its
        number when it wants no other bit, else with the bits it still wants (wants << shift | number)."""
        wants, shift = self.wants, self.shift
        return frozenset((wants[n] & ~held) << shift | n for n in keys if n < self.clauses)

    def _learn(self, words: list[str]) -> None:
        """Remember what each of these words brings (the words remembered before forgotten when too many)."""
        new = [word for word in dict.fromkeys(words) if word not in self.masks]
        if len(self.masks) + len(new) > WORD_CACHE:
            self.masks.clear()
            self.found.clear()
            new = list(dict.fromkeys(words))
        for word in new:  # '' (the start and end of ' word word ') brings the patterns without a literal
            keys = self._keys(f" {word} ") if word else set(self.always)
            held = self.masks[word] = self._bits(keys) | self.groups.get(word, 0)
            self.found[word] = self._found(keys, held)

    def candidates(self, text: str) -> frozenset[int]:
        """The numbers of the patterns that may match `text` (a superset of those that do)."""
        if text[:1] != " " or text[-1:] != " ":  # not ' word word ': every piece of the text
            return self._scan(text)
        # Each word's bits and finds looked up at once, the bits joined, then the finds that want bits the
        # text does not hold left out in C: writers' held-out 78k instructions per message (perf4; a set of
        # keys and a loop over the patterns with checks, 114k)
        read = itemgetter(*text.split(" "))  # (two words or more: a tuple)
        try:
            masks = read(self.masks)
        except KeyError:
            self._learn(text.split(" "))
            masks = read(self.masks)
        held = 0
        for mask in masks:
            held |= mask
        found = frozenset().union(*read(self.found))
        met = filterfalse(partial(and_, (self.full ^ held) << self.shift), found)
        return frozenset(map(and_, repeat((1 << self.shift) - 1), met))

    def _scan(self, text: str) -> frozenset[int]:
        """candidates() of any text."""
        keys = self._keys(text) | self.always
        held = reduce(or_, map(self.groups.get, text.split(" "), repeat(0)), self._bits(keys))
        return frozenset(n for n in self._found(keys, held) if n < self.clauses)
