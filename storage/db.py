"""The SQLite database: connection, pragmas, versioned migrations and transactions."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)
T = TypeVar("T")
IN_CHUNK = 500  # values per `IN (...)` list, well under SQLite's limit on bound parameters
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # the one timestamp format in the database; sorts as time
# Migration files renamed so that every number is unique: old name -> new name. A database that applied
# the old file records the new name instead of running the file again.
RENAMED = {"0003_trial_purge": "0010_trial_purge", "0016_expiry_questions": "0017_expiry_questions"}
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
)
BUSY_TIMEOUT_MS = 10_000
CHECKPOINT_WAIT_MS = 200  # how long an erase's checkpoint waits for another process's readers


def utc_text(dt: datetime) -> str:
    """An aware datetime as the database's timestamp text: UTC 'YYYY-MM-DDTHH:MM:SSZ'."""
    return dt.astimezone(UTC).strftime(UTC_FORMAT)


def parse_utc(text: str) -> datetime:
    """The database's timestamp text back to an aware UTC datetime."""
    return datetime.strptime(text, UTC_FORMAT).replace(tzinfo=UTC)


def migration_files() -> list[Path]:
    """The migration scripts in the order they run; raises if two share a number."""
    files = sorted(MIGRATIONS_DIR.glob("*.sql"))
    numbers = [path.name.split("_", 1)[0] for path in files]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        raise RuntimeError(f"migrations share a number: {', '.join(repeated)}")
    return files


def in_chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[tuple[list[T], str]]:
    """Slices of values for an `IN (...)` list, each with its placeholders ('?,?,?')."""
    for i in range(0, len(values), size):
        chunk = list(values[i : i + size])
        yield chunk, ",".join("?" * len(chunk))


class Tx:
    """Statements inside one transaction (the database lock is held)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one statement; return the number of changed rows."""
        cur = await self.conn.execute(sql, params)
        count = cur.rowcount
        await cur.close()
        return count

    async def insert(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run an INSERT and return the new rowid."""
        cur = await self.conn.execute(sql, params)
        rowid = cur.lastrowid or 0
        await cur.close()
        return rowid

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> None:
        """Run one statement for many rows."""
        await self.conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        """All rows of a query."""
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        """The first row of a query, or None."""
        rows = list(await self.conn.execute_fetchall(sql, params))
        return rows[0] if rows else None


class Database:
    """One aiosqlite connection; every statement goes through a lock so transactions never interleave."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None  # the task inside `transaction()`, if any
        self.wal_pending = False  # an erase's checkpoint was held up by a reader: try again

    async def open(self) -> Database:
        """Connect, set pragmas and apply pending migrations."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new data directory: owner only
        if not self.path.exists():  # owner-only; SQLite gives the -wal and -shm files the same mode
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        self._conn.row_factory = aiosqlite.Row
        for pragma in (*PRAGMAS, f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"):
            await self._conn.execute(pragma)
        await self.migrate()
        return self

    async def close(self) -> None:
        """Checkpoint the WAL and close."""
        if self._conn is not None:
            try:
                await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                await self._conn.close()
                self._conn = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    def _held(self) -> bool:
        """Whether the running task is inside this database's `transaction()`."""
        return self._holder is not None and self._holder is asyncio.current_task()

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        """The statement lock, unless this task already holds it inside `transaction()`."""
        if self._held():
            yield
        else:
            async with self._lock:
                yield

    @asynccontextmanager
    async def transaction(self, immediate: bool = True) -> AsyncIterator[Database]:
        """One transaction for every statement this task runs on this database inside the block.

        `async with db.transaction():` then call store functions as usual; they all commit together, or
        roll back together on any error. Nested transactions (and `tx()`) join the outer one; other tasks
        (even ones started inside the block) wait for the lock as usual.
        """
        if self._held():
            yield self
            return
        async with self._lock:
            self._holder = asyncio.current_task()
            try:
                await self.conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
                try:
                    yield self
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                else:
                    await self.conn.execute("COMMIT")
            finally:
                self._holder = None

    @asynccontextmanager
    async def tx(self, immediate: bool = True) -> AsyncIterator[Tx]:
        """A transaction: committed on success, rolled back on any error (joins an open `transaction()`)."""
        async with self.transaction(immediate):
            yield Tx(self.conn)

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """One statement, committed on its own (autocommit: a single round trip to the database thread)."""
        async with self._locked():
            cur = await self.conn.execute(sql, params)
            return cur.rowcount

    async def fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        """All rows of a read query."""
        async with self._locked():
            return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        """The first row of a read query."""
        async with self._locked():
            rows = list(await self.conn.execute_fetchall(sql, params))
        return rows[0] if rows else None

    async def checkpoint(self) -> bool:
        """Fold the WAL into the database file and truncate it (after erasing); whether that happened.

        Another process's open read snapshot keeps older WAL frames (an erased row's too) in use: then the
        checkpoint gives up within CHECKPOINT_WAIT_MS instead of stalling every statement, `wal_pending`
        stays set, and `retry_checkpoint()` (the sender's sweep) tries again until the WAL is empty.
        """
        async with self._locked():
            await self.conn.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
            try:
                rows = list(await self.conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
            finally:
                await self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        busy = int(rows[0][0]) if rows else 1
        self.wal_pending = busy != 0
        return not self.wal_pending

    async def retry_checkpoint(self) -> bool:
        """Checkpoint again if an earlier one after an erase could not finish; whether the WAL is clean."""
        return await self.checkpoint() if self.wal_pending else True

    async def migrate(self) -> list[str]:
        """Apply every migration file not applied yet, each in its own transaction."""
        conn = self.conn
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        files = migration_files()
        for old, new in RENAMED.items():
            await conn.execute(
                "UPDATE schema_migrations SET name = ? WHERE name = ? "
                "AND NOT EXISTS (SELECT 1 FROM schema_migrations WHERE name = ?)",
                (new, old, new),
            )
        async with conn.execute("SELECT name FROM schema_migrations") as cur:
            done = {row[0] for row in await cur.fetchall()}
        applied = []
        for path in files:
            if path.stem in done:
                continue
            script = path.read_text(encoding="utf-8")
            stamp = utc_text(datetime.now(UTC))
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\n"
                f"INSERT INTO schema_migrations(name, applied_at) VALUES ('{path.stem}', '{stamp}');\nCOMMIT;"
            )
            applied.append(path.stem)
            log.info("applied migration %s", path.stem)
        return applied

    async def tables_like(self, pattern: str) -> list[str]:
        """Names of the tables matching a LIKE pattern."""
        rows = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?", (pattern,)
        )
        return [str(r[0]) for r in rows]

    async def tables_with_column(self, column: str) -> list[str]:
        """Names of the tables that have a given column (used to erase a user everywhere)."""
        rows = await self.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
        out = []
        for row in rows:
            cols = await self.fetchall(f"PRAGMA table_info('{row[0]}')")
            if any(c[1] == column for c in cols):
                out.append(row[0])
        return out
