"""The sender of unprompted messages: pacing, 429, 403, network errors, and the real bot's scheduler."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter

from bot import render
from bot.delivery import DeliveryConfig, Pacer, Sender
from conversations.context import Services
from conversations.outgoing import Outcome
from conversations.types import Outgoing, Reply
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import TOKEN, running_bot

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@dataclass
class ListSource:
    """An in-memory outgoing source: items with due times; claimed once; outcomes recorded."""

    name: str = "test-list"
    pending: list[tuple[datetime, Outgoing]] = field(default_factory=list)
    outcomes: list[tuple[str, Outcome]] = field(default_factory=list)

    async def next_due_at(self, services: Services) -> datetime | None:
        return min((due for due, _ in self.pending), default=None)

    async def claim_due(
        self, services: Services, now: datetime, *, user_key: str | None = None, limit: int = 100
    ) -> list[Outgoing]:
        due = [(d, o) for d, o in self.pending if d <= now and (user_key is None or o.user_key == user_key)]
        due = due[:limit]
        self.pending = [p for p in self.pending if p not in due]
        return [o for _, o in due]

    async def settle(
        self, services: Services, item: Outgoing, outcome: Outcome, *, retry_at: datetime | None = None
    ) -> None:
        self.outcomes.append((item.ref, outcome))


class Sleeps:
    """A sleep that records how long it was asked to wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


async def enrol(services: Services, chat_id: int) -> str:
    """A user with a sealed chat id, as flows leave behind when they promise to write later."""
    key = services.keys.pseudonym(chat_id)
    await services.users.save(key, "nl", {}, services.clock.now())
    await services.users.remember_chat(key, chat_id)
    return key


def item(key: str, ref: str, text: str = "Vanavond 19:30 — je meeting") -> Outgoing:
    return Outgoing(key, Reply().add(text), "reminder", ref)


async def test_sends_settles_and_erases_the_blocked(services: Services) -> None:
    now = services.clock.now()
    source = ListSource()
    keys = {cid: await enrol(services, cid) for cid in (11, 12, 13)}
    for cid, key in keys.items():
        source.pending.append((now - timedelta(minutes=1), item(key, f"r{cid}", "<b>19:30</b> & koffie")))
    source.pending.append((now + timedelta(hours=1), item(keys[11], "later")))
    async with FakeBotAPI() as fake, Bot(TOKEN, base_url=fake.base_url) as bot:
        fake.block(12)
        config = DeliveryConfig(chat_interval=0)
        sender = Sender(services, lambda cid, r: render.send_reply(bot, cid, r), config)
        sender.source_list = lambda: [source]
        assert await sender.drain() == 3
        assert sorted(source.outcomes) == [("r11", "sent"), ("r12", "blocked"), ("r13", "sent")]
        assert fake.texts(11) == ["<b>19:30</b> & koffie"], "dynamic text is escaped, not markup"
        assert await services.users.get(keys[12]) is None, "a blocked user is erased"
        assert await services.users.get(keys[11]) is not None
        assert await sender.next_due_at() == now + timedelta(hours=1)
        assert (sender.totals.sent, sender.totals.blocked) == (2, 1)


async def test_429_waits_retry_after_and_retries(services: Services) -> None:
    source = ListSource()
    key = await enrol(services, 21)
    source.pending.append((services.clock.now(), item(key, "a")))
    calls: list[int] = []

    async def send(chat_id: int, reply: Reply) -> None:
        calls.append(chat_id)
        if len(calls) < 3:
            raise RetryAfter(7)

    sleeps = Sleeps()
    sender = Sender(services, send, DeliveryConfig(chat_interval=0), sleep=sleeps)
    sender.source_list = lambda: [source]
    await sender.drain()
    assert source.outcomes == [("a", "sent")]
    assert calls == [21, 21, 21]
    assert len([w for w in sleeps.waits if 6.9 <= w <= 7.1]) == 2, sleeps.waits
    assert sender.totals.rate_waits == 2


async def test_network_errors_back_off_then_go_back_to_the_source(services: Services) -> None:
    source = ListSource()
    key = await enrol(services, 31)
    source.pending.append((services.clock.now(), item(key, "n")))

    async def send(chat_id: int, reply: Reply) -> None:
        raise NetworkError("connection reset")

    sleeps = Sleeps()
    config = DeliveryConfig(network_attempts=4, backoff=0.5, global_rate=1e6)
    sender = Sender(services, send, config, sleep=sleeps)
    sender.source_list = lambda: [source]
    await sender.drain()
    assert source.outcomes == [("n", "retry")], "never failed at once: the source tries again later"
    assert [w for w in sleeps.waits if w > 0.1] == [0.5, 1.0, 2.0]
    assert await services.users.get(key) is not None, "a network error never erases anyone"


