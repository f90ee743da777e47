"""The conversation (issue 12): no sentence twice on a screen, accurate texts, one word per thing."""

from __future__ import annotations

import itertools
import re
from collections import deque
from datetime import date

import pytest

from content.i18n import messages, translator
from content.loader import fellowships, matching_table, topics
from conversations.context import Services
from conversations.engine import Engine
from conversations.matching import match
from conversations.meeting_format import card_text
from conversations.types import Input, Reply
from storage.meeting import get_meeting
from tests.directory_helpers import demo_id

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_SCREENS = 350


def sentences(text: str) -> list[str]:
    """The sentences of a text, normalised; very short ones (a label, 'Menu') left out."""
    out = []
    for part in SENTENCE_END.split(text):
        words = " ".join(part.split()).casefold()
        if len(words) >= 12:
            out.append(words)
    return out


def repeated(reply: Reply) -> list[str]:
    """Sentences that occur more than once in one reply (every message of one screen)."""
    seen: set[str] = set()
    twice = []
    for message in reply.messages:
        for s in sentences(message.text):
            if s in seen:
                twice.append(s)
            seen.add(s)
    return twice


async def crawl(engine: Engine, chat: int, lang: str) -> dict[str, list[str]]:
    """Press every button reachable from the menu (breadth first, each id once); screens with repeats."""
    await engine.set_language(chat, lang)
    bad: dict[str, list[str]] = {}
    start = [
        Input.of_text("/start"),
        Input.of_text("/menu"),
        Input.of_text("/help"),
        Input.of_text("/privacy"),
    ]
    queue: deque[Input] = deque(start)
    pressed: set[str] = set()
    screens = 0
    while queue and screens < MAX_SCREENS:
        inp = queue.popleft()
        if inp.kind == "button" and inp.button.startswith("n:start"):
            await engine.handle(chat, inp)
            inp = Input.of_location(52.09, 5.12)  # near-me screens need a place
        reply = await engine.handle(chat, inp)
        screens += 1
        twice = repeated(reply)
        if twice:
            bad[f"{lang} {inp.kind} {inp.button or inp.command or inp.text}"] = twice
        for button in reply.buttons():
            if button.id and button.id not in pressed and not button.id.startswith(("b:", "s:setlang")):
                pressed.add(button.id)
                queue.append(Input.of_button(button.id))
    assert screens > 60  # the crawl reached far
    return bad


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_no_sentence_twice_on_any_screen(engine: Engine, demo: Services, lang: str) -> None:
    assert await crawl(engine, 77, lang) == {}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_no_sentence_twice_on_a_profile_or_a_meeting_card(demo: Services, lang: str) -> None:
    t = translator(lang)
    for program, profile in fellowships().items():
        text = "\n".join(profile.text(lang, k) for k in ("for_whom", "approach", "meeting"))
        assert len(set(sentences(text))) == len(sentences(text)), program
    meeting = await get_meeting(demo.db, await demo_id(demo, "voorbeeld-02"))
    assert meeting is not None
    card = card_text(t, meeting, [], demo.clock.now())
    assert len(set(sentences(card))) == len(sentences(card))


def test_twelve_steps_yes_suggests_only_twelve_step_groups() -> None:
    table = matching_table()
    profiles = fellowships()
    options = {q.id: [*q.options, "skip"] for q in table.questions if q.id in ("who", "what", "psych")}
    for who, what, psych in itertools.product(options["who"], options["what"], options["psych"]):
        if who not in ("self", "skip"):
            continue
        found = match({"who": who, "what": what, "psych": psych, "twelve": "yes"})
        assert found.programs, (who, what)
        for s in found.suggestions:
            assert profiles[s.program].twelve_step, (who, what, s)
            assert s.reason != "why.smart.no12"


