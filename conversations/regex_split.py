"""Split a regular expression that starts with a choice into one expression per choice, in order.

`(gestopt|stopped) (\\w+ ){0,3}(shaking|seizure)` becomes `gestopt (\\w+ ){0,3}(shaking|seizure)` and
`stopped (\\w+ ){0,3}(shaking|seizure)`. Searched one by one, the leftmost match among the pieces, the first
piece on a tie, is the match of the whole (an alternation matches at its leftmost place with the first
choice that matches there). A piece that starts with a word lets the regex engine jump to that word, and the
literal index can skip the pieces whose words are not in the text. Patterns with back references or named
groups (whose numbers or names would change) are left whole.
"""

from __future__ import annotations

import re

MAX_PIECES = 64  # a pattern that would split into more stays whole
_QUANTIFIER = re.compile(r"(?:[?*+]|\{\d*(?:,\d*)?\})[?+]?")
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_UNSAFE = re.compile(r"\\[1-9]|\(\?P|\\[xuUN0]|\(\?[aiLmsux-]")  # references, names, odd escapes, flags


def _close(src: str, start: int) -> int:
    """The index just past the character class or group opening at `start`; -1 when unbalanced."""
    depth, i, n = 0, start, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(src, i)
            if i < 0:
                return -1
            if depth == 0:
                return i
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
            if depth < 0:
                return -1
        i += 1
    return -1


def _class_end(src: str, start: int) -> int:
    """The index just past the character class opening at `start`; -1 when it is not closed."""
    i = start + 1
    if src[i : i + 1] == "^":
        i += 1
    if src[i : i + 1] == "]":  # a ']' first in a class is a literal
        i += 1
    while i < len(src):
        if src[i] == "\\":
            i += 2
            continue
        if src[i] == "]":
            return i + 1
        i += 1
    return -1


def _items(src: str) -> list[tuple[str, str]] | None:
    """The top-level items of a sequence as (atom, quantifier); None when `src` has a top-level '|' or
    does not parse."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "|" or c == ")":
            return None
        if c == "\\":
            end = i + 2
        elif c in "([":
            end = _close(src, i)
            if end < 0:
                return None
        else:
            end = i + 1
        quantifier = _QUANTIFIER.match(src, end)
        q = quantifier.group(0) if quantifier else ""
        out.append((src[i:end], q))
        i = end + len(q)
    return out


def alternatives(src: str) -> list[str]:
    """The top-level choices of a pattern ('a|b(c|d)' → ['a', 'b(c|d)'])."""
    out: list[str] = []
    depth, i, last, n = 0, 0, 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            end = _class_end(src, i)
            if end < 0:
                return [src]
            i = end
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(src[last:i])
            last = i + 1
        i += 1
    out.append(src[last:])
    return out


def _group_body(atom: str) -> str | None:
    """The inside of a plain group, '(...)' or '(?:...)'; None for any other atom."""
    if atom.startswith("(?:"):
        return atom[3:-1]
    if atom.startswith("(") and not atom.startswith("(?"):
        return atom[1:-1]
    return None


def _pieces(src: str, budget: int) -> list[str] | None:
    """`src` as choices in order whose alternation matches as `src` does; None when over `budget`."""
    choices = alternatives(src)
    if len(choices) > 1:
        out: list[str] = []
        for choice in choices:
            more = _pieces(choice, budget - len(out))
            if more is None:
                return None
            out += more
        return out
    items = _items(src)
    if not items:
        return [src] if budget >= 1 else None
    lead = 0  # zero-width look-arounds first: they hold at the same place for every choice
    while lead < len(items) and items[lead][0].startswith(_LOOKAROUND) and not items[lead][1]:
        lead += 1
    if lead == len(items):
        return [src] if budget >= 1 else None
    prefix = "".join(a + q for a, q in items[:lead])
    atom, quantifier = items[lead]
    rest = "".join(a + q for a, q in items[lead + 1 :])
    body = _group_body(atom)
    if body is not None and not quantifier:  # (x|y)rest: xrest, yrest
        heads = alternatives(body)
    elif quantifier == "?" and (body is not None or len(atom) <= 2 or atom.startswith("[")):
        heads = [*(alternatives(body) if body is not None else [atom]), ""]  # greedy x?rest: xrest, rest
    else:
        return [src] if budget >= 1 else None
    if len(heads) == 1 and heads[0] == src:
        return [src]
    out = []
    for head in heads:
        more = _pieces(prefix + head + rest, budget - len(out))
        if more is None:
            return None
        out += more
    return out


def split(pattern: str) -> list[str]:
    """The pieces of a pattern, in order (the pattern itself when it does not split or is unsafe to)."""
    if _UNSAFE.search(pattern):
        return [pattern]
    pieces = _pieces(pattern, MAX_PIECES)
    if not pieces or any(p == "" for p in pieces):
        return [pattern]
    return pieces
