"""Urgent help never waits on the database: a full disk or a locked database still gives 113 at once, and
a long write by another connection does not delay it (issue 18, point 3)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

import aiosqlite
import pytest

from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from storage.db import Database
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import running_bot, turn

CRISIS = "ik wil zelfmoord plegen"
CHAT = 6113
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def says_113(texts: Sequence[str]) -> bool:
    return any("113" in t for t in texts)


@pytest.mark.parametrize("error", ["database or disk is full", "database is locked"])
async def test_storage_errors_still_give_urgent_help(
    engine: Engine, services: Services, monkeypatch: pytest.MonkeyPatch, error: str
) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    real_execute = Database.execute

    async def failing(self: Database, sql: str, params: Any = ()) -> int:
        if sql.lstrip().upper().startswith(WRITES):
            raise sqlite3.OperationalError(error)
        return await real_execute(self, sql, params)

    monkeypatch.setattr(Database, "execute", failing)
    for chat in (CHAT, CHAT + 1):  # a known person and a first contact
        reply = await engine.handle(chat, Input.of_text(CRISIS))
        assert says_113([m.text for m in reply.messages]), [m.text for m in reply.messages]
    await engine.settle()


async def test_a_write_lock_held_elsewhere_does_not_delay_urgent_help(
    engine: Engine, services: Services
) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    other = await aiosqlite.connect(services.db.path, isolation_level=None)
    try:
        await other.execute("BEGIN IMMEDIATE")  # e.g. an import in another process
        await other.execute("UPDATE users SET lang = lang")
        # and this process's own connection is busy waiting for that lock (a write in another task)
        blocked = asyncio.create_task(services.users.save("someone", "nl", {}, services.clock.now()))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        reply = await engine.handle(CHAT, Input.of_text(CRISIS))
        took = time.monotonic() - started
        assert says_113([m.text for m in reply.messages])
        assert took < 1.0, f"urgent help waited {took:.1f} s"
        await other.execute("COMMIT")
        await blocked
    finally:
        await other.close()
    await engine.settle()
    assert await services.users.get(services.keys.pseudonym(CHAT)) is not None


async def test_urgent_help_over_telegram_with_a_full_disk(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_execute = Database.execute

    async def full(self: Database, sql: str, params: Any = ()) -> int:
        if sql.lstrip().upper().startswith(WRITES):
            raise sqlite3.OperationalError("database or disk is full")
        return await real_execute(self, sql, params)

    async with FakeBotAPI() as fake, running_bot(services, fake) as adapter:
        monkeypatch.setattr(Database, "execute", full)
        for i in range(4):
            fake.text(CHAT + i, CRISIS)
        await turn(fake)
        await adapter.engine.settle()
        for i in range(4):
            assert says_113(fake.texts(CHAT + i)), fake.texts(CHAT + i)
            assert not any("mis" in t.lower() and "113" not in t for t in fake.texts(CHAT + i))
