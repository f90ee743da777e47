"""What the public website may show: active, real meetings of sources that are not held."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from storage.changes import date_changes
from storage.db import Database
from storage.meeting import SELECT_MEETINGS, Meeting, from_row
from storage.occurrences import DateChange


async def published_meetings(db: Database, *, exclude_sources: Collection[str] = ()) -> list[Meeting]:
    """Active, non-demo meetings, leaving out sources whose last sync the safety valve held (their
    listing may be about to change a lot) and any sources given."""
    rows = await db.fetchall(
        f"{SELECT_MEETINGS} WHERE attendance != 'inactive' AND is_demo = 0 "
        "AND source NOT IN (SELECT name FROM feed_state WHERE status = 'held') "
        "ORDER BY weekday, start_time, name, id"
    )
    skip = set(exclude_sources)
    return [m for m in map(from_row, rows) if m.source not in skip]


async def published_changes(
    db: Database, meetings: Collection[Meeting], first: date, last: date
) -> dict[tuple[int, date], DateChange]:
    """One-off cancellations and moves of these meetings between two dates."""
    return await date_changes(db, [m.id for m in meetings if m.id is not None], first, last)
