"""Reading one-off date changes (cancel, move) of meetings; support-worker code writes them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from storage.db import Database, in_chunks
from storage.occurrences import DateChange

_COLUMNS = """meeting_id, kind, on_date, new_start, new_end, new_location, new_address,
    new_lat, new_lon, new_url, note"""


async def date_changes(
    db: Database, meeting_ids: Iterable[int], first: date, last: date
) -> dict[tuple[int, date], DateChange]:
    """The latest cancel/move per (meeting, local date) between two dates, inclusive."""
    ids = list(dict.fromkeys(meeting_ids))
    if not ids:
        return {}
    out: dict[tuple[int, date], DateChange] = {}
    for chunk, marks in in_chunks(ids):
        rows = await db.fetchall(
            f"SELECT {_COLUMNS} FROM meeting_changes WHERE meeting_id IN ({marks}) "
            "AND kind IN ('cancel', 'move') AND on_date BETWEEN ? AND ? ORDER BY id",
            (*chunk, first.isoformat(), last.isoformat()),
        )
        for r in rows:
            on = date.fromisoformat(r[2])
            out[(r[0], on)] = DateChange(r[1], on, r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10])
    return out
