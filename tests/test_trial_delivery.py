"""Trial reminders through the Telegram side's sender: delivered once to the sealed chat; 403 erases."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram.error import Forbidden
from trial_support import add_meeting

from bot.delivery import DeliveryConfig, Sender
from conversations.clock import FixedClock
from conversations.context import Services
from conversations.engine import Engine
from conversations.reminders import SOURCE
from conversations.types import Input, Reply

CHAT = 777
REMINDER_AT = datetime(2026, 3, 24, 16, 30, tzinfo=UTC)


async def start_trial(services: Services) -> None:
    mid = await add_meeting(services.db)
    engine = Engine(services)
    await engine.handle(CHAT, Input.of_button(f"t:start:m{mid}"))  # the offer, then a choice
    await engine.handle(CHAT, Input.of_button(f"t:new:{mid}:2h"))
    assert isinstance(services.clock, FixedClock)
    services.clock.set(REMINDER_AT)


async def test_the_sender_delivers_a_reminder_once_to_the_sealed_chat(services: Services):
    await start_trial(services)
    sent: list[tuple[int, str]] = []

    async def send(chat_id: int, reply: Reply) -> None:
        sent.append((chat_id, reply.messages[0].text.splitlines()[0]))

    sender = Sender(services, send, DeliveryConfig(chat_interval=0))
    sender.source_list = lambda: [SOURCE]
    await sender.drain()
    await sender.drain()
    assert sent == [(CHAT, "Vanavond 19:30 — je meeting")]


async def test_a_blocked_user_is_erased_with_the_trial(services: Services):
    await start_trial(services)

    async def send(chat_id: int, reply: Reply) -> None:
        raise Forbidden("Forbidden: bot was blocked by the user")

    sender = Sender(services, send, DeliveryConfig(chat_interval=0))
    sender.source_list = lambda: [SOURCE]
    await sender.drain()
    assert sender.totals.blocked == 1
    user_key = services.keys.pseudonym(CHAT)
    for table in await services.db.tables_with_column("user_key"):
        row = await services.db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE user_key = ?", (user_key,))
        assert row is not None and row[0] == 0, table
    row = await services.db.fetchone("SELECT SUM(started) FROM trial_counters")
    assert row is not None and row[0] == 1  # only the anonymous count remains
