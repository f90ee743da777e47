"""The SQLite database: connection, pragmas, versioned migrations and transactions."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

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
    u = dt if dt.tzinfo is UTC else dt.astimezone(UTC)
    if u.year < 1000:  # (strftime does not pad such years on every platform: keep its text)
        return u.strftime(UTC_FORMAT)
    fields = (u.year, u.month, u.day, u.hour, u.minute, u.second)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % fields  # noqa: UP031 (half the time of an f-string here)


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


LOOP_BUSY_MS = 50  # how long a statement on the event-loop thread may wait for another process's lock
CONTENDED_SECONDS = 1.0  # after a busy answer, writes go straight to the worker thread for this long
CHECKPOINT_EVERY = 100  # commits on the loop connection between two background WAL checkpoints
LOOP_PRAGMAS = (
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
    "PRAGMA wal_autocheckpoint=0",  # checkpoints (and their fsync) run on a thread, never on the loop
)
Params = Sequence[Any] | dict[str, Any]
K = TypeVar("K")
V = TypeVar("V")


def is_busy(exc: BaseException) -> bool:
    """Whether an error is SQLite's 'database is locked' (SQLITE_BUSY and its extended codes)."""
    code = getattr(exc, "sqlite_errorcode", None)
    busy = code is not None and code & 0xFF == sqlite3.SQLITE_BUSY
    return isinstance(exc, sqlite3.OperationalError) and busy


