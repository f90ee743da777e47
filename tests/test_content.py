"""Guidance content: schema validation of fellowships, topics and matching; B1 length; person-first words."""

from __future__ import annotations

import copy
import re
import tomllib
from typing import Any

import pytest

from content import CONTENT_DIR
from content.i18n import messages
from content.loader import (
    PROGRAMS,
    ContentError,
    fellowships,
    load_all,
    matching_table,
    parse_fellowships,
    parse_matching,
    parse_topics,
    topics,
)
from tests.conftest import SHARED

MAX_WORDS = 20
# Labels we refuse in our own texts (person-first: "iemand met een verslaving").
STIGMA_NL = re.compile(
    r"\b(verslaafden?|drugsverslaafden?|gokverslaafden?|alcoholisten?|junks?|junkies?)\b", re.I
)
STIGMA_EN = re.compile(r"\b(addicts?|alcoholics?|junkies?|drunks?|druggies?)\b", re.I)
# Proper names of fellowships may keep their words.
PROPER_NAMES = re.compile(
    r"anonieme (alcoholisten|verslaafden)|alcoholics anonymous|adult children of alcoholics", re.I
)


def raw(name: str) -> dict[str, Any]:
    with (CONTENT_DIR / name).open("rb") as fh:
        return tomllib.load(fh)


def test_all_content_loads() -> None:
    load_all()
    assert set(fellowships()) == set(PROGRAMS)
    assert len(topics()) >= 9
    assert len(matching_table().main) >= 25


def test_every_issue_topic_is_present() -> None:
    wanted = {"what", "twelve", "first", "religion", "cost", "waitlist", "treatment", "relatives", "six"}
    assert wanted <= set(topics())


def test_fellowship_facts() -> None:
    profiles = fellowships()
    assert not profiles["BV"].twelve_step and not profiles["SMART"].twelve_step
    assert profiles["AA"].twelve_step and profiles["AA"].abstinence == "yes"
    assert {p for p, f in profiles.items() if f.for_relatives} >= {
        "ALANON",
        "ALATEEN",
        "ACA",
        "LSOVD",
        "AGOG",
    }
    for pid, profile in profiles.items():
        if profile.contact.verified:
            assert profile.contact.verified_on is not None, pid


