"""Reading one-off date changes (cancel, move) of meetings; support-worker code writes them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from storage.db import Database, in_chunks
from storage.occurrences import DateChange
from storage.versions import directory_version

_COLUMNS = """meeting_id, kind, on_date, new_start, new_end, new_location, new_address,
    new_lat, new_lon, new_url, note"""
_CHANGED = "SELECT DISTINCT meeting_id FROM meeting_changes WHERE kind IN ('cancel', 'move') AND on_date >= ?"
CACHE = "dated"  # (version, first date) -> the meetings with a cancel or move on or after that date


async def date_changes(
    db: Database, meeting_ids: Iterable[int], first: date, last: date
) -> dict[tuple[int, date], DateChange]:
    """The latest cancel/move per (meeting, local date) between two dates, inclusive: asked only for the
    meetings that have one on or after the first date at all (kept in memory per version)."""
    changed = await _changed_since(db, first)
    ids = [i for i in dict.fromkeys(meeting_ids) if i in changed]
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


async def _changed_since(db: Database, first: date) -> frozenset[int]:
    """The meetings with a cancel or move on or after a date, per version of the date changes."""
    cache = db.cache(CACHE, 8, versioned=True)
    key = (await directory_version(db, "meeting_changes"), first)
    changed: frozenset[int] | None = cache.get(key)
    if changed is None:
        rows = await db.fetchall(_CHANGED, (first.isoformat(),))
        changed = frozenset(int(r[0]) for r in rows)
        cache.put(key, changed)
    return changed
