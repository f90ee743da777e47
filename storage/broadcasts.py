"""Broadcasts and their outbox: one row per recipient written in one transaction, claimed atomically.

Claims are leases: a row claimed by a process that died becomes claimable again once its lease runs out,
so a crash resumes where it stopped (a message sent but not yet settled at the crash point may go twice).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.db import Database, Tx, in_chunks, parse_utc, utc_text
from storage.trials import OPEN_SQL

DEFAULT_LEASE = timedelta(seconds=60)  # the default of EERSTESTAP_OUTBOX_LEASE
MAX_ATTEMPTS = 12  # with backoff(): about 25 minutes of network faults before a row is 'failed'
OUTCOMES = ("sent", "blocked", "failed", "retry")


def backoff(attempts: int) -> timedelta:
    """Wait before retrying after a network error: 2, 4, 8 ... seconds, at most 5 minutes."""
    return timedelta(seconds=min(300, 2 ** max(1, attempts)))


@dataclass(frozen=True, slots=True)
class Audience:
    """Who gets a broadcast: a meeting's followers and trial participants, or a fellowship in a region."""

    meeting_id: int | None = None
    program: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Broadcast:
    """A stored broadcast and its counters."""

    id: int
    meeting_id: int | None
    program: str | None
    region: str | None
    kind: str
    params: dict[str, Any]
    text: str | None
    created_by: int | None
    created_at: str
    status: str
    total: int
    skipped: int
    sent: int
    blocked: int
    failed: int

    @property
    def pending(self) -> int:
        """Rows not settled yet."""
        return max(0, self.total - self.sent - self.blocked - self.failed)


@dataclass(frozen=True, slots=True)
class Claimed:
    """One outbox row claimed for sending, with the recipient's language."""

    outbox_id: int
    broadcast_id: int
    user_key: str
    attempts: int
    lang: str = "nl"


_BCOLS = (
    "id, meeting_id, program, region, kind, params, text, created_by, created_at, status, "
    "total, skipped, sent, blocked, failed"
)


def _broadcast(row: Any) -> Broadcast:
    r = list(row)
    r[5] = json.loads(r[5] or "{}")
    return Broadcast(*r)


async def _recipients_sql(tx: Tx, audience: Audience) -> tuple[str, list[Any]]:
    """A query of distinct recipient pseudonyms (with or without a sealed chat id)."""
    if audience.meeting_id is not None:
        # Followers, and everyone whose trial with this meeting is still open.
        return (
            "SELECT user_key FROM follows WHERE meeting_id = ? UNION SELECT user_key FROM trials "
            f"WHERE meeting_id = ? AND status IN {OPEN_SQL}",
            [audience.meeting_id, audience.meeting_id],
        )
    if audience.program and audience.region:
        return (
            "SELECT DISTINCT f.user_key FROM follows f JOIN meetings m ON m.id = f.meeting_id "
            "WHERE m.program = ? AND (lower(m.region) = lower(?) OR lower(m.city) = lower(?))",
            [audience.program, audience.region, audience.region],
        )
    raise ValueError("an audience needs a meeting, or a fellowship and a region")


async def count_recipients(db: Database, audience: Audience) -> tuple[int, int]:
    """How many would receive a broadcast now, and how many of them cannot be reached (no chat id)."""
    async with db.tx(immediate=False) as tx:
        sql, params = await _recipients_sql(tx, audience)
        row = await tx.fetchone(
            f"SELECT COUNT(*), SUM(u.chat_box IS NULL OR u.user_key IS NULL) FROM ({sql}) r "
            "LEFT JOIN users u ON u.user_key = r.user_key",
            params,
        )
    return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)


async def region_known(db: Database, program: str, region: str) -> bool:
    """Whether any meeting of a fellowship lies in this region (province) or town."""
    row = await db.fetchone(
        "SELECT 1 FROM meetings WHERE program = ? AND (lower(region) = lower(?) OR lower(city) = lower(?)) "
        "LIMIT 1",
        (program, region, region),
    )
    return row is not None


async def create_broadcast(
    tx: Tx,
    now: datetime,
    audience: Audience,
    kind: str,
    *,
    params: dict[str, Any] | None = None,
    text: str | None = None,
    created_by: int | None = None,
) -> Broadcast:
    """The broadcast row and one outbox row per reachable recipient, inside the caller's transaction."""
    bid = await tx.insert(
        "INSERT INTO broadcasts(meeting_id, program, region, kind, params, text, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            audience.meeting_id,
            audience.program,
            audience.region,
            kind,
            json.dumps(params or {}, ensure_ascii=False),
            text,
            created_by,
            utc_text(now),
        ),
    )
    sql, sql_params = await _recipients_sql(tx, audience)
    queued = await tx.execute(
        "INSERT OR IGNORE INTO outbox(broadcast_id, user_key, next_attempt_at) "
        f"SELECT ?, r.user_key, ? FROM ({sql}) r JOIN users u ON u.user_key = r.user_key "
        "WHERE u.chat_box IS NOT NULL",
        (bid, utc_text(now), *sql_params),
    )
    row = await tx.fetchone(f"SELECT COUNT(*) FROM ({sql})", sql_params)
    everyone = int(row[0]) if row else queued
    await tx.execute(
        "UPDATE broadcasts SET total = ?, skipped = ? WHERE id = ?", (queued, everyone - queued, bid)
    )
    got = await tx.fetchone(f"SELECT {_BCOLS} FROM broadcasts WHERE id = ?", (bid,))
    return _broadcast(got)


async def get_broadcast(db: Database, broadcast_id: int) -> Broadcast | None:
    """A broadcast with its counters."""
    row = await db.fetchone(f"SELECT {_BCOLS} FROM broadcasts WHERE id = ?", (broadcast_id,))
    return _broadcast(row) if row else None