async def test_forbidden_from_send_function_and_unknown_user(services: Services) -> None:
    source = ListSource()
    key = await enrol(services, 41)
    source.pending.append((services.clock.now(), item(key, "f")))
    source.pending.append((services.clock.now(), item("0" * 64, "ghost")))

    async def send(chat_id: int, reply: Reply) -> None:
        raise Forbidden("Forbidden: bot was blocked by the user")

    sender = Sender(services, send, DeliveryConfig(chat_interval=0))
    sender.source_list = lambda: [source]
    await sender.drain()
    assert sorted(source.outcomes) == [("f", "blocked"), ("ghost", "failed")]


def test_pacer_spaces_globally_and_per_chat() -> None:
    pacer = Pacer(rate=10.0, interval=1.0)
    assert [pacer.reserve_global(0.0) for _ in range(3)] == [0.0, 0.1, 0.2]
    assert [pacer.reserve_key("a", 0.0) for _ in range(3)] == [0.0, 1.0, 2.0]
    assert pacer.reserve_key("b", 0.0) == 0.0
    pacer.pause(5.0)
    assert pacer.reserve_global(0.3) == 5.0


async def test_real_bot_sweeps_the_outbox_and_handles_403_and_429(services: Services) -> None:
    source = ListSource()
    now = services.clock.now()
    keys = [await enrol(services, cid) for cid in range(100, 110)]
    async with FakeBotAPI() as fake:
        fake.block(103, 107)
        fake.fail("sendMessage", status=429, retry_after=1, count=1)
        async with running_bot(services, fake) as adapter:
            assert adapter.sender is not None and adapter.scheduler is not None
            adapter.sender.source_list = lambda: [source]
            for i, key in enumerate(keys):
                source.pending.append((now, item(key, f"b{i}", f"Wijziging {i}")))
            adapter.scheduler.poke(0.0)
            await fake.wait_for("sendMessage", count=8, within=10)
            for _ in range(100):
                if len(source.outcomes) == 10:
                    break
                await asyncio.sleep(0.02)
        outcome = dict(source.outcomes)
        assert sorted(r for r, o in outcome.items() if o == "blocked") == ["b3", "b7"]
        assert sum(o == "sent" for o in outcome.values()) == 8
        assert len(fake.calls_of("sendMessage")) == 8, "each message once, the 429 retried"
        assert await services.users.get(keys[3]) is None and await services.users.get(keys[7]) is None


async def test_stopping_puts_unsent_items_back_due_at_once(services: Services) -> None:
    source = ListSource()
    keys = [await enrol(services, cid) for cid in (51, 52)]
    for i, key in enumerate(keys):
        source.pending.append((services.clock.now(), item(key, f"s{i}")))
    running = True
    settled_at: list[datetime | None] = []

    async def send(chat_id: int, reply: Reply) -> None:
        nonlocal running
        running = False  # SIGTERM arrives while the first message is on its way

    original = source.settle

    async def settle(services: Services, it: Outgoing, outcome: Outcome, *, retry_at: datetime | None = None):
        settled_at.append(retry_at)
        await original(services, it, outcome, retry_at=retry_at)

    source.settle = settle  # type: ignore[method-assign]
    sender = Sender(services, send, DeliveryConfig(chat_interval=0, workers=1), running=lambda: running)
    sender.source_list = lambda: [source]
    await sender.drain()
    assert sorted(source.outcomes) == [("s0", "sent"), ("s1", "retry")]
    assert services.clock.now() in settled_at, "an item put back on shutdown is due again at once"


async def test_daily_purge_job_is_scheduled_and_erases_the_expired(services: Services) -> None:
    old = services.keys.pseudonym(61)
    await services.users.save(old, "nl", {}, services.clock.now() - timedelta(days=200))
    fresh = await enrol(services, 62)
    async with FakeBotAPI() as fake, running_bot(services, fake) as adapter:
        assert adapter.scheduler is not None and adapter.scheduler.jobs is not None
        assert adapter.scheduler.jobs.get_jobs_by_name("purge-expired")
        assert await adapter.scheduler.purge_now() == 1
    assert await services.users.get(old) is None and await services.users.get(fresh) is not None


async def test_an_item_handed_out_again_by_its_source_is_sent_once(services: Services) -> None:
    """A lease that runs out during a slow send makes the source hand the item out again: send it once."""
    key = await enrol(services, 71)
    first = item(key, "row-7")
    handed_out = 0

    class Leaky(ListSource):
        async def claim_due(self, services: Services, now: datetime, **kw: object) -> list[Outgoing]:
            nonlocal handed_out
            handed_out += 1
            return [Outgoing(first.user_key, first.reply, first.kind, first.ref)] if handed_out <= 3 else []

    source = Leaky()
    sent: list[int] = []

    async def send(chat_id: int, reply: Reply) -> None:
        sent.append(chat_id)
        await asyncio.sleep(0.01)  # the item is in flight while the source hands it out again

    sender = Sender(services, send, DeliveryConfig(chat_interval=0, batch=1, workers=2))
    sender.source_list = lambda: [source]
    await sender.drain()
    assert sent == [71]
    assert source.outcomes == [("row-7", "sent")]
