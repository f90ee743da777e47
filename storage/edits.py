"""Support-worker writes to the directory: one-date changes, permanent edits, close/reopen, notes, additions.

Every change is a meeting_changes row (kind, date, new values, the role as actor); permanent edits and
closures also update the meetings row at once, keeping the replaced values in `previous` for reopen/undo.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from storage.db import Database, Tx, utc_text
from storage.geo import cell_of
from storage.meeting import SELECT_MEETINGS, Meeting, from_row, get_meeting

SUPPORT_SOURCE = (
    "beheer-chat"  # source of meetings added in the chat; imports of other sources never touch it
)
EDITABLE = ("start_time", "end_time", "location", "address", "city", "conference_url")


async def search_meetings(db: Database, query: str, limit: int = 8) -> list[Meeting]:
    """Meetings where every typed word starts a word of the name, place, city, region or fellowship."""
    words = [w for w in query.lower().replace(",", " ").split() if w][:5]
    if not words:
        return []
    text = (
        "(' ' || lower(name || ' ' || coalesce(location, '') || ' ' || coalesce(address, '') || ' ' || "
        "coalesce(city, '') || ' ' || coalesce(region, '') || ' ' || program))"
    )
    where = " AND ".join(f"({text} LIKE ? OR {text} LIKE ?)" for _ in words)
    params: list[object] = []
    for w in words:
        esc = w.replace("%", "").replace("_", "")
        params += [f"% {esc}%", f"%-{esc}%"]
    rows = await db.fetchall(
        f"{SELECT_MEETINGS} WHERE {where} ORDER BY attendance = 'inactive', name, weekday, "
        "start_time LIMIT ?",
        (*params, limit),
    )
    return [from_row(r) for r in rows]


async def _change(
    tx: Tx,
    meeting_id: int,
    kind: str,
    now: datetime,
    actor: str,
    on_date: date | None = None,
    **values: object,
) -> int:
    cols = ["meeting_id", "kind", "on_date", "actor", "created_at", *values]
    params = [
        meeting_id,
        kind,
        on_date.isoformat() if on_date else None,
        actor,
        utc_text(now),
        *values.values(),
    ]
    return await tx.insert(
        f"INSERT INTO meeting_changes({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", params
    )


async def cancel_date(tx: Tx, meeting_id: int, on_date: date, now: datetime, actor: str) -> int:
    """Cancel one local date of a meeting."""
    return await _change(tx, meeting_id, "cancel", now, actor, on_date)


async def move_date(
    tx: Tx,
    meeting_id: int,
    on_date: date,
    now: datetime,
    actor: str,
    *,
    new_start: str | None = None,
    new_end: str | None = None,
    new_location: str | None = None,
    new_address: str | None = None,
) -> int:
    """Move one local date to another time and/or place."""
    return await _change(
        tx,
        meeting_id,
        "move",
        now,
        actor,
        on_date,
        new_start=new_start,
        new_end=new_end,
        new_location=new_location,
        new_address=new_address,
    )


def _shift(hhmm: str, delta: timedelta) -> str:
    h, m = (int(x) for x in hhmm.split(":")[:2])
    total = (h * 60 + m + int(delta.total_seconds() // 60)) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


async def edit_meeting(
    tx: Tx,
    meeting_id: int,
    now: datetime,
    actor: str,
    *,
    town: tuple[float, float] | None = None,
    **fields: str | None,
) -> int:
    """Change time, place or online link for good; a new start keeps the old duration.

    A new address drops the old map point: the meeting keeps the new town's centre (`town`), marked
    approximate, so it is still found near me but shows no pin.
    """
    fields = {k: v for k, v in fields.items() if k in EDITABLE}
    old = await get_meeting(tx, meeting_id)
    if old is None or not fields:
        raise ValueError("unknown meeting or nothing to change")
    if "start_time" in fields and "end_time" not in fields and old.end_time and fields["start_time"]:
        h0, m0 = (int(x) for x in old.start_time.split(":")[:2])
        h1, m1 = (int(x) for x in fields["start_time"].split(":")[:2])
        fields["end_time"] = _shift(old.end_time, timedelta(minutes=(h1 * 60 + m1) - (h0 * 60 + m0)))
    previous = {k: getattr(old, k) for k in fields}
    if fields.get("conference_url") and old.attendance == "in_person":
        fields_sql: dict[str, Any] = {**fields, "attendance": "hybrid"}
        previous["attendance"] = old.attendance
    else:
        fields_sql = dict(fields)
    if "address" in fields:
        lat, lon = town if town else (None, None)
        fields_sql.update(lat=lat, lon=lon, approximate=int(town is not None))
        fields_sql["cell"] = cell_of(lat, lon) if lat is not None and lon is not None else None
    change_id = await _change(
        tx,
        meeting_id,
        "edit",
        now,
        actor,
        new_start=fields.get("start_time"),
        new_end=fields.get("end_time"),
        new_location=fields.get("location"),
        new_address=fields.get("address"),
        new_url=fields.get("conference_url"),
        previous=json.dumps(previous),
    )
    sets = ", ".join(f"{k} = ?" for k in fields_sql)
    await tx.execute(
        f"UPDATE meetings SET {sets}, updated = ? WHERE id = ?",
        (*fields_sql.values(), now.date().isoformat(), meeting_id),
    )
    return change_id


async def close_meeting(tx: Tx, meeting_id: int, now: datetime, actor: str) -> int:
    """Mark a meeting inactive (it stops showing in listings), remembering how it was held."""
    old = await get_meeting(tx, meeting_id)
    if old is None:
        raise ValueError("unknown meeting")
    previous = json.dumps({"attendance": old.attendance})
    change_id = await _change(tx, meeting_id, "close", now, actor, previous=previous)
    await tx.execute(
        "UPDATE meetings SET attendance = 'inactive', cell = NULL, updated = ? WHERE id = ?",
        (now.date().isoformat(), meeting_id),
    )
    return change_id


async def reopen_meeting(tx: Tx, meeting_id: int, now: datetime, actor: str) -> int:
    """Undo a closure: restore the attendance from before the latest close."""
    old = await get_meeting(tx, meeting_id)
    if old is None:
        raise ValueError("unknown meeting")
    row = await tx.fetchone(
        "SELECT previous FROM meeting_changes WHERE meeting_id = ? AND kind = 'close' "
        "ORDER BY id DESC LIMIT 1",
        (meeting_id,),
    )
    before = json.loads(row[0]).get("attendance") if row and row[0] else None
    if before in (None, "inactive"):
        before = "online" if old.conference_url and not old.address else "in_person"
    change_id = await _change(tx, meeting_id, "reopen", now, actor)
    coords = await tx.fetchone("SELECT lat, lon FROM meetings WHERE id = ?", (meeting_id,))
    cell = None
    if coords and coords[0] is not None and coords[1] is not None and before in ("in_person", "hybrid"):
        cell = cell_of(coords[0], coords[1])
    await tx.execute(
        "UPDATE meetings SET attendance = ?, cell = ?, updated = ? WHERE id = ?",
        (before, cell, now.date().isoformat(), meeting_id),
    )
    return change_id


async def add_note(tx: Tx, meeting_id: int, now: datetime, actor: str, note: str) -> int:
    """A note from the group's support worker about a meeting (e.g. 'this month in room 2')."""
    return await _change(tx, meeting_id, "note", now, actor, note=note)


