"""The bot as a process against the fake Bot API: a broadcast to 2,000 survives SIGKILL halfway, and
blocked recipients (403) and injected 429s lose nothing.

Duplicates: a message whose send reached Telegram but whose settle was not yet committed when the process
died is sent again after the restart. Their number is bounded by the sends in flight
(EERSTESTAP_SEND_WORKERS): with one in flight at most one duplicate, at the crash point; the test also runs
with four (the bench's setting, enough for 30/s at Telegram's round-trip times). With the sender's default
of 32, a crash here duplicated 9 to 14 of 2,000.
"""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from conversations.clock import SystemClock
from conversations.context import Services, Settings
from conversations.support_actions import publish
from storage import broadcasts as bstore
from storage.db import Database
from storage.keys import KeyRing
from storage.meeting import get_meeting
from tests.conftest import ROOT, TEST_SECRET, cli_env
from tests.fakebotapi import FakeBotAPI
from tests.support_helpers import bulk_followers, make_meeting

RECIPIENTS = 2000
FIRST_CHAT = 10_000


@pytest.fixture
async def real_services(db_path: Path) -> AsyncIterator[Services]:
    """Services on the system clock (the bot process uses it too) with the test secret."""
    db = Database(db_path)
    await db.open()
    try:
        yield Services(
            db=db, keys=KeyRing(bytes.fromhex(TEST_SECRET)), clock=SystemClock(), settings=Settings()
        )
    finally:
        await db.close()


def start_bot(db_path: Path, fake: FakeBotAPI, log: Path, **extra: str) -> subprocess.Popen[bytes]:
    env = cli_env(
        EERSTESTAP_SECRET_KEY=TEST_SECRET,
        TELEGRAM_BOT_TOKEN="123:abc",
        TELEGRAM_BASE_URL=fake.base_url,
        EERSTESTAP_GLOBAL_RATE="600",
        EERSTESTAP_SWEEP_SECONDS="0.5",
        EERSTESTAP_OUTBOX_LEASE="2",
        EERSTESTAP_ALLOW_DEMO="1",
        **extra,
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--db", str(db_path), "--env-file", os.devnull],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def until(condition: Callable[[], object], within: float, what: str) -> None:
    """Poll a condition while the bot process works (a real process: no clock to inject)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def until_async(condition: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    """Like until(), for a condition that reads the database."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not await condition():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End the bot once everything is checked (a clean shutdown is the Telegram adapter's own test)."""
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=15)


def received(fake: FakeBotAPI) -> collections.Counter[int]:
    """Messages per chat among the recipients."""
    return collections.Counter(
        int(c.params["chat_id"])
        for c in fake.calls_of("sendMessage")
        if int(c.params.get("chat_id", 0)) >= FIRST_CHAT
    )


async def start_broadcast(services: Services, chats: list[int]) -> tuple[int, dict[int, str]]:
    mid = await make_meeting(services)
    keys = await bulk_followers(services, chats, mid)
    m = await get_meeting(services.db, mid)
    cast = await publish(
        services, None, m, "note", {}, "Vanaf nu in zaal 2.", bstore.Audience(meeting_id=mid)
    )
    assert cast.total == len(chats)
    return cast.id, keys


@pytest.mark.parametrize("in_flight", [1, 4])
async def test_sigkill_halfway_then_restart_sends_each_once(
    real_services: Services, tmp_path: Path, in_flight: int
) -> None:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + RECIPIENTS))
    cast_id, _ = await start_broadcast(real_services, chats)
    db_path = real_services.db.path
    async with FakeBotAPI() as fake:
        proc = start_bot(db_path, fake, tmp_path / "bot.log", EERSTESTAP_SEND_WORKERS=str(in_flight))
        try:
            await until(lambda: sum(received(fake).values()) >= RECIPIENTS // 2, 60, "half the messages")
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
        at_kill = sum(received(fake).values())
        assert at_kill < RECIPIENTS, "the broadcast finished before the kill"
        proc = start_bot(db_path, fake, tmp_path / "bot.log", EERSTESTAP_SEND_WORKERS=str(in_flight))
        try:
            await until(lambda: len(received(fake)) >= RECIPIENTS, 60, "every recipient")
            cast = await bstore.get_broadcast(real_services.db, cast_id)
            while cast is not None and cast.pending:
                await asyncio.sleep(0.05)
                cast = await bstore.get_broadcast(real_services.db, cast_id)
        finally:
            stop(proc)
    counts = received(fake)
    duplicates = sum(n - 1 for n in counts.values())
    print(
        f"\ncrash test ({in_flight} in flight): killed after {at_kill}/{RECIPIENTS}; duplicates {duplicates}"
    )
    assert set(counts) == set(chats)  # nothing lost
    assert duplicates <= in_flight  # at most the sends in flight at the crash point (one with one)
    assert cast is not None and (cast.sent, cast.blocked, cast.failed, cast.pending) == (RECIPIENTS, 0, 0, 0)


async def test_blocked_and_429_lose_nothing(real_services: Services, tmp_path: Path) -> None:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + 1000))
    blocked = chats[::10]  # 10 %
    cast_id, keys = await start_broadcast(real_services, chats)
    async with FakeBotAPI() as fake:
        fake.block(*blocked)
        fake.fail("sendMessage", status=429, retry_after=1, count=3)
        proc = start_bot(real_services.db.path, fake, tmp_path / "bot.log")
        try:

            async def settled() -> bstore.Broadcast | None:
                return await bstore.get_broadcast(real_services.db, cast_id)

            cast = await settled()
            loop = asyncio.get_running_loop()
            end = loop.time() + 60
            while cast is not None and cast.pending and loop.time() < end:
                await asyncio.sleep(0.05)
                cast = await settled()
            # The sender erases a blocked person right after settling their row.
            users = real_services.users

            async def all_erased() -> bool:
                return all([await users.get(keys[chat]) is None for chat in blocked])

            await until_async(all_erased, 30, "the blocked to be erased")
        finally:
            stop(proc)
        errors = collections.Counter(c.status for c in fake.calls if c.status != 200)
    counts = received(fake)
    assert cast is not None and (cast.sent, cast.blocked, cast.failed, cast.pending) == (900, 100, 0, 0)
    assert set(counts) == set(chats) - set(blocked)
    assert all(n == 1 for n in counts.values())
    assert errors[429] >= 3 and errors[403] == 100
    for chat in blocked:
        assert await real_services.users.get(keys[chat]) is None  # erased everywhere
    assert tuple(await real_services.db.fetchone("SELECT COUNT(*) FROM follows")) == (900,)
