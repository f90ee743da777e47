"""Pseudonymous storage: migrations, WAL, pseudonyms, sealed chat ids, erasing and purging, the key file."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from conversations.clock import FixedClock
from conversations.context import Services
from storage.db import Database
from storage.keys import KeyRing, key_file_for, load_keyring
from storage.users import UserStore
from tests.conftest import TEST_SECRET

CHAT = 123456789


async def test_migrations_are_idempotent(db_path: Path) -> None:
    async with Database(db_path) as db:
        first = await db.fetchall("SELECT name FROM schema_migrations ORDER BY name")
        assert [r[0] for r in first][:1] == ["0001_core"]
        assert await db.migrate() == []
    async with Database(db_path) as db:
        again = await db.fetchall("SELECT name FROM schema_migrations ORDER BY name")
        assert [r[0] for r in again] == [r[0] for r in first]


async def test_wal_mode(services: Services) -> None:
    row = await services.db.fetchone("PRAGMA journal_mode")
    assert row is not None and row[0] == "wal"


def test_pseudonym_is_stable_and_keyed() -> None:
    keys = KeyRing(bytes.fromhex(TEST_SECRET))
    same = KeyRing(bytes.fromhex(TEST_SECRET))
    other = KeyRing(bytes.fromhex("01" * 32))
    assert keys.pseudonym(CHAT) == same.pseudonym(CHAT)
    assert keys.pseudonym(CHAT) != other.pseudonym(CHAT)
    assert keys.pseudonym(CHAT) != keys.pseudonym(CHAT + 1)
    assert str(CHAT) not in keys.pseudonym(CHAT) and len(keys.pseudonym(CHAT)) == 64


def test_seal_is_bound_to_the_pseudonym() -> None:
    keys = KeyRing(bytes.fromhex(TEST_SECRET))
    mine, theirs = keys.pseudonym(CHAT), keys.pseudonym(CHAT + 1)
    box = keys.seal(CHAT, mine)
    assert keys.unseal(box, mine) == CHAT
    assert str(CHAT).encode() not in box
    assert keys.seal(CHAT, mine) != box, "a fresh nonce each time"
    with pytest.raises(InvalidTag):
        keys.unseal(box, theirs)
    with pytest.raises(InvalidTag):
        KeyRing(bytes.fromhex("01" * 32)).unseal(box, mine)


async def test_erase_removes_every_user_key_row(services: Services) -> None:
    users, db = services.users, services.db
    key, other = services.keys.pseudonym(CHAT), services.keys.pseudonym(CHAT + 1)
    now = services.clock.now()
    await db.execute("CREATE TABLE test_extra (user_key TEXT NOT NULL, note TEXT)")
    for k in (key, other):
        await users.save(k, "nl", {"flow": "menu"}, now)
        await db.execute("INSERT INTO test_extra(user_key, note) VALUES (?, 'x')", (k,))
    await users.remember_chat(key, CHAT)
    assert await users.chat_id(key) == CHAT

    removed = await users.erase(key)
    assert removed == 2
    assert await users.get(key) is None
    for table in await db.tables_with_column("user_key"):
        row = await db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE user_key = ?", (key,))
        assert row is not None and row[0] == 0, table
    assert await users.get(other) is not None, "only that pseudonym is erased"


async def test_purge_after_ninety_days(services: Services, clock: FixedClock) -> None:
    users = services.users
    old, fresh = services.keys.pseudonym(1), services.keys.pseudonym(2)
    await users.save(old, "nl", {}, clock.now())
    clock.advance(timedelta(days=60))
    await users.save(fresh, "en", {}, clock.now())
    clock.advance(timedelta(days=29))
    assert await users.purge_expired(clock.now()) == 0
    clock.advance(timedelta(days=1, seconds=1))
    assert await users.purge_expired(clock.now()) == 1
    assert await users.get(old) is None and await users.get(fresh) is not None


async def test_state_and_language_round_trip(services: Services) -> None:
    users, key = services.users, services.keys.pseudonym(CHAT)
    state = {"flow": "which", "step": "q", "data": {"answers": {"who": "self"}}}
    await users.save(key, "en", state, services.clock.now())
    row = await users.get(key)
    assert row is not None and row.lang == "en" and row.state == state and not row.has_chat


def test_key_file_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.db"
    keys = load_keyring(db)
    path = key_file_for(db)
    assert path == tmp_path / "data" / "bot.db.key" and path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_keyring(db).pseudonym(CHAT) == keys.pseudonym(CHAT), "the same key is read back"


def test_secret_from_the_settings(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    keys = load_keyring(db, secret=TEST_SECRET)
    assert keys.pseudonym(CHAT) == KeyRing(bytes.fromhex(TEST_SECRET)).pseudonym(CHAT)
    assert not key_file_for(db).exists()


async def test_remember_chat_on_a_first_contact_creates_the_row(services) -> None:
    """A sealed chat id can be kept before the engine has saved the row for the first time."""
    users = UserStore(services.db, services.keys)
    key = services.keys.pseudonym(5150)
    await users.remember_chat(key, 5150, services.clock.now())
    assert await users.chat_id(key) == 5150
    row = await users.get(key)
    assert row is not None and row.has_chat


async def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    async with Database(tmp_path / "fresh.db") as db:
        await db.execute("CREATE TABLE IF NOT EXISTS probe (x)")
        for suffix in ("", "-wal"):
            mode = stat.S_IMODE(os.stat(str(tmp_path / "fresh.db") + suffix).st_mode)
            assert mode & 0o077 == 0, (suffix, oct(mode))


def file_bytes(path: str) -> bytes:
    """A file's bytes, for scanning."""
    return Path(path).read_bytes()


async def test_an_erase_leaves_the_wal_once_another_process_lets_go_of_its_snapshot(
    services: Services,
) -> None:
    """A reader in another process keeps old WAL frames: the checkpoint gives up quickly and is retried."""
    import sqlite3
    import time

    users = UserStore(services.db, services.keys)
    key = services.keys.pseudonym(5151)
    await services.db.checkpoint()  # a clean WAL to start from
    await users.save(key, "nl", {"flow": "near"}, services.clock.now())
    wal = str(services.db.path) + "-wal"
    assert key.encode() in file_bytes(wal)
    reader = sqlite3.connect(services.db.path, isolation_level=None)  # another process's connection
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 1  # holds a read snapshot
        started = time.monotonic()
        await users.erase(key)
        assert time.monotonic() - started < 2, "the erase does not wait out the 10 s busy timeout"
        assert services.db.wal_pending and key.encode() in file_bytes(wal)
        assert not await services.db.retry_checkpoint(), "still held"
        reader.execute("COMMIT")
    finally:
        reader.close()
    assert await services.db.retry_checkpoint() and not services.db.wal_pending
    for suffix in ("", "-wal"):
        data = file_bytes(str(services.db.path) + suffix)
        assert key.encode() not in data, suffix
