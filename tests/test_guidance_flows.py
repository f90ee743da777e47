"""The learn and which-group flows through the engine: every topic and profile, skipping, typed answers."""

from __future__ import annotations

import json

import pytest

from content import LANGUAGES
from content.i18n import translator
from content.loader import PROGRAMS, fellowships, matching_table, topics
from conversations.engine import Engine
from conversations.types import Input, Reply

CHAT = 2024
NL = translator("nl")


def texts(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


def ids(reply: Reply) -> list[str]:
    return [b.id for b in reply.buttons()]


async def begin(engine: Engine, lang: str = "nl") -> None:
    await engine.handle(CHAT, Input.of_text("/start", language_hint=lang))


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_topic_part_can_be_read(engine: Engine, lang: str) -> None:
    await begin(engine, lang)
    t = translator(lang)
    for topic in topics().values():
        for part in range(1, topic.parts + 1):
            reply = await engine.handle(CHAT, Input.of_button(f"l:t:{topic.id}:{part}"))
            assert t.t(topic.part_key(part)) in texts(reply)
            if part < topic.parts:
                assert f"l:t:{topic.id}:{part + 1}" in ids(reply)
            else:
                assert {f"l:t:{rel}:1" for rel in topic.related} <= set(ids(reply))
            assert "l:topics" in ids(reply) and "m:home" in ids(reply)


async def test_menu_item_opens_what_is_a_group(engine: Engine) -> None:
    await begin(engine)
    reply = await engine.handle(CHAT, Input.of_button("l:start"))
    assert NL.t("topic.what.1") in texts(reply)


async def test_relatives_end_with_their_groups(engine: Engine) -> None:
    await begin(engine)
    await engine.handle(CHAT, Input.of_button("l:start:relatives"))
    reply = await engine.handle(CHAT, Input.of_button("l:t:relatives:3"))
    assert {"l:f:ALANON", "l:f:ALATEEN", "l:f:ACA", "l:f:LSOVD", "l:f:AGOG", "w:start"} <= set(ids(reply))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("program", PROGRAMS)
async def test_every_profile(engine: Engine, lang: str, program: str) -> None:
    await begin(engine, lang)
    t, profile = translator(lang), fellowships()[program]
    reply = await engine.handle(CHAT, Input.of_button(f"l:f:{program}"))
    body = texts(reply)
    assert profile.text(lang, "name") in body and profile.text(lang, "meeting") in body
    assert {f"n:start:{program}", f"t:start:{program}"} <= set(ids(reply))
    if profile.contact.phone:
        assert profile.contact.phone in body
    if profile.contact.website:
        assert profile.contact.website in [b.url for b in reply.buttons()]
    if (profile.contact.website or profile.contact.phone) and not profile.contact.verified:
        key = "learn.profile.unverified" if profile.contact.website else "learn.profile.unverified_no_site"
        assert t.t(key) in body
    if not (profile.contact.website or profile.contact.phone):
        assert t.t("learn.profile.no_contact") in body


async def test_all_groups_list(engine: Engine) -> None:
    await begin(engine)
    reply = await engine.handle(CHAT, Input.of_button("l:groups"))
    assert {f"l:f:{p}" for p in PROGRAMS} <= set(ids(reply))


async def test_skip_every_question(engine: Engine) -> None:
    await begin(engine)
    reply = await engine.handle(CHAT, Input.of_button("w:start"))
    asked = 0
    while "w:again" not in ids(reply):
        skip = next(i for i in ids(reply) if i.startswith("w:a:") and i.endswith(":skip"))
        reply = await engine.handle(CHAT, Input.of_button(skip))
        asked += 1
    assert asked == len(matching_table().questions), "with 'who' skipped, every question applies"
    assert NL.t("which.result.intro") in texts(reply)
    assert any(i.startswith("l:f:") for i in ids(reply))


async def test_show_suggestions_early(engine: Engine) -> None:
    await begin(engine)
    first = await engine.handle(CHAT, Input.of_button("w:start"))
    assert "w:done" not in ids(first)
    await engine.handle(CHAT, Input.of_button("w:a:who:child"))
    reply = await engine.handle(CHAT, Input.of_button("w:a:what:drugs"))
    assert "w:done" in ids(reply)
    result = await engine.handle(CHAT, Input.of_button("w:done"))
    assert ids(result)[:3] == ["l:f:LSOVD", "n:start:LSOVD", "t:start:LSOVD"]
    again = await engine.handle(CHAT, Input.of_button("w:again"))
    assert NL.t("which.q.who") in texts(again)


async def test_typed_answer_keeps_only_codes(engine: Engine) -> None:
    await begin(engine)
    await engine.handle(CHAT, Input.of_button("w:start"))
    reply = await engine.handle(CHAT, Input.of_text("Mijn vrouw Annelies drinkt elke avond"))
    assert NL.t("which.q.women") in texts(reply)
    row = await engine.services.users.get(engine.services.keys.pseudonym(CHAT))
    assert row is not None
    assert row.state["data"]["answers"] == {"who": "partner", "what": "alcohol"}
    assert "Annelies" not in json.dumps(row.state) and "avond" not in json.dumps(row.state)


async def test_unclear_typed_answer_repeats_the_question(engine: Engine) -> None:
    await begin(engine)
    await engine.handle(CHAT, Input.of_button("w:start"))
    reply = await engine.handle(CHAT, Input.of_text("hmm weet ik niet"))
    assert reply.messages[0].text == NL.t("common.use_buttons")
    assert NL.t("which.q.who") in texts(reply)


async def test_restart_shows_the_result_again(engine: Engine, services) -> None:  # type: ignore[no-untyped-def]
    await begin(engine)
    for bid in ("w:start", "w:a:who:partner", "w:a:what:gambling", "w:done"):
        await engine.handle(CHAT, Input.of_button(bid))
    reply = await Engine(services).resume(CHAT)
    assert "l:f:AGOG" in ids(reply)
