"""Typos in the words the crisis rules look for are undone; real words near them are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import CONTENT_DIR
from conversations.crisis import SPELLED, assess, normalise
from conversations.spelling import Speller, load_speller, pattern_stems, pattern_words, stored_rule_words


def _speller() -> Speller:
    return Speller(
        ("springen", "gedronken", "slaat", "myself", "sprongen", "drink", "drinken"), frozenset({"staat"})
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("sprngen", "springen"),  # a letter dropped
        ("springeen", "springen"),  # a letter too many
        ("psringen", "springen"),  # neighbours swapped
        ("gderonken", "gedronken"),
        ("mysef", "myself"),
        ("staat", "staat"),  # a real word one typo from 'slaat' stays
        ("slaat", "slaat"),
        ("sla", "sla"),  # too short to guess
        ("spgnrien", "spgnrien"),  # more than one typo
        ("sprngen", "springen"),  # also one typo from 'sprongen': the more common word wins
        ("drinkn", "drinken"),  # also one typo from 'drink': the longer word wins
    ],
)
def test_one_typo_is_undone(typed: str, meant: str) -> None:
    assert _speller().word(typed) == meant


def test_text_keeps_its_shape() -> None:
    assert _speller().text(" ik ga sprngen ") == " ik ga springen "


def test_words_from_patterns_and_stems() -> None:
    assert pattern_words(["(gestopt|stoppen) (\\w+ ){0,4}met", "zelfmoord\\w*"]) == {
        "gestopt",
        "stoppen",
        "zelfmoord",
    }
    assert pattern_stems(["zelfmoord\\w*", "hallucin\\w*", "(dood)"]) == {"zelfmoord", "hallucin"}


def test_stored_lists_are_current() -> None:
    """content/crisis_spelling.json was written for the rule words in crisis.toml as they are now."""
    import tomllib

    with (CONTENT_DIR / "crisis.toml").open("rb") as fh:
        data = tomllib.load(fh)
    patterns = [p for section in ("urgent", "cues") for ps in data[section].values() for p in ps]
    patterns += [p for section in SPELLED for p in data[section]["patterns"]]
    stored = stored_rule_words(CONTENT_DIR / "crisis_spelling.json")
    assert pattern_words(patterns) == stored, "run tools/crisis_spelling.py after editing crisis.toml"


def test_bad_spelling_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crisis_spelling.json"
    path.write_text('{"targets": ["springen"], "keep": "staat"}', encoding="utf-8")
    with pytest.raises(ValueError, match="lists of words"):
        load_speller(path)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ik ga van de flat sprngen", "suicide"),
        ("hij heeft me opgesolten en ik kom er niet uit", "violence"),
        ("my mate is conulsing please help", "overdose"),
        ("Im gonna kill mysef", "suicide"),
    ],
)
def test_typos_in_crisis_words_are_still_urgent(text: str, category: str) -> None:
    verdict = assess(text)
    assert (verdict.level, verdict.category) == ("urgent", category), verdict.why


def test_no_new_alarm_from_real_words() -> None:
    for text in ("de klok staat stil", "ik slaap slecht", "waar is de meeting", "hij sprong over de sloot"):
        assert assess(text).level == "none", (text, normalise(text))


def test_a_rare_real_word_is_read_as_a_typo_only_inside_a_crisis_phrase() -> None:
    verdict = assess("dit is mijn laaste bericht")  # 'laaste' is a (rare) word, here a typo of 'laatste'
    assert (verdict.level, verdict.category) == ("urgent", "suicide"), verdict.why
    assert "typo" in verdict.why
    assert assess("we zochten de grootste gemene deler").level == "none"  # 'deler' is not 'delier'
    assert assess("ik weet niet hoe ik moet stoppen met drinken").level != "urgent"  # 'weet' is not 'zweet'