async def latest_note(db: Database, meeting_id: int) -> tuple[str, str] | None:
    """The newest support-worker note of a meeting and when it was written, for the meeting card."""
    row = await db.fetchone(
        "SELECT note, created_at FROM meeting_changes WHERE meeting_id = ? AND kind = 'note' "
        "ORDER BY id DESC LIMIT 1",
        (meeting_id,),
    )
    return (row[0], row[1]) if row else None


async def add_meeting(
    tx: Tx,
    now: datetime,
    *,
    program: str,
    name: str,
    weekday: int,
    start_time: str,
    end_time: str | None = None,
    location: str | None = None,
    address: str | None = None,
    city: str | None = None,
    region: str | None = None,
    conference_url: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    approximate: bool = False,
    source: str = SUPPORT_SOURCE,
) -> int:
    """A meeting no feed carries, under the support workers' own source (a feed import never touches it)."""
    if conference_url and (address or location):
        attendance = "hybrid"
    elif conference_url:
        attendance = "online"
    else:
        attendance = "in_person"
    slug = f"beheer-{secrets.token_hex(5)}"
    return await tx.insert(
        "INSERT INTO meetings(source, slug, program, name, weekday, start_time, end_time, attendance, "
        "location, address, city, region, lat, lon, approximate, cell, conference_url, updated, last_seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            source,
            slug,
            program,
            name,
            weekday,
            start_time,
            end_time,
            attendance,
            location,
            address,
            city,
            region,
            lat,
            lon,
            int(approximate),
            cell_of(lat, lon) if lat is not None and lon is not None and attendance != "online" else None,
            conference_url,
            now.date().isoformat(),
            utc_text(now),
        ),
    )
