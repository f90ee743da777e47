"""Flow states in and out of JSON: the quick paths give what dataclasses.asdict and the field checks give."""

from __future__ import annotations

import dataclasses
import json
from enum import IntEnum
from typing import Any

import pytest

from conversations.assembly import assemble
from conversations.flows.state import dump_state, load_state

STATES = sorted({flow.State for flow in assemble().flows}, key=lambda cls: cls.__name__)
SAMPLES: list[Any] = [None, True, 0, 3, -1, 2.5, "", "x", [], ["a", "b"], [1, "a"], {}, {"d": "2"}, {"d": 2}]


def filled(cls: type, value: Any) -> Any:
    """An instance of a state class with every field set to `value` (whatever its type)."""
    state = cls()
    for f in dataclasses.fields(cls):
        setattr(state, f.name, value)
    return state


@pytest.mark.parametrize("cls", STATES, ids=lambda cls: cls.__name__)
def test_dump_state_is_asdict(cls: type) -> None:
    nested = {"program": "NA", "f": {"d": "2"}, "page": 1, "kept": ["AA"], "n": None}
    for value in [*SAMPLES, nested]:
        state = filled(cls, value)
        dumped = dump_state(state)
        assert dumped == dataclasses.asdict(state)
        assert json.dumps(dumped) == json.dumps(dataclasses.asdict(state))
        if isinstance(value, dict | list) and dataclasses.fields(cls):  # a copy, never the state's own
            name = dataclasses.fields(cls)[0].name
            assert dumped[name] is not getattr(state, name)


def test_dump_state_falls_back_for_other_values() -> None:
    class Level(IntEnum):
        LOW = 1

    @dataclasses.dataclass(slots=True)
    class Odd:
        level: Any = Level.LOW
        pair: Any = (1, 2)

    assert dump_state(Odd()) == dataclasses.asdict(Odd())
    assert type(dump_state(Odd())["pair"]) is tuple


@pytest.mark.parametrize("cls", STATES, ids=lambda cls: cls.__name__)
def test_load_state_keeps_what_fits_and_defaults_the_rest(cls: type) -> None:
    default = cls()
    for f in dataclasses.fields(cls):
        for value in SAMPLES:
            loaded = load_state(cls, {f.name: value})
            kept = getattr(loaded, f.name)
            assert kept == value or kept == getattr(default, f.name)
            if kept == value and value != getattr(default, f.name):  # only a value of the field's type
                assert load_state(cls, json.loads(json.dumps(dump_state(loaded)))) == loaded
    assert load_state(cls, "not a dict") == default
    assert load_state(cls, {"no such field": 1}) == default


def test_load_state_checks_types_as_declared() -> None:
    @dataclasses.dataclass(slots=True)
    class Typed:
        n: int = 0
        f: float = 0.0
        mid: int | None = None
        words: dict[str, str] = dataclasses.field(default_factory=dict)
        names: list[str] = dataclasses.field(default_factory=list)
        flag: bool = False

    good = {"n": 4, "f": 3, "mid": None, "words": {"a": "b"}, "names": ["x"], "flag": True}
    assert dataclasses.asdict(load_state(Typed, good)) == good
    bad = {"n": True, "f": "1", "mid": "7", "words": {"a": 1}, "names": [1], "flag": 1}
    assert load_state(Typed, bad) == Typed()