async def get_broadcasts(db: Database, ids: list[int]) -> dict[int, Broadcast]:
    """Several broadcasts by id."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(f"SELECT {_BCOLS} FROM broadcasts WHERE id IN ({marks})", ids)
    return {r[0]: _broadcast(r) for r in rows}


async def recent_broadcasts(db: Database, limit: int = 5) -> list[Broadcast]:
    """The newest broadcasts, for the progress screen."""
    rows = await db.fetchall(f"SELECT {_BCOLS} FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,))
    return [_broadcast(r) for r in rows]


async def claim(
    db: Database,
    now: datetime,
    *,
    limit: int = 100,
    user_key: str | None = None,
    lease: timedelta = DEFAULT_LEASE,
) -> list[Claimed]:
    """Atomically claim due rows (pending and due, or claimed with an expired lease) for one sender."""
    until = utc_text(now + lease)
    at = utc_text(now)
    only = " AND user_key = ?" if user_key else ""
    extra = [user_key] if user_key else []
    async with db.tx() as tx:  # BEGIN IMMEDIATE: no other process claims in between
        rows = await tx.fetchall(
            "UPDATE outbox SET status = 'claimed', attempts = attempts + 1, lease_until = ? WHERE id IN ("
            f"SELECT id FROM (SELECT id FROM outbox WHERE status = 'claimed' "
            f"AND lease_until <= ?{only} LIMIT ?) "
            f"UNION ALL SELECT id FROM (SELECT id FROM outbox WHERE status = 'pending' "
            f"AND next_attempt_at <= ?{only} LIMIT ?) LIMIT ?) "
            "RETURNING id, broadcast_id, user_key, attempts",
            (until, at, *extra, limit, at, *extra, limit, limit),
        )
        langs: dict[str, str] = {}
        keys = sorted({r[2] for r in rows})
        for chunk, marks in in_chunks(keys):
            got = await tx.fetchall(f"SELECT user_key, lang FROM users WHERE user_key IN ({marks})", chunk)
            langs.update({g[0]: g[1] for g in got})
    claimed = (Claimed(r[0], r[1], r[2], r[3], langs.get(r[2], "nl")) for r in rows)
    return sorted(claimed, key=lambda c: c.outbox_id)


async def settle(
    db: Database,
    outbox_id: int,
    broadcast_id: int,
    outcome: str,
    now: datetime,
    *,
    retry_at: datetime | None = None,
) -> str:
    """Record a send: sent / blocked / failed are final; retry reschedules (failed after MAX_ATTEMPTS).

    One statement; a trigger counts final outcomes on the broadcast. Returns the status the row ended in
    ('' if it was already settled or erased).
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    # One statement is atomic on its own (autocommit): no BEGIN/COMMIT round trips per message.
    rows = await db.fetchall(
        "UPDATE outbox SET "
        "status = CASE WHEN :outcome != 'retry' THEN :outcome WHEN attempts >= :max THEN 'failed' "
        "ELSE 'pending' END, "
        "next_attempt_at = CASE WHEN :outcome = 'retry' THEN coalesce(:retry_at, :now) "
        "ELSE next_attempt_at END, "
        "lease_until = NULL, sent_at = CASE WHEN :outcome = 'sent' THEN :now END "
        "WHERE id = :id AND status IN ('claimed', 'pending') RETURNING status, attempts",
        {
            "outcome": outcome,
            "max": MAX_ATTEMPTS,
            "retry_at": utc_text(retry_at) if retry_at else None,
            "now": utc_text(now),
            "id": outbox_id,
        },
    )
    if not rows:
        return ""
    status, attempts = rows[0][0], int(rows[0][1])
    if status == "pending" and retry_at is None:  # a network error without a time: back off
        await db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending'",
            (utc_text(now + backoff(attempts)), outbox_id),
        )
    return str(status)


async def next_due_at(db: Database) -> datetime | None:
    """When the next outbox row becomes claimable (or a finished broadcast awaits its summary)."""
    row = await db.fetchone(
        "SELECT min(t) FROM ("
        "SELECT min(next_attempt_at) AS t FROM outbox WHERE status = 'pending' "
        "UNION ALL SELECT min(lease_until) FROM outbox WHERE status = 'claimed' "
        "UNION ALL SELECT min(b.created_at) FROM broadcasts b WHERE b.status = 'sending' AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.broadcast_id = b.id AND o.status IN ('pending', 'claimed')))"
    )
    return parse_utc(row[0]) if row and row[0] else None


async def finish_ready(
    db: Database, now: datetime, *, creator_key: str | None = None
) -> list[tuple[Broadcast, str]]:
    """Mark broadcasts with nothing left to send as done; return each with its creator's pseudonym.

    With creator_key, only broadcasts made by that pseudonym are finished (the terminal chat's own).
    """
    only = " AND w.user_key = ?" if creator_key else ""
    async with db.tx() as tx:
        rows = await tx.fetchall(
            "SELECT b.id, w.user_key FROM broadcasts b LEFT JOIN support_workers w ON w.id = b.created_by "
            "WHERE b.status = 'sending' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.broadcast_id = b.id "
            f"AND o.status IN ('pending', 'claimed')){only}",
            [creator_key] if creator_key else [],
        )
        out = []
        for r in rows:
            await tx.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ? AND status = 'sending'",
                (utc_text(now), r[0]),
            )
            got = await tx.fetchone(f"SELECT {_BCOLS} FROM broadcasts WHERE id = ?", (r[0],))
            out.append((_broadcast(got), r[1] or ""))
    return out