def test_accuracy_of_the_texts() -> None:
    nl, en = messages("nl"), messages("en")
    assert "Gamblers Anonymous" not in en["dir.program.AGOG"]
    assert "geen lid" not in nl["topic.cost.1"] and "contributie" in nl["topic.cost.1"]
    assert nl["topic.religion.title"] == "Moet ik gelovig zijn?"
    assert "Er zijn geen hulpverleners bij" not in nl["topic.what.2"]
    assert "bemoeit de groep zich niet" not in nl["topic.treatment.3"]
    assert (
        "methadon" in nl["learn.profile.medication.NA"] and "methadone" in en["learn.profile.medication.NA"]
    )
    assert "terugval" not in nl["trial.checkin.no"] and "relapse" not in en["trial.checkin.no"]
    assert "huisarts" in nl["which.note.psych"] and "GGZ" in nl["which.note.psych"]
    for lang in ("nl", "en"):  # LSOVD described one way: parents and relatives
        profile = fellowships()["LSOVD"].text(lang, "for_whom").casefold()
        label = messages(lang)["dir.program.LSOVD"].casefold()
        for word in {"nl": ("ouders", "familie"), "en": ("parents", "relatives")}[lang]:
            assert word in label and word in profile, (lang, word)


def test_psych_answer_adds_the_huisarts_note() -> None:
    assert "which.note.psych" in match({"who": "self", "what": "alcohol", "psych": "yes"}).notes
    assert "which.note.psych" not in match({"who": "self", "what": "alcohol", "psych": "no"}).notes


def test_a_topic_for_people_who_do_not_want_to_stop_completely() -> None:
    topic = topics()["notstop"]
    assert set(topic.programs) == {"SMART", "BV"}
    assert all(fellowships()[p].abstinence == "own" for p in topic.programs)


async def test_na_profile_is_nuanced_on_medication_and_aa_is_not(engine: Engine, services: Services) -> None:
    na = await engine.handle(5, Input.of_button("l:f:NA"))
    aa = await engine.handle(5, Input.of_button("l:f:AA"))
    al = await engine.handle(5, Input.of_button("l:f:ALANON"))
    na_text = "\n".join(m.text for m in na.messages)
    aa_text = "\n".join(m.text for m in aa.messages)
    assert "methadon" in na_text and "methadon" not in aa_text
    assert "Medicijnen van je arts mag je blijven nemen" in aa_text
    assert "Medicijnen" not in "\n".join(m.text for m in al.messages)  # a group for relatives


def test_one_word_for_one_thing() -> None:
    nl, en = messages("nl"), messages("en")
    for key, text in nl.items():
        low = text.casefold()
        assert "seintje" not in low, key  # herinnering
        assert "bijeenkomst" not in low, key  # meeting
        assert "nu dringend hulp" not in low, key  # Hulp nu
    assert nl["menu.btn.urgent"] == nl["nav.urgent"] == "Hulp nu"
    assert en["menu.btn.urgent"] == en["nav.urgent"] == "Help now"
    for key, text in en.items():
        if key.startswith("trial.") and key != "trial.reminder.moved":
            assert not re.search(r"\bnote\b", text, re.IGNORECASE), key  # reminder
    assert not en["trial.mine.progress"].startswith("Went")


def test_one_date_style() -> None:
    for lang in ("nl", "en"):
        t = translator(lang)
        day = date(2026, 3, 24)
        assert t.short_date(day).startswith(t.date(day).split(" ", 1)[1])  # same words, plus the year
        assert "2026" in t.short_date(day) and "." not in t.short_date(day)


async def test_card_explains_closed_and_marks_dutch_fields_in_english(demo: Services) -> None:
    from dataclasses import replace

    meeting = await get_meeting(demo.db, await demo_id(demo, "voorbeeld-02"))
    assert meeting is not None
    closed = replace(meeting, types=("C",), notes="Ingang aan de achterkant", location_notes="Bel aan")
    nl = card_text(translator("nl"), closed, [], demo.clock.now())
    assert "Gesloten meeting: alleen voor mensen die zelf willen stoppen." in nl
    en = card_text(translator("en"), closed, [], demo.clock.now())
    assert "(often in Dutch): Ingang aan de achterkant" in en and "(often in Dutch): Bel aan" in en
