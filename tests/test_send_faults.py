"""Network faults while sending, against the fake Bot API over real HTTP: 500, 502 and dropped connections
lose no broadcast message and duplicate none; a lost answer duplicates at most its own message; an
outage is retried for many minutes before a message counts as failed; in chat one 5xx is retried."""

from __future__ import annotations

import collections
from datetime import timedelta

import pytest
from telegram import Bot

from bot import render
from bot.delivery import DeliveryConfig, Sender
from conversations.broadcast_source import SOURCE as BROADCASTS
from conversations.context import Services
from conversations.support_actions import publish
from storage import broadcasts as bstore
from storage.edits import get_meeting
from tests.fakebotapi import ANSWER_LOST, DROPPED, FakeBotAPI
from tests.support_helpers import bulk_followers, make_meeting
from tests.tgharness import TOKEN, running_bot, turn

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
FIRST = 20_000


async def broadcast_to(services: Services, count: int, name: str = "De Brug", first: int = FIRST) -> int:
    """A note to `count` followers of a new meeting, queued in the outbox."""
    mid = await make_meeting(services, name=name)
    await bulk_followers(services, list(range(first, first + count)), mid)
    m = await get_meeting(services.db, mid)
    cast = await publish(
        services, None, m, "note", {}, "Vanaf nu in zaal 2.", bstore.Audience(meeting_id=mid)
    )
    return cast.id


def received(fake: FakeBotAPI) -> collections.Counter[int]:
    """Messages that reached each recipient (whether or not the answer came back)."""
    return collections.Counter(
        int(c.params["chat_id"]) for c in fake.sent() if int(c.params["chat_id"]) >= FIRST
    )


async def drain_until_done(
    services: Services, sender: Sender, cast_id: int, minutes: int
) -> bstore.Broadcast:
    """Drain, then let a minute pass (the fixed clock), until the broadcast is settled or time is up."""
    for _ in range(minutes):
        await sender.drain()
        cast = await bstore.get_broadcast(services.db, cast_id)
        assert cast is not None
        if not cast.pending:
            return cast
        services.clock.set(services.clock.now() + timedelta(minutes=1))  # type: ignore[attr-defined]
    return cast


def make_sender(services: Services, bot: Bot) -> Sender:
    sender = Sender(services, lambda cid, r: render.send_reply(bot, cid, r), DeliveryConfig(chat_interval=0))
    sender.source_list = lambda: [BROADCASTS]
    return sender


async def test_5xx_and_dropped_connections_lose_and_duplicate_nothing(services: Services) -> None:
    cast_id = await broadcast_to(services, 300)
    async with FakeBotAPI() as fake, Bot(TOKEN, base_url=fake.base_url) as bot:
        for status in (500, 502, DROPPED, 500, 502):  # 20 faults, some back to back
            fake.fail("sendMessage", status=status, count=4)
        sender = make_sender(services, bot)
        cast = await drain_until_done(services, sender, cast_id, minutes=30)
        counts = received(fake)
    assert (cast.sent, cast.failed, cast.pending) == (300, 0, 0)
    assert set(counts) == set(range(FIRST, FIRST + 300)) and set(counts.values()) == {1}


async def test_a_lost_answer_duplicates_at_most_its_own_message(services: Services) -> None:
    cast_id = await broadcast_to(services, 100)
    async with FakeBotAPI() as fake, Bot(TOKEN, base_url=fake.base_url) as bot:
        fake.fail("sendMessage", status=ANSWER_LOST, count=5)
        sender = make_sender(services, bot)
        cast = await drain_until_done(services, sender, cast_id, minutes=10)
        counts = received(fake)
    assert (cast.sent, cast.failed, cast.pending) == (100, 0, 0)
    assert set(counts) == set(range(FIRST, FIRST + 100))  # nothing lost
    assert sum(counts.values()) - 100 <= 5  # at most one duplicate per lost answer
    assert sender.totals.uncertain == 5


async def test_an_outage_is_retried_for_many_minutes_before_failing(services: Services) -> None:
    cast_id = await broadcast_to(services, 3)
    async with FakeBotAPI() as fake, Bot(TOKEN, base_url=fake.base_url) as bot:
        fake.fail("sendMessage", status=502, count=10_000)
        sender = make_sender(services, bot)
        cast = await drain_until_done(services, sender, cast_id, minutes=15)
        assert (cast.failed, cast.pending) == (0, 3), "still trying after a quarter of an hour"
        fake.failures.clear()  # the network comes back
        cast = await drain_until_done(services, sender, cast_id, minutes=10)
        assert (cast.sent, cast.failed) == (3, 0)
        fake.fail("sendMessage", status=500, count=10_000)
        again = await broadcast_to(services, 1, name="Tweede", first=FIRST + 10)
        cast = await drain_until_done(services, sender, again, minutes=60)
    assert (cast.failed, cast.pending) == (1, 0), "given up in the end"


async def test_one_5xx_in_chat_gets_the_answer_not_an_apology(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        for status in (500, 502):
            fake.fail("sendMessage", status=status, count=1)
            fake.command(31, "start")
            await turn(fake)
        texts = fake.texts(31)
        assert texts and not any("Er ging iets mis" in t for t in texts)
        assert len(texts) == 2 * len({*texts})  # two /start answers, each sent once
