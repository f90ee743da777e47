"""The question a week before erasure: which pseudonyms to ask, claimed durably and settled once.

A pseudonym is asked when it has something that would be lost (a follow, an open trial or a welcomer's
role), can be reached (a sealed chat id), and its expiry is at most a week away. An answer is any contact:
it moves users.expires_at, so the row kept here (about the old expiry) no longer counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database, parse_utc, utc_text
from storage.trials import OPEN_STATUSES

ASK_BEFORE = timedelta(days=7)
MAX_ATTEMPTS = 5
_OPEN = "(" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"
_ELIGIBLE = (
    "u.chat_box IS NOT NULL AND (EXISTS (SELECT 1 FROM follows f WHERE f.user_key = u.user_key) "
    f"OR EXISTS (SELECT 1 FROM trials t WHERE t.user_key = u.user_key AND t.status IN {_OPEN}) "
    # a welcomer waits for offers without writing to the bot: asked too, so the role is not lost silently
    "OR EXISTS (SELECT 1 FROM support_workers w WHERE w.user_key = u.user_key AND w.role = 'welcomer' "
    "AND w.revoked_at IS NULL))"
)


@dataclass(frozen=True, slots=True)
class Question:
    """One claimed question: whom, in which language, about which expiry."""

    user_key: str
    lang: str
    for_expiry: str
    attempts: int


def iso(dt: datetime) -> str:
    """The stored form of an instant (as users.expires_at)."""
    return utc_text(dt)


async def claim(
    db: Database, now: datetime, lease: timedelta, *, limit: int = 100, user_key: str | None = None
) -> list[Question]:
    """Claim the due questions atomically (one process gets each); a lapsed claim is claimed again."""
    mine = " AND u.user_key = ?" if user_key else ""
    params: list[object] = [iso(now + ASK_BEFORE), iso(now), iso(now)]
    async with db.tx() as tx:
        rows = await tx.fetchall(
            "SELECT u.user_key, u.lang, u.expires_at, COALESCE(q.attempts, 0) FROM users u "
            "LEFT JOIN expiry_questions q ON q.user_key = u.user_key AND q.for_expiry = u.expires_at "
            "WHERE u.expires_at <= ? AND u.expires_at > ? "
            "AND (q.user_key IS NULL OR (q.status = 'claimed' AND q.lease_until <= ?)) "
            f"AND {_ELIGIBLE}{mine} ORDER BY u.expires_at LIMIT ?",
            (*params, *([user_key] if user_key else []), limit),
        )
        out = [Question(r[0], r[1], r[2], int(r[3]) + 1) for r in rows]
        await tx.executemany(
            "INSERT INTO expiry_questions(user_key, for_expiry, status, lease_until, attempts) "
            "VALUES (?, ?, 'claimed', ?, ?) ON CONFLICT(user_key) DO UPDATE SET "
            "for_expiry = excluded.for_expiry, status = 'claimed', lease_until = excluded.lease_until, "
            "attempts = excluded.attempts",
            [(q.user_key, q.for_expiry, iso(now + lease), q.attempts) for q in out],
        )
    return out


async def settle(
    db: Database, user_key: str, for_expiry: str, status: str, retry_at: datetime | None
) -> None:
    """'sent' or 'failed' ends it for this expiry; 'claimed' with retry_at tries again then."""
    await db.execute(
        "UPDATE expiry_questions SET status = ?, lease_until = ? WHERE user_key = ? AND for_expiry = ?",
        (status, iso(retry_at) if retry_at else None, user_key, for_expiry),
    )


async def next_due_at(db: Database) -> datetime | None:
    """When the next question becomes due: a week before the earliest expiry not yet asked about."""
    row = await db.fetchone(
        "SELECT MIN(CASE WHEN q.user_key IS NULL THEN u.expires_at ELSE NULL END), "
        "MIN(CASE WHEN q.status = 'claimed' THEN q.lease_until ELSE NULL END) FROM users u "
        "LEFT JOIN expiry_questions q ON q.user_key = u.user_key AND q.for_expiry = u.expires_at "
        f"WHERE {_ELIGIBLE}"
    )
    if row is None:
        return None
    times = []
    if row[0]:
        times.append(parse_utc(row[0]) - ASK_BEFORE)
    if row[1]:
        times.append(parse_utc(row[1]))
    return min(times) if times else None
