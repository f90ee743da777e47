"""A flow's typed state: a dataclass per flow, kept as JSON in the user row and read back defensively.

A stored value that does not fit its field (an old version's state, a hand-edited row) falls back to the
field's default, so a stale state can never crash a screen.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union

S = TypeVar("S")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _fits(value: Any, hint: Any) -> bool:
    """Whether a JSON value fits a simple type hint (int, str, bool, float, dict/list of those, X | None)."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_fits(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is Any:
        return True
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is dict or hint is dict:
        args = typing.get_args(hint)
        if not isinstance(value, dict):
            return False
        return not args or all(_fits(k, args[0]) and _fits(v, args[1]) for k, v in value.items())
    if origin is list or hint is list:
        args = typing.get_args(hint)
        return isinstance(value, list) and (not args or all(_fits(v, args[0]) for v in value))
    return False


def load_state(cls: type[S], raw: object) -> S:
    """A state dataclass from stored JSON; fields missing or of the wrong type get their defaults."""
    data = raw if isinstance(raw, dict) else {}
    hints = _hints(typing.cast(type, cls))
    kwargs = {
        f.name: data[f.name]
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name in data and _fits(data[f.name], hints[f.name])
    }
    return cls(**kwargs)


def dump_state(state: object) -> dict[str, Any]:
    """A state dataclass as JSON-ready data."""
    return dataclasses.asdict(state)  # type: ignore[call-overload, no-any-return]


@dataclasses.dataclass(slots=True)
class NoState:
    """The state of a flow that keeps nothing but its step."""
