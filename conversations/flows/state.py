"""A flow's typed state: a dataclass per flow, kept as JSON in the user row and read back defensively.

A stored value that does not fit its field (an old version's state, a hand-edited row) falls back to the
field's default, so a stale state can never crash a screen.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar, Union

S = TypeVar("S")


Check = Callable[[Any], bool]
_ATOMS = frozenset({str, int, float, bool, type(None)})


@cache
def _checker(hint: Any) -> Check:
    """A test of whether a JSON value fits a simple type hint (int, str, bool, float, dict/list of those,
    X | None), built once per hint."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        parts = tuple(_checker(h) for h in typing.get_args(hint))
        return lambda v: any(p(v) for p in parts)
    if hint is type(None):
        return lambda v: v is None
    if hint is Any:
        return lambda v: True
    if hint is bool:
        return lambda v: isinstance(v, bool)
    if hint is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if hint is float:
        return lambda v: isinstance(v, int | float) and not isinstance(v, bool)
    if hint is str:
        return lambda v: isinstance(v, str)
    if origin is dict or hint is dict:
        args = typing.get_args(hint)
        if not args:
            return lambda v: isinstance(v, dict)
        key, item = _checker(args[0]), _checker(args[1])
        return lambda v: isinstance(v, dict) and all(key(k) and item(x) for k, x in v.items())
    if origin is list or hint is list:
        args = typing.get_args(hint)
        if not args:
            return lambda v: isinstance(v, list)
        each = _checker(args[0])
        return lambda v: isinstance(v, list) and all(each(x) for x in v)
    return lambda v: False


@cache
def _plan(cls: type) -> tuple[tuple[str, Check], ...]:
    """A state class's fields, each with the test its stored value must pass."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _checker(hints[f.name])) for f in dataclasses.fields(cls))


def load_state(cls: type[S], raw: object) -> S:
    """A state dataclass from stored JSON; fields missing or of the wrong type get their defaults."""
    data = raw if isinstance(raw, dict) else {}
    kwargs = {
        name: data[name] for name, fits in _plan(typing.cast(type, cls)) if name in data and fits(data[name])
    }
    return cls(**kwargs)


class _Unusual(Exception):
    """A value the quick copy in dump_state does not handle."""


def _copy(value: Any) -> Any:
    """A deep copy of JSON-like data (str, numbers, bool, None, dicts and lists of those)."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {_copy(k): _copy(v) for k, v in value.items()}
    if kind is list:
        return [_copy(v) for v in value]
    raise _Unusual


def dump_state(state: object) -> dict[str, Any]:
    """A state dataclass as JSON-ready data (what dataclasses.asdict gives, quicker for plain values)."""
    cls: type = type(state)
    try:
        return {name: _copy(getattr(state, name)) for name, _ in _plan(cls)}
    except _Unusual:
        return dataclasses.asdict(state)  # type: ignore[call-overload, no-any-return]


@dataclasses.dataclass(slots=True)
class NoState:
    """The state of a flow that keeps nothing but its step."""
