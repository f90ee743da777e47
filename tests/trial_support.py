"""Helpers for the trial tests: meeting rows and one-off date changes written straight into SQLite."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from conversations.clock import FixedClock
from conversations.context import Services
from conversations.reminders import SOURCE
from conversations.types import Outgoing
from storage.db import Database, parse_utc

_MEETING = {
    "source": "test",
    "program": "NA",
    "name": "Testgroep Utrecht",
    "weekday": 2,
    "start_time": "19:30",
    "end_time": "21:00",
    "timezone": "Europe/Amsterdam",
    "attendance": "in_person",
    "location": "Buurthuis De Linde",
    "address": "Lindelaan 1, Utrecht",
    "city": "Utrecht",
    "lat": 52.09,
    "lon": 5.12,
    "conference_url": None,
    "is_demo": 0,
}


async def add_meeting(db: Database, **fields: Any) -> int:
    """Insert a meeting (defaults: NA, Tuesday 19:30-21:00, Utrecht) and return its id."""
    row = {**_MEETING, **fields}
    row.setdefault("slug", f"m-{row['name']}-{row['weekday']}-{row['start_time']}")
    cols = ", ".join(row)
    async with db.tx() as tx:
        return await tx.insert(
            f"INSERT INTO meetings({cols}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())
        )


async def add_change(db: Database, meeting_id: int, kind: str, on_date: date, **fields: Any) -> int:
    """Write a one-off change (as a support worker would): 'cancel' or 'move' of one date."""
    row = {"meeting_id": meeting_id, "kind": kind, "on_date": on_date.isoformat(), **fields}
    row["created_at"] = "2026-01-01T00:00:00Z"
    cols = ", ".join(row)
    async with db.tx() as tx:
        return await tx.insert(
            f"INSERT INTO meeting_changes({cols}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())
        )


async def edit_meeting(db: Database, meeting_id: int, **fields: Any) -> None:
    """Change a meeting permanently and log it as an 'edit' change (as a support worker would)."""
    sets = ", ".join(f"{k} = ?" for k in fields)
    async with db.tx() as tx:
        await tx.execute(f"UPDATE meetings SET {sets} WHERE id = ?", (*fields.values(), meeting_id))
        await tx.execute(
            "INSERT INTO meeting_changes(meeting_id, kind, created_at) VALUES (?, 'edit', ?)",
            (meeting_id, "2026-01-01T00:00:00Z"),
        )


async def drain(services: Services, at: datetime) -> list[Outgoing]:
    """Move the fixed clock to `at`, claim every reminder/check-in due then and settle it as sent."""
    assert isinstance(services.clock, FixedClock)
    services.clock.set(at)
    items = await SOURCE.claim_due(services, at)
    for item in items:
        await SOURCE.settle(services, item, "sent")
    return items


@dataclass(frozen=True, slots=True)
class Queued:
    """A queued reminder or check-in as a test looks at it."""

    on_date: date
    kind: str
    status: str
    due_at: datetime


async def queued(db: Database, trial_id: int) -> list[Queued]:
    """Every queued row of a trial, by date (only tests need this view of the queue)."""
    rows = await db.fetchall(
        "SELECT on_date, kind, status, due_at FROM reminders WHERE trial_id = ? ORDER BY on_date, kind DESC",
        (trial_id,),
    )
    return [Queued(date.fromisoformat(r[0]), r[1], r[2], parse_utc(r[3])) for r in rows]
