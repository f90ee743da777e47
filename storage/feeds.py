"""What each feed source last answered (for conditional requests and reports), and the re-time queue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Tx, in_chunks, utc_text

STATUSES = ("unchanged", "updated", "held", "failed")
_COLS = "name, etag, last_modified, body_digest, status, detail, checked_at, changed_at"


@dataclass(frozen=True, slots=True)
class FeedState:
    """The last sync of one source."""

    name: str
    etag: str | None
    last_modified: str | None
    body_digest: str | None
    status: str
    detail: str | None
    checked_at: str
    changed_at: str | None


PROBLEMS = ("empty", "deactivate", "reject", "unreadable", "too_large", "http", "timeout", "error")


def problem(code: str, *args: object) -> str:
    """A sync problem as stored in `detail`: a code and numbers such as 'deactivate:60:100', no text."""
    if code not in PROBLEMS:
        raise ValueError(f"unknown sync problem {code!r}")
    return ":".join([code, *map(str, args)])


def read_problem(detail: str | None) -> tuple[str, list[str]]:
    """A stored problem as (code, arguments); anything else (older free text) reads as 'error'."""
    code, *args = (detail or "error").split(":")
    return (code, args) if code in PROBLEMS else ("error", [])


async def feed_state(db: Database, name: str) -> FeedState | None:
    """The last sync of a source, or None if it never ran."""
    row = await db.fetchone(f"SELECT {_COLS} FROM feed_state WHERE name = ?", (name,))
    return FeedState(*row) if row else None


async def feed_states(db: Database) -> list[FeedState]:
    """Every source's last sync, by name."""
    rows = await db.fetchall(f"SELECT {_COLS} FROM feed_state ORDER BY name")
    return [FeedState(*r) for r in rows]


async def record_sync(
    db: Database | Tx, name: str, status: str, now: datetime, *, detail: str | None = None,
    etag: str | None = None, last_modified: str | None = None, body_digest: str | None = None,
    validators: bool = False,
) -> None:  # fmt: skip
    """Store a sync's outcome; validators and digest change only when `validators` (a version was applied)."""
    if status not in STATUSES:
        raise ValueError(f"unknown sync status {status!r}")
    stamp = utc_text(now)
    changed = stamp if status == "updated" else None
    await db.execute(
        f"INSERT INTO feed_state({_COLS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET status = excluded.status, "
        "detail = excluded.detail, checked_at = excluded.checked_at, "
        "changed_at = coalesce(excluded.changed_at, feed_state.changed_at), "
        "etag = CASE WHEN ? THEN excluded.etag ELSE feed_state.etag END, "
        "last_modified = CASE WHEN ? THEN excluded.last_modified ELSE feed_state.last_modified END, "
        "body_digest = CASE WHEN ? THEN excluded.body_digest ELSE feed_state.body_digest END",
        (name, etag, last_modified, body_digest, status, detail, stamp, changed, *[int(validators)] * 3),
    )


async def active_slugs(db: Database, source: str) -> set[str]:
    """The slugs of a source's meetings that are shown now."""
    rows = await db.fetchall(
        "SELECT slug FROM meetings WHERE source = ? AND attendance != 'inactive'", (source,)
    )
    return {r[0] for r in rows}


async def queue_retime(tx: Tx, meeting_ids: Iterable[int]) -> None:
    """Mark meetings whose reminders must be re-timed (inside the import's transaction)."""
    await tx.executemany(
        "INSERT OR IGNORE INTO retime_queue(meeting_id) VALUES (?)", [(i,) for i in meeting_ids]
    )


async def pending_retime(db: Database) -> list[int]:
    """Meetings still waiting to have their reminders re-timed."""
    return [r[0] for r in await db.fetchall("SELECT meeting_id FROM retime_queue ORDER BY meeting_id")]


async def retimed(db: Database, meeting_ids: list[int]) -> None:
    """Forget meetings whose reminders have been re-timed."""
    async with db.tx() as tx:
        for chunk, marks in in_chunks(meeting_ids):
            await tx.execute(f"DELETE FROM retime_queue WHERE meeting_id IN ({marks})", chunk)