@pytest.mark.skipif(not SHARED.exists(), reason="needs /work/shared")
def test_no_invented_phone_numbers() -> None:
    """Every phone number must appear (as digits) in a source document."""
    corpus = "".join(p.read_text(encoding="utf-8") for p in (SHARED / "sources").glob("*.txt"))
    digits = re.sub(r"\D", "", corpus)
    for pid, profile in fellowships().items():
        phone = re.sub(r"\D", "", profile.contact.phone)
        if phone:
            assert phone in digits, f"{pid}: {profile.contact.phone} is in no source document"
            assert not profile.contact.verified, f"{pid}: old contact data must be marked unverified"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("OA"), "programs must be exactly"),
        (lambda d: d["AA"].update(twelve_step="yes"), "twelve_step"),
        (lambda d: d["AA"].update(abstinence="maybe"), "abstinence"),
        (lambda d: d["NA"]["contact"].update(phone="call us"), "not a Dutch number"),
        (lambda d: d["NA"]["contact"].update(website="http://x.nl"), "https://"),
        (lambda d: d["NA"]["contact"].update(verified=True, verified_on=""), "verified_on"),
        (lambda d: d["NA"]["contact"].update(verified_on="gisteren"), "verified_on"),
        (lambda d: d["NA"]["contact"].update(source=""), "source"),
        (lambda d: d["CA"]["en"].pop("meeting"), "[CA].en: meeting"),
        (lambda d: d["CA"].pop("nl"), "[CA].nl: missing"),
    ],
)
def test_bad_fellowships_are_refused(change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(raw("fellowships.toml"))
    change(data)
    with pytest.raises(ContentError, match=re.escape(message)):
        parse_fellowships(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["topic"].append(dict(d["topic"][0])), "duplicate id"),
        (lambda d: d["topic"][0].update(related=["nope"]), "related 'nope' is unknown"),
        (lambda d: d["topic"][0].update(parts=9), "parts must be 1..6"),
        (lambda d: d["topic"][0].update(parts=5), "has no nl text"),
        (lambda d: d["topic"][0].update(programs=["XX"]), "unknown program"),
    ],
)
def test_bad_topics_are_refused(change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(raw("topics.toml"))
    change(data)
    with pytest.raises(ContentError, match=re.escape(message)):
        parse_topics(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["main"].pop(), "catch-all"),
        (lambda d: d["main"][0]["when"].update(colour=["red"]), "unknown question 'colour'"),
        (lambda d: d["main"][0]["when"].update(who=["robot"]), "unknown answers ['robot']"),
        (lambda d: d["main"][0].update(suggest=[["XX", "why.aa.self"]]), "unknown program 'XX'"),
        (lambda d: d["main"][0].update(suggest=[]), "needs 1..3 suggestions"),
        (lambda d: d["main"][0].update(suggest=[["AA", "why.nope"]]), "'why.nope' has no nl text"),
        (lambda d: d["main"][0].update(suggest=[["AA", "why.aa.self"], ["AA", "why.aa.self"]]), "twice"),
        (lambda d: d["extra"][0].update(position=7), "position out of range"),
        (lambda d: d["keywords"]["what"].update(tea=["thee"]), "unknown answer 'tea'"),
        (lambda d: d["question"][0].update(options=["self", "skip"]), "bad options"),
    ],
)
def test_bad_matching_tables_are_refused(change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(raw("matching.toml"))
    change(data)
    with pytest.raises(ContentError, match=re.escape(message)):
        parse_matching(data)


def dutch_texts() -> dict[str, str]:
    """Every Dutch text the bot can show: catalogs and the Dutch fellowship fields."""
    texts = {f"po:{k}": v for k, v in messages("nl").items()}
    for pid, profile in fellowships().items():
        for name, value in profile.texts["nl"].items():
            texts[f"fellowships:{pid}.{name}"] = value
    return texts


def sentences(text: str) -> list[str]:
    """Split a text into sentences: at . ! ? : ; followed by a space, and at line breaks and bullets."""
    parts = re.split(r"(?<=[.!?;:])\s+|\n+|•", text)
    return [p.strip() for p in parts if p and p.strip()]


def test_sentence_splitter() -> None:
    assert sentences("Een. Twee drie!\n• vier") == ["Een.", "Twee drie!", "vier"]


def test_dutch_sentences_are_short() -> None:
    """B1: no Dutch sentence over 20 words, in any catalog or content file."""
    long = [
        f"{where}: {len(s.split())} words: {s}"
        for where, text in dutch_texts().items()
        for s in sentences(text)
        if len(s.split()) > MAX_WORDS
    ]
    assert not long, "\n".join(long)


def test_person_first_wording() -> None:
    """No 'de verslaafde' or 'addicts' in our own words (fellowship proper names excepted)."""
    bad = []
    for lang, pattern in (("nl", STIGMA_NL), ("en", STIGMA_EN)):
        texts = dict(messages(lang))
        for pid, profile in fellowships().items():
            texts.update({f"{pid}.{k}": v for k, v in profile.texts[lang].items()})
        for key, text in texts.items():
            if pattern.search(PROPER_NAMES.sub("", text)):
                bad.append(f"{lang} {key}: {text}")
    assert not bad, "\n".join(bad)


def test_stigma_check_catches_labels() -> None:
    assert STIGMA_NL.search("Help voor de verslaafde")
    assert not STIGMA_NL.search(PROPER_NAMES.sub("", "NA – Anonieme Verslaafden"))
    assert STIGMA_EN.search("a group for addicts")
    assert not STIGMA_NL.search("iemand met een verslaving")
