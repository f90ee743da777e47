"""Pseudonymous user rows: language, flow state, sealed chat id, expiry; erasing and purging."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from storage.db import Database, RowCache, parse_utc, utc_text
from storage.keys import KeyRing
from storage.welcome import purge as purge_welcomes
from storage.welcome import release_user

log = logging.getLogger(__name__)
DEFAULT_RETENTION = timedelta(days=90)
USER_KEY_COLUMN = "user_key"
CACHE = "users"  # the name of the user-row cache on a Database (see user_cache)
CACHE_SIZE = 5_000  # user rows kept in memory (the most recently active people)
SAVE_SLACK = timedelta(hours=1)  # a row's expiry is written again only when it moves this much
_STATE_JSON = json.JSONEncoder(separators=(",", ":")).encode  # as json.dumps, without a new encoder each time


@dataclass(frozen=True, slots=True)
class Cached:
    """A user row as this process last read or wrote it (state as its JSON text: never shared mutably)."""

    lang: str
    state: str
    has_chat: bool
    expires_at: datetime | None  # None: not in the one timestamp format (an old row): write it again


def _expiry(text: str | None) -> datetime | None:
    try:
        return parse_utc(text) if text else None
    except ValueError:
        return None


def user_cache(db: Database) -> RowCache[str, Cached]:
    """The bounded cache of user rows of a database: erased with the user, emptied on a rollback or a
    commit by any other connection. Anything that changes the users table outside UserStore forgets
    the rows it touched here."""
    return db.cache(CACHE, CACHE_SIZE)


@dataclass(slots=True)
class UserRow:
    """What is stored about one pseudonym."""

    user_key: str
    lang: str
    state: dict[str, Any] = field(default_factory=dict)
    has_chat: bool = False


class UserStore:
    """Reads and writes the users table; erases a pseudonym from every table."""

    def __init__(self, db: Database, keys: KeyRing, retention: timedelta = DEFAULT_RETENTION) -> None:
        self.db = db
        self.keys = keys
        self.retention = retention
        self.failed = 0  # pseudonyms the last purge could not erase

    async def get(self, user_key: str) -> UserRow | None:
        """The stored row of a pseudonym, or None (from the cache when this process knows it)."""
        cache = user_cache(self.db)
        hit = cache.get(user_key)
        if hit is None:
            row = await self.db.fetchone(
                "SELECT lang, state, chat_box IS NOT NULL, expires_at FROM users WHERE user_key = ?",
                (user_key,),
            )
            if row is None:
                return None
            hit = Cached(row[0], row[1] or "{}", bool(row[2]), _expiry(row[3]))
            cache.put(user_key, hit)
        return UserRow(user_key, hit.lang, json.loads(hit.state), hit.has_chat)

    async def save(self, user_key: str, lang: str, state: dict[str, Any], now: datetime) -> None:
        """Insert or update a pseudonym's language and state, pushing its expiry forward.

        The expiry (an indexed column) is written only when it would move by more than SAVE_SLACK, so a
        row expires at most that much before `retention` after the last visit; a row whose language and
        state are unchanged is not written at all until then.
        """
        text = _STATE_JSON(state)
        expires = now + self.retention
        cache = user_cache(self.db)
        hit = cache.get(user_key)
        if hit is not None and hit.expires_at is not None and expires - hit.expires_at < SAVE_SLACK:
            if hit.lang == lang and hit.state == text:
                return
            changed = await self.db.execute(
                "UPDATE users SET lang = ?, state = ?, updated_at = ? WHERE user_key = ?",
                (lang, text, utc_text(now), user_key),
            )
            if changed:  # (none: the row went meanwhile, so it is written in full below)
                cache.put(user_key, Cached(lang, text, hit.has_chat, hit.expires_at))
                return
        await self.db.execute(
            "INSERT INTO users(user_key, lang, state, updated_at, expires_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(user_key) DO UPDATE SET lang = excluded.lang, state = excluded.state, "
            "updated_at = excluded.updated_at, expires_at = excluded.expires_at",
            (user_key, lang, text, utc_text(now), utc_text(expires)),
        )
        if hit is not None:  # a new row is read (and cached) the next time it is needed
            cache.put(user_key, Cached(lang, text, hit.has_chat, expires.replace(microsecond=0)))

    async def touch(self, user_key: str, lang: str, now: datetime) -> None:
        """Push a pseudonym's expiry forward without touching its stored language or state (new: a row)."""
        await self.db.execute(
            "INSERT INTO users(user_key, lang, state, updated_at, expires_at) VALUES (?, ?, '{}', ?, ?) "
            "ON CONFLICT(user_key) DO UPDATE SET updated_at = excluded.updated_at, "
            "expires_at = excluded.expires_at",
            (user_key, lang, utc_text(now), utc_text(now + self.retention)),
        )
        user_cache(self.db).discard(user_key)

    async def remember_chat(self, user_key: str, chat_id: int, now: datetime | None = None) -> None:
        """Keep the sealed chat id so the bot can send reminders or changes later (creates the row if new)."""
        at = now or datetime.now(UTC)
        await self.db.execute(
            "INSERT INTO users(user_key, chat_box, updated_at, expires_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_key) DO UPDATE SET chat_box = excluded.chat_box",
            (user_key, self.keys.seal(chat_id, user_key), utc_text(at), utc_text(at + self.retention)),
        )
        cache = user_cache(self.db)
        hit = cache.get(user_key)
        if hit is not None:
            cache.put(user_key, Cached(hit.lang, hit.state, True, hit.expires_at))

    async def chat_id(self, user_key: str) -> int | None:
        """Unseal the chat id of a pseudonym, if one is kept."""
        row = await self.db.fetchone("SELECT chat_box FROM users WHERE user_key = ?", (user_key,))
        if row is None or row[0] is None:
            return None
        return self.keys.unseal(bytes(row[0]), user_key)

    async def erase(
        self, user_key: str, *, flush: bool = True, now: datetime | None = None, worker: bool = False
    ) -> int:
        """Delete every row of every table carrying this pseudonym (one transaction), then flush the WAL.

        First, in the same transaction, its side of any welcome ends (the other side is told neutrally).
        worker=True runs it on the database's worker thread (purges: many in a row).
        """
        tables = await self.db.tables_with_column(USER_KEY_COLUMN)
        removed = 0
        user_cache(self.db).discard(user_key)
        self.keys.forget(user_key)
        async with self.db.tx(worker=worker) as tx:
            await release_user(tx, user_key, now or datetime.now(UTC))
            for table in tables:
                removed += await tx.execute(f"DELETE FROM {table} WHERE {USER_KEY_COLUMN} = ?", (user_key,))
            user_cache(self.db).discard(user_key)
        if flush:
            await self.db.checkpoint()
        return removed

    async def purge_expired(self, now: datetime) -> int:
        """Erase every pseudonym whose expiry has passed, each in its own transaction; return how many.

        Welcome requests whose meeting was more than a day ago go too (storage.welcome.purge).

        A pseudonym that cannot be erased is logged by error type (never its key) and skipped, so one bad
        row never stops the purge; `failed` tells how many were skipped in the last run.
        """
        rows = await self.db.fetchall("SELECT user_key FROM users WHERE expires_at <= ?", (utc_text(now),))
        erased = failed = 0
        for row in rows:
            try:
                await self.erase(row[0], flush=False, now=now, worker=True)  # many: off the loop
            except Exception as exc:
                failed += 1
                log.error("purge: could not erase one user (%s)", type(exc).__name__)
            else:
                erased += 1
        if erased:
            await self.db.checkpoint()
        _, bad = await purge_welcomes(self.db, now)  # requests (sealed nicknames) the day after the meeting
        self.failed = failed + bad
        return erased
