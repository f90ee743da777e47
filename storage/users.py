"""Pseudonymous user rows: language, flow state, sealed chat id, expiry; erasing and purging."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from storage.db import Database, utc_text
from storage.keys import KeyRing
from storage.welcome import purge as purge_welcomes
from storage.welcome import release_user

log = logging.getLogger(__name__)
DEFAULT_RETENTION = timedelta(days=90)
USER_KEY_COLUMN = "user_key"


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
        """The stored row of a pseudonym, or None."""
        row = await self.db.fetchone(
            "SELECT user_key, lang, state, chat_box IS NOT NULL FROM users WHERE user_key = ?", (user_key,)
        )
        if row is None:
            return None
        return UserRow(row[0], row[1], json.loads(row[2] or "{}"), bool(row[3]))

    async def save(self, user_key: str, lang: str, state: dict[str, Any], now: datetime) -> None:
        """Insert or update a pseudonym's language and state, pushing its expiry forward."""
        await self.db.execute(
            "INSERT INTO users(user_key, lang, state, updated_at, expires_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(user_key) DO UPDATE SET lang = excluded.lang, state = excluded.state, "
            "updated_at = excluded.updated_at, expires_at = excluded.expires_at",
            (
                user_key,
                lang,
                json.dumps(state, separators=(",", ":")),
                utc_text(now),
                utc_text(now + self.retention),
            ),
        )

    async def touch(self, user_key: str, lang: str, now: datetime) -> None:
        """Push a pseudonym's expiry forward without touching its stored language or state (new: a row)."""
        await self.db.execute(
            "INSERT INTO users(user_key, lang, state, updated_at, expires_at) VALUES (?, ?, '{}', ?, ?) "
            "ON CONFLICT(user_key) DO UPDATE SET updated_at = excluded.updated_at, "
            "expires_at = excluded.expires_at",
            (user_key, lang, utc_text(now), utc_text(now + self.retention)),
        )

    async def remember_chat(self, user_key: str, chat_id: int, now: datetime | None = None) -> None:
        """Keep the sealed chat id so the bot can send reminders or changes later (creates the row if new)."""
        at = now or datetime.now(UTC)
        await self.db.execute(
            "INSERT INTO users(user_key, chat_box, updated_at, expires_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_key) DO UPDATE SET chat_box = excluded.chat_box",
            (user_key, self.keys.seal(chat_id, user_key), utc_text(at), utc_text(at + self.retention)),
        )

    async def chat_id(self, user_key: str) -> int | None:
        """Unseal the chat id of a pseudonym, if one is kept."""
        row = await self.db.fetchone("SELECT chat_box FROM users WHERE user_key = ?", (user_key,))
        if row is None or row[0] is None:
            return None
        return self.keys.unseal(bytes(row[0]), user_key)

    async def erase(self, user_key: str, *, flush: bool = True, now: datetime | None = None) -> int:
        """Delete every row of every table carrying this pseudonym (one transaction), then flush the WAL.

        First, in the same transaction, its side of any welcome ends (the other side is told neutrally).
        """
        tables = await self.db.tables_with_column(USER_KEY_COLUMN)
        removed = 0
        async with self.db.tx() as tx:
            await release_user(tx, user_key, now or datetime.now(UTC))
            for table in tables:
                removed += await tx.execute(f"DELETE FROM {table} WHERE {USER_KEY_COLUMN} = ?", (user_key,))
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
                await self.erase(row[0], flush=False, now=now)
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
