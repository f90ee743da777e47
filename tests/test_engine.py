"""The conversation engine: global commands in every state, unknown and forged input, language choice."""

from __future__ import annotations

import json

import pytest

from content.i18n import translator
from conversations.engine import Engine
from conversations.types import Input, Reply

CHAT = 777
NL, EN = translator("nl"), translator("en")

# Ways to reach a state: the inputs to send after /start.
STATES: dict[str, list[Input]] = {
    "menu": [],
    "learn_topic": [Input.of_button("l:start")],
    "learn_profile": [Input.of_button("l:f:AA")],
    "relatives": [Input.of_button("l:start:relatives")],
    "which_question": [Input.of_button("w:start"), Input.of_button("w:a:who:self")],
    "which_result": [
        Input.of_button("w:start"),
        Input.of_button("w:a:who:partner"),
        Input.of_button("w:done"),
    ],
    "urgent": [Input.of_button("h:show")],
    "settings": [Input.of_text("/taal")],
}


def texts(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


def ids(reply: Reply) -> list[str]:
    return [b.id for b in reply.buttons()]


async def enter(engine: Engine, state: str, chat: int = CHAT) -> None:
    await engine.handle(chat, Input.of_text("/start"))
    for inp in STATES[state]:
        await engine.handle(chat, inp)


@pytest.mark.parametrize("state", list(STATES))
async def test_global_commands_in_every_state(engine: Engine, state: str) -> None:
    await enter(engine, state)
    reply = await engine.handle(CHAT, Input.of_text("/menu"))
    assert NL.t("menu.prompt") in texts(reply) and "w:start" in ids(reply)

    await enter(engine, state)
    reply = await engine.handle(CHAT, Input.of_text("/start"))
    assert reply.messages[0].text == NL.t("menu.welcome") and "l:start" in ids(reply)

    await enter(engine, state)
    assert NL.t("help.text") in texts(await engine.handle(CHAT, Input.of_text("/help")))

    await enter(engine, state)
    assert NL.t("privacy.stored") in texts(await engine.handle(CHAT, Input.of_text("/privacy")))

    await enter(engine, state)
    reply = await engine.handle(CHAT, Input.of_text("/taal"))
    assert {"s:setlang:nl", "s:setlang:en"} <= set(ids(reply))

    await enter(engine, state)
    reply = await engine.handle(CHAT, Input.of_text("/stop"))
    assert reply.erased and NL.t("stop.done") in texts(reply)
    assert await engine.services.users.get(engine.services.keys.pseudonym(CHAT)) is None


async def test_taal_switches_language(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    reply = await engine.handle(CHAT, Input.of_text("/taal en"))
    assert texts(reply) == EN.t("lang.set")
    menu = await engine.handle(CHAT, Input.of_text("/menu"))
    assert EN.t("menu.prompt") in texts(menu)
    reply = await engine.handle(CHAT, Input.of_button("s:setlang:nl"))
    assert texts(reply) == NL.t("lang.set")


async def test_language_hint_on_first_contact(engine: Engine) -> None:
    reply = await engine.handle(CHAT, Input.of_text("/start", language_hint="en-GB"))
    assert reply.messages[0].text == EN.t("menu.welcome")
    other = await engine.handle(CHAT + 1, Input.of_text("/start", language_hint="de"))
    assert other.messages[0].text == NL.t("menu.welcome")


async def test_unknown_command_is_friendly(engine: Engine) -> None:
    await enter(engine, "which_question")
    reply = await engine.handle(CHAT, Input.of_text("/frobnicate now"))
    assert reply.messages[0].text == NL.t("common.unknown_command")
    assert "w:start" in ids(reply)


@pytest.mark.parametrize(
    "bid",
    ["w:a:who:robot", "w:a:colour:red", "l:f:XX", "l:t:what:99", "l:t:nope:1", "zz:q", "", "m:", "w:done:x"],
)
async def test_forged_or_expired_buttons(engine: Engine, bid: str) -> None:
    await enter(engine, "which_question")
    reply = await engine.handle(CHAT, Input.of_button(bid))
    assert reply.messages[0].text == NL.t("common.expired_button")
    assert "w:start" in ids(reply) and "h:show" in ids(reply)


async def test_huge_text_gets_a_kind_answer_and_is_not_kept(engine: Engine) -> None:
    await enter(engine, "learn_topic")
    secret = "kwispelstaart" * 10_000
    reply = await engine.handle(CHAT, Input.of_text(secret))
    assert reply.messages[0].text == NL.t("common.use_buttons")
    row = await engine.services.users.get(engine.services.keys.pseudonym(CHAT))
    assert row is not None and "kwispel" not in json.dumps(row.state)


async def test_every_screen_offers_a_way_out(engine: Engine) -> None:
    for state in STATES:
        await engine.handle(CHAT, Input.of_text("/start"))
        for inp in STATES[state]:
            reply = await engine.handle(CHAT, inp)
            assert "m:home" in ids(reply), state


async def test_restart_resumes_the_screen(engine: Engine, services) -> None:  # type: ignore[no-untyped-def]
    await enter(engine, "which_question")
    again = Engine(services)
    reply = await again.resume(CHAT)
    assert "w:a:what:alcohol" in ids(reply)


async def test_deep_links(engine: Engine) -> None:
    reply = await engine.handle(CHAT, Input.of_text("/start naasten"))
    assert NL.t("topic.relatives.1") in texts(reply)
    reply = await engine.handle(CHAT, Input.of_text("/start wachtlijst"))
    assert NL.t("topic.waitlist.1") in texts(reply)
    reply = await engine.handle(CHAT, Input.of_text("/start welke"))
    assert NL.t("which.q.who") in texts(reply)


async def test_settings_screens_offer_a_way_out(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    for command in ("/taal", "/privacy", "/help"):
        reply = await engine.handle(CHAT, Input.of_text(command))
        assert "m:home" in ids(reply), command


async def test_stop_forgets_the_search_location_held_in_memory(engine, services) -> None:
    """A shared location lives only in memory; /stop drops it there too."""
    from conversations.location_cache import LOCATIONS

    await engine.handle(31337, Input.of_text("/start"))
    await engine.handle(31337, Input.of_location(52.09, 5.12))
    key = services.keys.pseudonym(31337)
    assert LOCATIONS.get(key, services.clock.now()) is not None
    await engine.handle(31337, Input.of_text("/stop"))
    assert LOCATIONS.get(key, services.clock.now()) is None


async def test_a_poster_link_opens_its_flow_and_counts_its_tag_anonymously(engine: Engine, services) -> None:
    """'/start wachtlijst--kliniek_utrecht' opens the waiting-list topic and counts the tag for the day."""
    from storage.referrals import referral_counts

    reply = await engine.handle(CHAT, Input.of_text("/start wachtlijst--kliniek_utrecht"))
    assert NL.t("topic.waitlist.1") in texts(reply)
    await engine.handle(CHAT + 1, Input.of_text("/start kliniek_utrecht"))
    rows = await referral_counts(services.db)
    assert [(tag, count) for tag, _day, count in rows] == [("kliniek_utrecht", 2)]
    counter_cols = await services.db.fetchall("PRAGMA table_info('referrals')")
    assert "user_key" not in {c[1] for c in counter_cols}
