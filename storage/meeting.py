"""The canonical meeting record: Meeting Guide fields plus program, ISO weekday and an IANA zone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from storage.db import Database, Tx, in_chunks

ATTENDANCE = ("in_person", "online", "hybrid", "inactive")
PROGRAMS = ("AA", "NA", "CA", "AGOG", "ALANON", "ALATEEN", "ACA", "LSOVD", "BV", "SMART", "OA", "DD")


@dataclass(frozen=True, slots=True)
class Meeting:
    """One weekly meeting. `id` is None until it is stored."""

    source: str
    slug: str
    program: str
    name: str
    weekday: int  # ISO: 1 = Monday … 7 = Sunday
    start_time: str  # "HH:MM" wall clock in `timezone`
    end_time: str | None = None  # at or before start = past midnight; None = default duration
    timezone: str = "Europe/Amsterdam"
    attendance: str = "in_person"
    location: str | None = None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    types: tuple[str, ...] = field(default_factory=tuple)
    language: str | None = None
    notes: str | None = None
    location_notes: str | None = None
    conference_url: str | None = None
    conference_phone: str | None = None
    url: str | None = None
    updated: str | None = None
    is_demo: bool = False
    approximate: bool = False  # lat/lon are a town's centre, not the venue: no map pin
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.attendance != "inactive"

    @property
    def in_person(self) -> bool:
        return self.attendance in ("in_person", "hybrid")

    @property
    def online(self) -> bool:
        return self.attendance in ("online", "hybrid")

    @property
    def formatted_address(self) -> str:
        """Street, postal code and city on one line (what a map or a calendar wants)."""
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        parts = [p for p in (self.address, town) if p]
        if self.address and self.city and self.city.casefold() in self.address.casefold():
            parts = [self.address]
        return ", ".join(parts)

    def content_hash(self) -> str:
        """A digest of everything an import can change (not id, not when it was last seen)."""
        values = [getattr(self, name) for name in _HASHED]
        blob = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:32]

    def with_id(self, meeting_id: int) -> Meeting:
        return replace(self, id=meeting_id)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Meeting) if f.name != "id")
SELECT_MEETINGS = "SELECT id, " + ", ".join(COLUMNS) + " FROM meetings"
_HASHED = COLUMNS


def to_row(m: Meeting) -> dict[str, Any]:
    """Column values of a meeting for SQL."""
    row = {name: getattr(m, name) for name in COLUMNS}
    row["types"] = json.dumps(list(m.types))
    row["is_demo"] = int(m.is_demo)
    row["approximate"] = int(m.approximate)
    return row


def from_row(row: Any) -> Meeting:
    """A meeting from a database row that has every column in COLUMNS plus id (memoised per row value)."""
    values = tuple(row[name] for name in (*COLUMNS, "id"))
    cached = _FROM_ROW.get(values)
    if cached is None:
        if len(_FROM_ROW) >= _FROM_ROW_MAX:
            _FROM_ROW.clear()
        cached = _FROM_ROW[values] = _build(values)
    return cached


_FROM_ROW: dict[tuple[Any, ...], Meeting] = {}
_SELECT_VERSIONED = "SELECT version, id, " + ", ".join(COLUMNS) + " FROM meetings"
CACHE = "meetings"  # the name of the (id → (version, Meeting)) cache on a Database
CACHE_SIZE = 20_000
_FROM_ROW_MAX = 50_000


def _build(values: tuple[Any, ...]) -> Meeting:
    fields = dict(zip((*COLUMNS, "id"), values, strict=True))
    fields["types"] = tuple(json.loads(fields["types"] or "[]"))
    fields["is_demo"] = bool(fields["is_demo"])
    fields["approximate"] = bool(fields["approximate"])
    return Meeting(**fields)


async def get_meetings(db: Database | Tx, ids: Iterable[int]) -> dict[int, Meeting]:
    """Meetings by id, inactive ones too (missing ids are left out); inside a transaction too."""
    out: dict[int, Meeting] = {}
    for chunk, marks in in_chunks(list(dict.fromkeys(ids))):
        rows = await db.fetchall(f"{SELECT_MEETINGS} WHERE id IN ({marks})", chunk)
        out.update({r["id"]: from_row(r) for r in rows})
    return out


async def by_version(db: Database, wanted: list[tuple[int, int]]) -> dict[int, Meeting]:
    """Meetings by (id, content version): each built once per version and kept in memory (the cache is
    emptied on a rollback); the ones not kept are read in one statement. A meeting gone meanwhile is
    left out."""
    cache = db.cache(CACHE, CACHE_SIZE, versioned=True)
    out: dict[int, Meeting] = {}
    missing: list[int] = []
    for (mid, version), hit in zip(wanted, cache.get_many([mid for mid, _ in wanted]), strict=True):
        if hit is not None and hit[0] == version:
            out[mid] = hit[1]
        else:
            missing.append(mid)
    for chunk, marks in in_chunks(missing):
        for r in await db.fetchall(f"{_SELECT_VERSIONED} WHERE id IN ({marks})", chunk):
            meeting = _build(tuple(r[name] for name in (*COLUMNS, "id")))
            cache.put(meeting.id, (r["version"], meeting))
            out[r["id"]] = meeting
    return out


async def get_meeting(db: Database | Tx, meeting_id: int) -> Meeting | None:
    """One meeting by id (inactive ones too), or None."""
    return (await get_meetings(db, [meeting_id])).get(meeting_id)
