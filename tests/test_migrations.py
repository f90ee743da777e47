"""Migrations: unique numbers, old databases upgrade without running a step twice or skipping one, and one
timestamp format (UTC '...Z') in the whole database."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from storage.db import MIGRATIONS_DIR, RENAMED, Database, migration_files, parse_utc, utc_text
from storage.keys import KeyRing
from storage.trials import OPEN_SQL
from storage.users import UserStore
from tests.conftest import TEST_SECRET

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_migration_numbers_are_unique() -> None:
    numbers = [p.name.split("_", 1)[0] for p in MIGRATIONS_DIR.glob("*.sql")]
    assert len(numbers) == len(set(numbers)), sorted(numbers)
    assert all(re.fullmatch(r"\d{4}", n) for n in numbers)
    assert [p.stem for p in migration_files()] == sorted(p.stem for p in MIGRATIONS_DIR.glob("*.sql"))
    stems = {p.stem for p in MIGRATIONS_DIR.glob("*.sql")}
    assert set(RENAMED.values()) <= stems and not set(RENAMED) & stems


def old_database(path: Path, *, skip: tuple[str, ...] = ()) -> None:
    """A database as the code before the renumbering left it: files under their old names, in that order."""
    old_names = {"0010_trial_purge": "0003_trial_purge"}  # the renumbering this test covers
    scripts = {old_names.get(p.stem, p.stem): p for p in migration_files() if p.stem != "0019_utc_timestamps"}
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name in sorted(scripts):
        if name in skip:
            continue
        conn.executescript(scripts[name].read_text(encoding="utf-8"))
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, "2026-03-01T09:00:00+00:00"))
    # Rows as the old code wrote them: '+00:00', a local offset, and the '...Z' of the trial tables.
    conn.execute(
        "INSERT INTO users(user_key, updated_at, expires_at) VALUES "
        "('a', '2026-03-23T10:00:00+00:00', '2026-06-21T10:00:00+00:00'), "
        "('b', '2026-03-29T03:30:00+02:00', '2026-06-27T03:30:00+02:00')"
    )
    conn.execute("INSERT INTO group_notices VALUES ('g', '2026-03-23T11:00:00+01:00')")
    conn.execute(
        "INSERT INTO broadcasts(id, kind, created_at, status) "
        "VALUES (1, 'text', '2026-03-23T10:00:00+00:00', 'sending')"
    )
    conn.execute(
        "INSERT INTO outbox(broadcast_id, user_key, next_attempt_at) "
        "VALUES (1, 'a', '2026-03-23T10:00:05+00:00')"
    )
    conn.commit()
    conn.close()


async def test_an_old_database_upgrades_once_without_rerunning_the_renumbered_step(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_database(path)
    db = Database(path)
    await db.open()  # a re-run of ALTER TABLE ... ADD COLUMN last_purge would fail here
    try:
        names = {r[0] for r in await db.fetchall("SELECT name FROM schema_migrations")}
        assert names == {p.stem for p in migration_files()}
        assert "0003_trial_purge" not in names
        assert await db.migrate() == [], "nothing runs twice"
        users = {
            r[0]: (r[1], r[2])
            for r in await db.fetchall("SELECT user_key, updated_at, expires_at FROM users")
        }
        assert users == {
            "a": ("2026-03-23T10:00:00Z", "2026-06-21T10:00:00Z"),
            "b": ("2026-03-29T01:30:00Z", "2026-06-27T01:30:00Z"),
        }
        stamps = [
            *(await db.fetchone("SELECT noticed_at FROM group_notices") or ()),
            *(await db.fetchone("SELECT created_at FROM broadcasts") or ()),
            *(await db.fetchone("SELECT next_attempt_at FROM outbox") or ()),
            *[r[0] for r in await db.fetchall("SELECT applied_at FROM schema_migrations")],
        ]
        assert stamps[:3] == ["2026-03-23T10:00:00Z", "2026-03-23T10:00:00Z", "2026-03-23T10:00:05Z"]
        assert all(STAMP.match(s) for s in stamps), stamps
    finally:
        await db.close()


async def test_an_old_database_without_the_purge_column_gets_it(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    old_database(path, skip=("0003_trial_purge",))
    async with Database(path) as db:
        cols = {r[1] for r in await db.fetchall("PRAGMA table_info('trial_sync')")}
        assert "last_purge" in cols
        names = {r[0] for r in await db.fetchall("SELECT name FROM schema_migrations")}
        assert names == {p.stem for p in migration_files()}


def test_one_timestamp_format() -> None:
    local = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))  # just after the DST change
    assert utc_text(local) == "2026-03-29T01:30:00Z"
    assert parse_utc(utc_text(local)) == local and parse_utc("2026-03-29T01:30:00Z").tzinfo is UTC


async def test_expiry_compares_as_time_whatever_the_clock_zone(tmp_path: Path) -> None:
    """A row saved with a local-time clock expires on time (the old '+01:00' text compared wrongly)."""
    async with Database(tmp_path / "u.db") as db:
        users = UserStore(db, KeyRing(bytes.fromhex(TEST_SECRET)), retention=timedelta(days=1))
        saved = datetime(2026, 1, 10, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
        await users.save("k", "nl", {}, saved)
        just_after = (saved + timedelta(days=1, minutes=30)).astimezone(UTC)
        assert await users.purge_expired(just_after - timedelta(hours=1)) == 0
        assert await users.purge_expired(just_after) == 1
        assert await users.get("k") is None


async def test_open_trial_statuses_are_one_list_that_uses_the_partial_index(tmp_path: Path) -> None:
    async with Database(tmp_path / "t.db") as db:
        row = await db.fetchone("SELECT sql FROM sqlite_master WHERE name = 'trials_one_open'")
        assert row is not None and row[0].endswith(f"WHERE status IN {OPEN_SQL}")
        plan = await db.fetchall(
            f"EXPLAIN QUERY PLAN SELECT id FROM trials WHERE user_key = ? AND status IN {OPEN_SQL}", ("k",)
        )
        assert any("trials_one_open" in str(r[3]) for r in plan), [tuple(r) for r in plan]
