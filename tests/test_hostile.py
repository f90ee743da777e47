"""Odd and hostile input over real HTTP: always a short friendly answer and a way on, never a traceback."""

from __future__ import annotations

import logging

import pytest

from conversations.context import Services
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import TOKEN, running_bot, turn

CHAT = 5150
MEDIA = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "document",
    "contact",
    "poll",
    "dice",
)


def errors(fake: FakeBotAPI) -> list[str]:
    return [f"{c.method} {c.status}" for c in fake.calls if c.status >= 400]


def nav_ids(fake: FakeBotAPI, chat_id: int) -> set[str]:
    return {b.get("callback_data") for b in fake.buttons(chat_id)}


async def test_media_and_odd_messages_get_a_kind_answer_and_a_way_on(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.command(CHAT, "start")
        await turn(fake)
        for kind in MEDIA:
            before = len(fake.sent(CHAT))
            fake.media(CHAT, kind)
            await turn(fake)
            new = fake.texts(CHAT)[before:]
            assert new and "stickers" in new[0], kind
            assert nav_ids(fake, CHAT) & {"m:home", "l:start"}, f"{kind}: the menu is offered"
        before = len(fake.sent(CHAT))
        fake.edited(CHAT, "iets anders")
        await turn(fake)
        assert "aangepaste" in fake.texts(CHAT)[before]
        for text in (
            "x" * 5000,
            "🙂🙃" * 100,
            "مرحبا، أحتاج مساعدة",
            "\u200b\u200d\u2060",
            "a\u202eb",
            "<b>&amp;",
        ):
            before = len(fake.sent(CHAT))
            fake.text(CHAT, text)
            await turn(fake)
            assert len(fake.sent(CHAT)) > before, repr(text[:10])
        assert errors(fake) == []
    assert "Traceback" not in caplog.text
    assert TOKEN not in caplog.text
    assert "iets anders" not in caplog.text and "مرحبا" not in caplog.text


async def test_crisis_words_in_an_edit_still_get_crisis_help(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.edited(CHAT, "ik wil zelfmoord plegen")
        await turn(fake)
        assert any("113" in t for t in fake.texts(CHAT))


async def test_forged_and_old_presses(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.command(CHAT, "start")
        await turn(fake)
        menu_id = fake.last_message_id(CHAT)
        for data in ("zz:top:1", "m", ":::", "t:nonsense:'; DROP TABLE users;--", "c:start:999999999"):
            before = len(fake.sent(CHAT))
            fake.callback(CHAT, data)
            await turn(fake)
            assert len(fake.sent(CHAT)) > before, data
        # a press on a message too old to edit, and on a message Telegram no longer shows
        fake.press(CHAT, "s:lang")
        await turn(fake)
        lang_msg = fake.last_message_id(CHAT)
        fake.make_old(CHAT, lang_msg)
        before = len(fake.calls_of("sendMessage", chat_id=CHAT))
        fake.callback(CHAT, "s:setlang:en", message_id=lang_msg)
        await turn(fake)
        assert len(fake.calls_of("sendMessage", chat_id=CHAT)) > before, "edit failed → sent as new message"
        fake.callback(CHAT, "m:home", message_id=menu_id, inaccessible=True)
        await turn(fake)
        assert [c for c in fake.calls if c.status >= 400 and c.method != "editMessageText"] == []
        assert len(fake.calls_of("answerCallbackQuery")) >= 7


async def test_a_press_within_one_screen_edits_in_place(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.command(CHAT, "taal")
        await turn(fake)
        lang_msg = fake.last_message_id(CHAT)
        fake.press(CHAT, "English")
        await turn(fake)
        edits = fake.calls_of("editMessageText", chat_id=CHAT, message_id=lang_msg)
        assert len(edits) == 1 and "English" in edits[0].params["text"]


async def test_an_error_inside_is_logged_by_type_and_flow_only(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake) as adapter:
        secret_text = "mijn geheime zin"

        async def broken(chat_id: int, inp: object) -> None:
            raise ZeroDivisionError(secret_text)

        adapter.engine.handle = broken  # type: ignore[method-assign]
        fake.text(CHAT, secret_text)
        await turn(fake)
        texts = fake.texts(CHAT)
        assert texts and "mis" in texts[-1]
        assert "m:home" in nav_ids(fake, CHAT)
    assert "ZeroDivisionError" in caplog.text
    assert secret_text not in caplog.text and str(CHAT) not in caplog.text


async def test_stop_erases_and_blocking_erases(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        key = services.keys.pseudonym(CHAT)
        fake.command(CHAT, "start")
        await turn(fake)
        fake.command(CHAT, "stop")
        await turn(fake)
        assert await services.users.get(key) is None
        fake.command(CHAT, "start")
        await turn(fake)
        fake.block(CHAT)
        fake.command(CHAT, "menu")
        await turn(fake)
        assert await services.users.get(key) is None, "a 403 while answering erases the user"


async def test_a_moving_live_location_is_not_answered(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        msg = fake.incoming(CHAT, location={"latitude": 52.1, "longitude": 5.1}, edit_date=1)
        fake.push({"edited_message": msg})
        await turn(fake)
        assert fake.sent(CHAT) == []
