"""Offline place names: forgiving matching, ambiguity, typos."""

from __future__ import annotations

import pytest

from conversations.places import by_id, normalise, resolve


@pytest.mark.parametrize(
    "text", ["den bosch", "Den Bosch", "s-hertogenbosch", "'s-Hertogenbosch", "’s Hertogenbosch"]
)
def test_den_bosch_in_every_spelling(text: str) -> None:
    place = resolve(text).unique
    assert place is not None and place.name == "'s-Hertogenbosch"
    assert place.province == "Noord-Brabant"


def test_case_accents_and_spaces_do_not_matter() -> None:
    assert normalise("  ÜTRECHT ") == "utrecht"
    assert resolve("ÜTRECHT").unique is not None
    assert resolve("den haag").unique is not None and resolve("den haag").places[0].name == "Den Haag"


@pytest.mark.parametrize(("typed", "name"), [("Amesfoort", "Amersfoort"), ("Rotterdm", "Rotterdam"),
                                             ("Nijmegan", "Nijmegen")])  # fmt: skip
def test_small_typos_are_forgiven(typed: str, name: str) -> None:
    match = resolve(typed)
    assert match.unique is not None and match.unique.name == name
    assert match.guessed


def test_ambiguous_names_ask() -> None:
    match = resolve("Hengelo")
    assert match.ambiguous
    assert {p.province for p in match.places} >= {"Overijssel", "Gelderland"}
    assert match.places[0].population >= match.places[1].population


def test_unknown_and_silly_input() -> None:
    assert resolve("Xyzzyvillebergen").places == ()
    assert resolve("").places == ()
    assert resolve("a" * 500).places == ()


def test_by_id_round_trip() -> None:
    place = resolve("Zwolle").unique
    assert place is not None
    assert by_id(place.id) == place
    assert by_id(1) is None