class Tx:
    """Statements inside one transaction (the database lock is held), on the connection it began on."""

    def __init__(self, conn: aiosqlite.Connection | sqlite3.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of changed rows."""
        if isinstance(self.conn, sqlite3.Connection):
            return self.conn.execute(sql, params).rowcount
        cur = await self.conn.execute(sql, params)
        count = cur.rowcount
        await cur.close()
        return count

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new rowid."""
        if isinstance(self.conn, sqlite3.Connection):
            return self.conn.execute(sql, params).lastrowid or 0
        cur = await self.conn.execute(sql, params)
        rowid = cur.lastrowid or 0
        await cur.close()
        return rowid

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> None:
        """Run one statement for many rows."""
        if isinstance(self.conn, sqlite3.Connection):
            self.conn.executemany(sql, rows)
        else:
            await self.conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """All rows of a query."""
        if isinstance(self.conn, sqlite3.Connection):
            return self.conn.execute(sql, params).fetchall()
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """The first row of a query, or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None


class RowCache(Generic[K, V]):
    """A small bounded cache of rows this process read or wrote (least recently used goes first).

    The database empties it whenever it cannot vouch for it: a rollback, or a commit by any other
    connection (another process, or this process's worker thread), seen through PRAGMA data_version.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.versioned = False
        self._rows: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._rows.get(key)
        if value is not None:
            self._rows.move_to_end(key)
        return value

    def get_many(self, keys: Iterable[K]) -> list[V | None]:
        """The values of several keys at once (None where missing), each counted as used."""
        rows, used = self._rows, self._rows.move_to_end
        out: list[V | None] = []
        for key in keys:
            value = rows.get(key)
            if value is not None:
                used(key)
            out.append(value)
        return out

    def put(self, key: K, value: V) -> None:
        self._rows[key] = value
        self._rows.move_to_end(key)
        while len(self._rows) > self.size:
            self._rows.popitem(last=False)

    def discard(self, key: K) -> None:
        self._rows.pop(key, None)

    def clear(self) -> None:
        self._rows.clear()

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows


class Database:
    """Two connections to one SQLite file, and a lock so transactions never interleave.

    Short statements run on a plain sqlite3 connection right on the event-loop thread (a hop to a
    worker thread costs ten times the statement). It waits at most `loop_busy_ms` for another process's
    lock; when that runs out the statement (or the whole transaction) goes to the aiosqlite worker
    thread instead, which waits as long as it must without holding up the loop. Long work (imports,
    purges: `transaction(worker=True)`) runs on the worker from the start. Reads outside a transaction
    see the last commit and need no lock, unless another task has a transaction open on the loop
    connection.
    """

    def __init__(self, path: str | Path, *, loop_busy_ms: int = LOOP_BUSY_MS) -> None:
        self.path = Path(path)
        self.loop_busy_ms = loop_busy_ms
        self._conn: aiosqlite.Connection | None = None
        self._sync: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None  # the task inside `transaction()`, if any
        self._tx: Tx | None = None  # that transaction's statements
        self._contended_until = 0.0  # monotonic time until which writes skip the loop connection
        self._loop_commits = 0
        self._checkpointer: sqlite3.Connection | None = None
        self._checkpointing: asyncio.Task[None] | None = None
        self._caches: dict[str, RowCache[Any, Any]] = {}
        self._version = -1
        self._checkpoint_after = False  # an erase inside a transaction: fold the WAL after its commit
        self.fallbacks = 0  # statements and transactions that went to the worker after a busy answer
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
        sync = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, cached_statements=512
        )
        sync.row_factory = sqlite3.Row
        for pragma in (*LOOP_PRAGMAS, f"PRAGMA busy_timeout={int(self.loop_busy_ms)}"):
            sync.execute(pragma)
        self._sync = sync
        return self

    async def close(self) -> None:
        """Checkpoint the WAL and close."""
        if self._checkpointing is not None:
            await asyncio.wait({self._checkpointing})
            self._checkpointing = None
        for conn in (self._sync, self._checkpointer):
            if conn is not None:
                conn.close()
        self._sync = self._checkpointer = None
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
        """The worker-thread connection (long work)."""
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @property
    def loop_conn(self) -> sqlite3.Connection:
        """The connection used right on the event-loop thread (short statements)."""
        if self._sync is None:
            raise RuntimeError("database is not open")
        return self._sync

    # ---- caches -------------------------------------------------------------------------------------

    def cache(self, name: str, size: int = 10_000, *, versioned: bool = False) -> RowCache[Any, Any]:
        """A bounded row cache of this database, emptied on a rollback and whenever another connection
        committed; `versioned` caches (whose users check a version column) only on a rollback."""
        cache = self._caches.get(name)
        if cache is None:
            cache = self._caches[name] = RowCache(size)
            cache.versioned = versioned
        if not (self._held() and self._tx is not None and self._tx.conn is self._sync):
            self._check_version()  # (a write transaction on the loop: nobody else committed since BEGIN)
        return cache

    def _check_version(self) -> None:
        """Empty the unversioned caches if another connection committed since the last look."""
        if self._sync is not None:
            version = self._sync.execute("PRAGMA data_version").fetchall()[0][0]
            if version != self._version:
                self._version = version
                self._forget_caches(unversioned=True)

    def _forget_caches(self, *, unversioned: bool = False) -> None:
        for cache in self._caches.values():
            if not (unversioned and cache.versioned):
                cache.clear()

    # ---- routing ------------------------------------------------------------------------------------

    def idle(self) -> bool:
        """Whether a transaction begun now would start at once on the loop connection: no task holds
        one, and no other process's lock answered busy lately (see `transaction`)."""
        return not self._lock.locked() and self._loop_writes()

    def _held(self) -> bool:
        """Whether the running task is inside this database's `transaction()`."""
        return self._holder is not None and self._holder is asyncio.current_task()

    def _loop_free(self) -> bool:
        """Whether the loop connection is outside any transaction (another task's would be joined)."""
        return self._sync is not None and not self._sync.in_transaction

    def _loop_writes(self) -> bool:
        """Whether a write may try the loop connection (no busy answer from it lately)."""
        return self._sync is not None and time.monotonic() >= self._contended_until

    def _contended(self) -> None:
        self.fallbacks += 1
        self._contended_until = time.monotonic() + CONTENDED_SECONDS

    def _committed_on_loop(self) -> None:
        """Count a commit on the loop connection; now and then fold the WAL back on a thread."""
        self._loop_commits += 1
        if self._loop_commits % CHECKPOINT_EVERY == 0 and self._checkpointing is None:
            self._checkpointing = asyncio.get_running_loop().create_task(self._background_checkpoint())

    async def _background_checkpoint(self) -> None:
        try:
            await asyncio.to_thread(self._passive_checkpoint)
        except Exception as exc:  # a checkpoint that could not run now runs next time
            log.info("background checkpoint skipped (%s)", type(exc).__name__)
        finally:
            self._checkpointing = None

    def _passive_checkpoint(self) -> None:
        if self._checkpointer is None:
            self._checkpointer = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    async def _read(self, sql: str, params: Params) -> list[aiosqlite.Row]:
        """A read outside any transaction of this task: on the loop unless that would wait."""
        rows = self._loop_read(sql, params)
        if rows is not None:
            return rows
        async with self._lock:  # another task's transaction is open on the loop connection, or busy
            rows = self._loop_read(sql, params)
            return rows if rows is not None else list(await self.conn.execute_fetchall(sql, params))

    def _loop_read(self, sql: str, params: Params) -> list[aiosqlite.Row] | None:
        """The rows, read on the loop connection; None when it is in use or another process is busy."""
        if not self._loop_free():
            return None
        try:
            return self.loop_conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            self.fallbacks += 1
            return None

    # ---- transactions and statements --------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self, immediate: bool = True, *, worker: bool = False) -> AsyncIterator[Database]:
        """One transaction for every statement this task runs on this database inside the block.

        `async with db.transaction():` then call store functions as usual; they all commit together, or
        roll back together on any error. Nested transactions (and `tx()`) join the outer one; other tasks
        (even ones started inside the block) wait for the lock as usual. worker=True runs it on the
        worker thread (long work: imports, purges), so the event loop keeps answering meanwhile.
        """
        if self._held():
            yield self
            return
        async with self._lock:
            self._holder = asyncio.current_task()
            begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"
            conn: aiosqlite.Connection | sqlite3.Connection | None = None
            try:
                if not worker and self._loop_writes():
                    try:
                        self.loop_conn.execute(begin)
                        conn = self.loop_conn
                        self._check_version()
                    except sqlite3.OperationalError as exc:
                        if not is_busy(exc):
                            raise
                        self._contended()
                if conn is None:
                    conn = self.conn
                    await conn.execute(begin)
                self._tx = Tx(conn)
                try:
                    yield self
                except BaseException:
                    await self._rollback(conn)
                    raise
                try:
                    await self._commit(conn)
                except BaseException:  # e.g. a full disk: never leave the transaction (and the lock) open
                    await self._rollback(conn)
                    raise
                if self._checkpoint_after:
                    await self._truncate_wal()
            finally:
                self._holder = None
                self._tx = None
                self._checkpoint_after = False

    async def _commit(self, conn: aiosqlite.Connection | sqlite3.Connection) -> None:
        if isinstance(conn, sqlite3.Connection):
            conn.execute("COMMIT")
            self._committed_on_loop()
        else:
            await conn.execute("COMMIT")

    async def _rollback(self, conn: aiosqlite.Connection | sqlite3.Connection) -> None:
        """Roll back what is still open (SQLite may have done so itself) and forget the caches."""
        self._forget_caches()
        try:
            if isinstance(conn, sqlite3.Connection):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            elif conn.in_transaction:
                await conn.execute("ROLLBACK")
        except sqlite3.Error as exc:  # the error that brought us here is the one to report
            log.error("rollback failed (%s)", type(exc).__name__)

    @asynccontextmanager
    async def tx(self, immediate: bool = True, *, worker: bool = False) -> AsyncIterator[Tx]:
        """A transaction: committed on success, rolled back on any error (joins an open `transaction()`)."""
        async with self.transaction(immediate, worker=worker):
            assert self._tx is not None
            yield self._tx

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement, committed on its own (inside `transaction()`: part of it)."""
        if self._held() and self._tx is not None:
            return await self._tx.execute(sql, params)
        async with self._lock:
            if self._loop_writes() and self._loop_free():
                try:
                    count = self.loop_conn.execute(sql, params).rowcount
                except sqlite3.OperationalError as exc:
                    if not is_busy(exc):
                        raise
                    self._contended()
                else:
                    self._committed_on_loop()
                    return count
            cur = await self.conn.execute(sql, params)
            return cur.rowcount

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """All rows of a read query."""
        if self._held() and self._tx is not None:
            return await self._tx.fetchall(sql, params)
        return await self._read(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """The first row of a read query."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def checkpoint(self) -> bool:
        """Fold the WAL into the database file and truncate it (after erasing); whether that happened.

        Another process's open read snapshot keeps older WAL frames (an erased row's too) in use: then the
        checkpoint gives up within CHECKPOINT_WAIT_MS instead of stalling every statement, `wal_pending`
        stays set, and `retry_checkpoint()` (the sender's sweep) tries again until the WAL is empty.
        Inside a transaction nothing can be folded yet: it runs right after that transaction's commit.
        """
        if self._held():
            self._checkpoint_after = self.wal_pending = True
            return False
        if self._checkpointing is not None:  # our own background PASSIVE checkpoint would hold it up
            await asyncio.wait({self._checkpointing})
        async with self._lock:
            return await self._truncate_wal()

    async def _truncate_wal(self) -> bool:
        """The checkpoint itself, on the worker connection (the statement lock is held)."""
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
