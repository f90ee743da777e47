"""A help screen per kind of emergency, first number first, in nl and en: in the flows, in the terminal chat
and over HTTP against the fake Bot API; the gentle concern line; free text that no question asked for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from content.i18n import translator
from conversations.context import Services
from conversations.engine import Engine
from conversations.intents import guess_language, match_intent
from conversations.types import Input
from tests.conftest import run_cli
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import running_bot, turn

CHAT = 777
FIRST_NUMBER = re.compile(r"(?<![\d-])(112|113|0800-\d{4})(?![\d-])")
# (kind, Dutch message, English message, the first number the screen must name)
CASES = [
    ("overdose", "ik heb 30 oxazepam genomen", "i took 20 oxycodone", "112"),
    ("suicide", "ik wil er gewoon niet meer zijn", "i feel like ending it", "113"),
    ("selfharm", "ik snij mezelf", "i cut myself", "113"),
    (
        "withdrawal",
        "ik ben gestopt met drinken en zie beestjes op de muur",
        "stopped drinking and i'm seeing things",
        "112",
    ),
    ("violence", "mijn man slaat me", "my husband hits me", "112"),
    ("child", "mijn vader slaat mij", "my dad hits me", "0800-0432"),
]
PARAMS = [
    (lang, kind, nl if lang == "nl" else en, first) for kind, nl, en, first in CASES for lang in ("nl", "en")
]


def first_number(text: str) -> str | None:
    found = FIRST_NUMBER.search(text)
    return found.group(1) if found else None


def text_of(reply) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.text for m in reply.messages)


def ids(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.id for b in reply.buttons()]


@pytest.mark.parametrize(("lang", "kind", "message", "first"), PARAMS)
async def test_each_kind_answers_with_its_first_number(
    engine: Engine, lang: str, kind: str, message: str, first: str
) -> None:
    await engine.handle(CHAT, Input.of_text("/start", language_hint=lang))
    await engine.handle(CHAT, Input.of_button("w:start"))  # in the middle of a flow
    reply = await engine.handle(CHAT, Input.of_text(message, language_hint=lang))
    text = text_of(reply)
    assert first_number(text) == first, text
    assert translator(lang).t(f"urgent.{kind}.first").split("{")[0][:20] in text
    assert "h:back" in ids(reply), "Verder waar ik was"


async def test_overdose_screen_puts_112_first_then_what_to_do_then_113(engine: Engine) -> None:
    reply = await engine.handle(CHAT, Input.of_text("hij is van de ghb in coma"))
    text = text_of(reply)
    assert text.index("112") < text.index("stabiele zijligging") < text.index("0800-0113")


async def test_withdrawal_screen_warns_not_to_stop_abruptly(engine: Engine) -> None:
    reply = await engine.handle(
        CHAT, Input.of_text("sinds ik gestopt ben met drinken tril ik en zie ik dingen")
    )
    assert translator("nl").t("withdrawal.warning") in text_of(reply)
    assert "huisarts" in text_of(reply)


async def test_child_screen_names_kindertelefoon_veilig_thuis_and_112(engine: Engine) -> None:
    text = text_of(await engine.handle(CHAT, Input.of_text("ik ben 13 en mijn moeder slaat me")))
    assert text.index("0800-0432") < text.index("112") < text.index("0800-2000")


async def test_violence_screen_names_veilig_thuis(engine: Engine) -> None:
    text = text_of(await engine.handle(CHAT, Input.of_text("mijn vriend slaat mij als hij gedronken heeft")))
    assert text.index("112") < text.index("0800-2000")


async def test_concern_adds_one_gentle_line_without_interrupting(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    await engine.handle(CHAT, Input.of_button("w:start"))
    asked = await engine.handle(CHAT, Input.of_button("w:a:who:self"))
    reply = await engine.handle(CHAT, Input.of_text("ik kan niet meer"))
    nl = translator("nl")
    assert reply.messages[-1].text == nl.t("concern.line")
    assert "h:show" in ids(reply)
    assert "w:a:what:alcohol" in ids(reply), "the question is still there"
    assert "112" not in text_of(reply) and "w:a:what:alcohol" in ids(asked)


async def test_first_english_message_before_start_is_answered_in_english(engine: Engine) -> None:
    reply = await engine.handle(CHAT, Input.of_text("hello, where can I find a meeting?", language_hint="nl"))
    en = translator("en")
    assert en.t("menu.prompt") in text_of(reply) or en.t("dir.near.ask").split("\n")[0] in text_of(reply)


@pytest.mark.parametrize(
    ("text", "button"),
    [
        ("mijn man drinkt te veel", "l:start:relatives"),
        ("welke groep past bij mij?", "w:start"),
        ("hoe zit het met privacy", "s:privacy"),
        ("ik wil een proef doen", "t:start"),
        ("meetings in de buurt", "n:start"),
    ],
)
def test_intents(text: str, button: str) -> None:
    from conversations.intents import TARGETS

    found = match_intent(text)
    assert found is not None and TARGETS[found[0]] == button


def test_meetings_near_a_place_keeps_the_place() -> None:
    assert match_intent("meetings in Utrecht") == ("near", "utrecht")


@pytest.mark.parametrize("text", ["Utrecht", "den bosch", "Zwolle?", "3511 AB"])
def test_a_bare_town_or_postcode_is_a_search_there(text: str) -> None:
    assert match_intent(text) == ("near", text)


@pytest.mark.parametrize("text", ["hallo", "ok", "ja", "dank je", "ik weet het niet", "Amsterdm"])
def test_words_that_only_look_like_a_place_are_not(text: str) -> None:
    assert match_intent(text) is None


async def test_a_town_typed_in_the_menu_lists_meetings_there(engine: Engine, demo: Services) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    reply = await engine.handle(CHAT, Input.of_text("utrecht"))
    assert "Utrecht" in text_of(reply) and any(i.startswith("c:start:") for i in ids(reply))


def test_language_guess() -> None:
    assert guess_language("where can I find help") == "en"
    assert guess_language("waar kan ik hulp vinden") == "nl"
    assert guess_language("Utrecht") is None


async def test_free_text_in_the_menu_gets_a_kind_answer_menu_and_help(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    reply = await engine.handle(CHAT, Input.of_text("blablabla"))
    nl = translator("nl")
    assert nl.t("common.kind_fallback") in text_of(reply)
    assert nl.t("common.use_buttons") not in text_of(reply)
    assert "h:show" in ids(reply) and "w:start" in ids(reply)


async def test_free_text_names_a_wish_and_gets_that_screen(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    reply = await engine.handle(CHAT, Input.of_text("mijn vrouw drinkt te veel, wat kan ik doen"))
    assert translator("nl").t("topic.relatives.1") in text_of(reply)


@pytest.mark.parametrize(("lang", "kind", "message", "first"), PARAMS)
def test_terminal_chat_answers_with_the_first_number(
    tmp_path: Path, lang: str, kind: str, message: str, first: str
) -> None:
    proc = run_cli("chat", "--db", str(tmp_path / "t.db"), "--lang", lang, stdin=f"/start\n{message}\n")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    after = proc.stdout.split(message, 1)[-1] if message in proc.stdout else proc.stdout
    opening = translator(lang).t(f"urgent.{kind}.first").split("{")[0][:20]
    screen = proc.stdout[proc.stdout.rindex(opening) :]
    assert first_number(screen) == first, screen
    assert after


@pytest.mark.parametrize(("lang", "kind", "message", "first"), PARAMS)
async def test_over_http_the_first_number_comes_first(
    services: Services, lang: str, kind: str, message: str, first: str
) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.command(CHAT, "start", language_code=lang)
        await turn(fake)
        before = len(fake.texts(CHAT))
        fake.text(CHAT, message, language_code=lang)
        await turn(fake)
        new = fake.texts(CHAT)[before:]
        assert new, "the message got an answer"
        assert first_number(new[0]) == first, new[0]


def test_cli_check_prints_level_and_kind(tmp_path: Path) -> None:
    messages = tmp_path / "m.txt"
    messages.write_text(
        "ik heb 30 oxazepam genomen\nik ga dood van het lachen\nik kan niet meer\n", encoding="utf-8"
    )
    proc = run_cli("crisis", "check", str(messages))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("urgent\toverdose\tik heb 30 oxazepam genomen")
    assert lines[1].startswith("none\t-\t") and lines[2].startswith("concern\t-\t")


def test_cli_check_json_from_stdin() -> None:
    proc = run_cli("crisis", "check", "--json", stdin="i took 20 oxycodone\nhallo\n")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [set(r) for r in rows] == [{"text", "level", "category", "why"}] * 2
    assert rows[0]["level"] == "urgent" and rows[0]["category"] == "overdose" and rows[0]["why"]
    assert rows[1] == {"text": "hallo", "level": "none", "category": None, "why": ""}


def test_cli_check_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    proc = run_cli("crisis", "check", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2 and "cannot read" in proc.stderr and "Traceback" not in proc.stderr


def test_which_group_warns_about_stopping_alone_for_alcohol_and_medication() -> None:
    from conversations.matching import match

    for what in ("alcohol", "medication"):
        assert "which.note.withdrawal" in match({"who": "self", "what": what}).notes
    assert "which.note.withdrawal" not in match({"who": "self", "what": "gambling"}).notes
    assert "which.note.withdrawal" not in match({"who": "partner", "what": "alcohol"}).notes


async def test_waitlist_topic_warns_about_stopping_alone(engine: Engine) -> None:
    reply = await engine.handle(CHAT, Input.of_button("l:t:waitlist:4"))
    assert translator("nl").t("withdrawal.warning") in text_of(reply)


async def test_an_alcohol_trial_starts_with_the_warning(engine: Engine, services: Services) -> None:
    from tests.trial_support import add_meeting

    warning = translator("nl").t("withdrawal.warning")
    aa = await add_meeting(services.db, program="AA", name="Groep A")
    na = await add_meeting(services.db, program="NA", name="Groep N")
    assert warning in text_of(await engine.handle(CHAT, Input.of_text(f"/start proef_m{aa}")))
    assert warning not in text_of(await engine.handle(CHAT + 1, Input.of_text(f"/start proef_m{na}")))


async def test_over_http_a_first_english_message_is_answered_in_english(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.text(CHAT, "hello, I need help with my drinking, what can I do?", language_code="nl")
        await turn(fake)
        answer = "\n".join(fake.texts(CHAT))
        en = translator("en")
        assert en.t("common.kind_fallback") in answer or en.t("menu.prompt") in answer
        assert translator("nl").t("menu.prompt") not in answer
