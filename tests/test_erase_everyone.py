"""Every kind of user can be erased, and one row that cannot be erased never stops a purge (issue 18, 2)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conversations.clock import FixedClock
from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from storage.db import Database
from storage.keys import load_keyring
from tests.conftest import run_cli
from tests.fakebotapi import FakeBotAPI
from tests.support_helpers import add_follower, make_meeting, make_worker
from tests.tgharness import running_bot, turn

WORKER = 8101


async def rows_of(db: Database, user_key: str) -> dict[str, int]:
    out = {}
    for table in await db.tables_with_column("user_key"):
        row = await db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE user_key = ?", (user_key,))
        if row and row[0]:
            out[table] = int(row[0])
    return out


async def test_no_foreign_key_can_block_an_erase(services: Services) -> None:
    """A row that points at a per-user row must go (or let go) with it; otherwise the erase rolls back."""
    db = services.db
    personal = set(await db.tables_with_column("user_key"))
    tables = [r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    blocking = []
    for table in tables:
        for fk in await db.fetchall(f"PRAGMA foreign_key_list('{table}')"):
            parent, on_delete = fk[2], fk[6]
            if parent in personal and on_delete.upper() not in ("CASCADE", "SET NULL"):
                blocking.append(f"{table} -> {parent} ({on_delete})")
    assert not blocking


async def test_a_support_worker_can_stop(engine: Engine, services: Services) -> None:
    reply = await make_worker(services, engine, WORKER)
    key = services.keys.pseudonym(WORKER)
    assert "support_workers" in await rows_of(services.db, key), reply.texts()
    meeting = await make_meeting(services)
    await add_follower(services, WORKER, meeting)
    reply = await engine.handle(WORKER, Input.of_text("/stop"))
    assert reply.erased
    assert await rows_of(services.db, key) == {}
    used = await services.db.fetchone("SELECT used_at, used_by FROM invites")
    assert used is not None and used[0] is not None and used[1] is None, "the code stays used"


async def test_a_blocked_support_worker_is_erased(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake) as adapter:
        await make_worker(services, adapter.engine, WORKER)
        fake.my_chat_member(WORKER, "kicked")
        await turn(fake)
    assert await rows_of(services.db, services.keys.pseudonym(WORKER)) == {}


async def test_purge_goes_on_past_a_row_it_cannot_erase(
    engine: Engine, services: Services, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    for chat in range(1, 11):
        await services.users.save(services.keys.pseudonym(chat), "nl", {}, clock.now())
    await make_worker(services, engine, WORKER)  # expires with the others
    stuck = services.keys.pseudonym(4)
    await services.db.execute(
        f"CREATE TRIGGER stuck BEFORE DELETE ON users WHEN OLD.user_key = '{stuck}' "
        "BEGIN SELECT RAISE(ABORT, 'stuck row'); END"
    )
    clock.advance(timedelta(days=91))
    caplog.set_level(logging.INFO)
    users = services.users
    assert await users.purge_expired(clock.now()) == 10
    assert users.failed == 1
    left = await services.db.fetchall("SELECT user_key FROM users")
    assert [r[0] for r in left] == [stuck]
    assert "IntegrityError" in caplog.text and stuck not in caplog.text


async def test_purge_command_erases_a_support_worker(tmp_path: Path) -> None:
    """`eerstestap purge` on a database whose only expired user is a support worker (it crashed before)."""
    db_path = tmp_path / "p.db"
    async with Database(db_path) as db:
        long_ago = FixedClock(datetime(2020, 1, 1, 10, 0, tzinfo=UTC))
        services = Services(db=db, keys=load_keyring(db_path), clock=long_ago)
        await make_worker(services, Engine(services), WORKER)
    done = run_cli("purge", "--db", str(db_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "purged 1"
