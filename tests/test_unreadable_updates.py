"""An update python-telegram-bot cannot parse is skipped (the offset moves on), the others are answered,
and the log names only its kind: never the raw update, texts, names or chat ids (issue 18, point 1)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.update_guard import kind_of, screen_payload
from conversations.context import Services
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import running_bot, turn

FIRST = 5100
PEOPLE = 12
SECRET_WORDS = "mijn geheime zin Xq7"


def old_poll(fake: FakeBotAPI, chat_id: int) -> dict[str, Any]:
    """A poll as an older Bot API sends it: without `persistent_id`, which PTB 22.8 requires."""
    poll = {
        "id": "9",
        "question": "?",
        "options": [{"text": "a", "voter_count": 0}, {"text": "b", "voter_count": 0}],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
    }
    return fake.push({"message": fake.incoming(chat_id, poll=poll)})


def assert_clean_log(caplog: pytest.LogCaptureFixture) -> None:
    text = "\n".join(
        r.getMessage() + (str(r.exc_info) if r.exc_info else "") + (r.exc_text or "") for r in caplog.records
    )
    for chat in range(FIRST, FIRST + PEOPLE):
        assert str(chat) not in text
    assert SECRET_WORDS not in text and "Test" not in text  # texts and first names
    assert not [r for r in caplog.records if r.exc_info], "no tracebacks"
    assert "kind message.poll" in text


def queue_batch(fake: FakeBotAPI) -> None:
    for i in range(PEOPLE):
        if i in (3, PEOPLE - 1):  # one in the middle of a batch, one last (the offset must pass it)
            old_poll(fake, FIRST + i)
        else:
            fake.text(FIRST + i, f"hallo {SECRET_WORDS}")


async def test_polling_skips_an_unreadable_update_and_answers_the_others(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with FakeBotAPI() as fake, running_bot(services, fake):
        queue_batch(fake)
        await turn(fake, within=15)
        await fake.wait_idle()
        answered = {c.params["chat_id"] for c in fake.sent()}
        assert answered == {FIRST + i for i in range(PEOPLE) if i not in (3, PEOPLE - 1)}
        assert not fake.updates, "the offset moved past every update, the unreadable ones too"
    assert_clean_log(caplog)


async def test_webhook_acknowledges_an_unreadable_update_and_answers_the_others(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with FakeBotAPI() as fake, running_bot(services, fake, webhook=True):
        queue_batch(fake)
        await turn(fake, within=15)
        await fake.wait_idle()
        answered = {c.params["chat_id"] for c in fake.sent()}
        assert len(answered) == PEOPLE - 2
        assert fake.webhook_responses and set(fake.webhook_responses) == {200}, "no redelivery"
    assert_clean_log(caplog)


def test_kind_names_only_bot_api_fields() -> None:
    assert kind_of({"update_id": 1, "message": {"chat": {"id": 5}, "poll": {}}}) == "message.poll"
    assert kind_of({"update_id": 1, "callback_query": {"data": "x"}}) == "callback_query"
    assert kind_of({"update_id": 1, "Jan de Vries 0612345678": {}}) == "empty"
    assert kind_of([1, 2]) == "not-an-object"
    screened = screen_payload({"ok": True, "result": [{"update_id": 8, "message": {"poll": 1}}]})
    assert screened["result"] == [{"update_id": 8}]
