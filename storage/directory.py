"""The meeting directory: import (one transaction), near-me queries, lookup, search, export, stats."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import json
import math
import os
import secrets
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from storage.db import Database, Tx, in_chunks, utc_text
from storage.geo import CELL_DEG, cell_of, cell_ranges, distances_from, lon_scale
from storage.importers.normalise import Parsed, neutral_cell
from storage.languages import language_sql
from storage.meeting import COLUMNS, SELECT_MEETINGS, Meeting, by_version, from_row, to_row
from storage.placed import placed_index

DEMO_SOURCE = "demo"
NL_AREA_KM2 = 34_000.0
IMPORT_BATCH = 2000  # meetings per upsert batch of an import
SLACK = 8  # extra rows by flat distance, so the exact distance can reorder the last few
REACH = 1.02  # a ring reads a little beyond its radius: the flat distance is an approximation
_NEAR_COLUMNS = "m.id AS id, m.lat AS lat, m.lon AS lon, m.version AS version"  # built: only the chosen
_SELECT = SELECT_MEETINGS
_INSERT_COLS = (*COLUMNS, "content_hash", "cell", "last_seen")
_ON_CONFLICT = "ON CONFLICT(source, slug) DO UPDATE SET " + ", ".join(
    f"{c} = excluded.{c}" for c in _INSERT_COLS if c not in ("source", "slug")
)
_UPSERT = (
    f"INSERT INTO meetings ({', '.join(_INSERT_COLS)}) VALUES ({', '.join(':' + c for c in _INSERT_COLS)}) "
    + _ON_CONFLICT
)
_STAGE_COLS_T = (*_INSERT_COLS, "stage_kind")
_STAGE_COLS = ", ".join(_STAGE_COLS_T)
_STAGE_MARKS = ", ".join(":" + c for c in _STAGE_COLS_T)
_EMPTY_STAGE_ROW: dict[str, Any] = dict.fromkeys(_STAGE_COLS_T)
STAGE_PREFIX = "import_stage_"
DAY_PARTS = {"morning": ("00:00", "11:59"), "afternoon": ("12:00", "17:59"), "evening": ("18:00", "23:59")}


NOTABLE = ("weekday", "start_time", "location", "address", "city", "conference_url", "attendance")


@dataclass(frozen=True, slots=True)
class MeetingChange:
    """A change an import made to a meeting that people who follow it should hear of."""

    meeting_id: int
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def fields(self) -> tuple[str, ...]:
        """The notable fields that differ, in NOTABLE order."""
        return tuple(f for f in NOTABLE if self.before.get(f) != self.after.get(f))

    @property
    def deactivated(self) -> bool:
        return self.after.get("attendance") == "inactive" and self.before.get("attendance") != "inactive"

    @property
    def reactivated(self) -> bool:
        return self.before.get("attendance") == "inactive" and self.after.get("attendance") != "inactive"


OnChanges = Callable[[Tx, list[MeetingChange]], Awaitable[int]]


@dataclass(slots=True)
class ImportReport:
    """What an import did. `rejected` is a list of {record, reason}; warnings flag fixable mess."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    total: int = 0
    online: int = 0
    warnings: list[dict[str, str]] = field(default_factory=list)
    unknown_types: list[str] = field(default_factory=list)
    rejected_total: int = 0  # `rejected` and `warnings` list the first 1,000 of each
    warnings_total: int = 0
    changed: list[MeetingChange] = field(default_factory=list)
    notified: int = 0

    @property
    def changes(self) -> int:
        return self.added + self.updated + self.deactivated

    def as_json(self) -> dict[str, Any]:
        """The report as the CLI prints it (the first six keys are the contract)."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "rejected": self.rejected,
            "total": self.total,
            "online": self.online,
            "missing_coordinates": [
                w["record"] for w in self.warnings if w["warning"].startswith("in-person meeting without")
            ],
            "unknown_types": self.unknown_types,
            "warnings": self.warnings,
            "rejected_total": max(self.rejected_total, len(self.rejected)),
            "warnings_total": max(self.warnings_total, len(self.warnings)),
        }


def _batches(items: Iterator[Meeting], size: int) -> Iterator[tuple[Meeting, ...]]:
    """Consecutive tuples of up to `size` items."""
    while batch := tuple(itertools.islice(items, size)):
        yield batch


def _report(parsed: Parsed) -> ImportReport:
    """An import report holding what the parser rejected and warned about (no changes yet)."""
    return ImportReport(
        rejected=list(parsed.rejected),
        warnings=list(parsed.warnings),
        unknown_types=sorted(parsed.unknown_types),
        rejected_total=parsed.rejected_total,
        warnings_total=parsed.warnings_total,
    )


@dataclass(frozen=True, slots=True)
class Filters:
    """What a near-me or online query may narrow on (all optional)."""

    program: str | None = None
    weekdays: tuple[int, ...] = ()
    day_part: str | None = None  # morning | afternoon | evening
    language: str | None = None  # nl | en | …: held in it, or of unknown language (see languages.py)
    types_all: tuple[str, ...] = ()  # e.g. ("W",) women, ("M",) men, ("Y",) young people
    attendance: str | None = None  # in_person | online

    @property
    def index_only(self) -> bool:
        """Whether the grid indexes answer the query without reading rows (program filter at most)."""
        return not (self.weekdays or self.day_part or self.language or self.types_all)

    def sql(self) -> tuple[str, list[Any]]:
        """WHERE fragments (joined by AND, each starting with ' AND ') and their parameters."""
        parts: list[str] = []
        params: list[Any] = []
        if self.weekdays:
            parts.append(f" AND m.weekday IN ({','.join('?' * len(self.weekdays))})")
            params.extend(self.weekdays)
        if self.day_part in DAY_PARTS:
            parts.append(" AND m.start_time BETWEEN ? AND ?")
            params.extend(DAY_PARTS[self.day_part])
        if self.language:
            where, args = language_sql(self.language)
            parts.append(where)
            params.extend(args)
        for code in self.types_all:
            parts.append(" AND instr(m.types, ?) > 0")
            params.append(json.dumps(code))
        return "".join(parts), params


class Nearby(NamedTuple):
    """A meeting and how far it is, in km (a named tuple: near-me makes one per candidate)."""

    meeting: Meeting
    km: float


class MeetingStore:
    """Every statement about the meetings table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- import ---------------------------------------------------------------------------------

    async def import_parsed(
        self,
        parsed: Parsed,
        source: str,
        now: datetime,
        *,
        strict: bool = False,
        is_demo: bool = False,
        meetings: Iterable[Meeting] | None = None,
        on_changes: OnChanges | None = None,
    ) -> ImportReport:
        """Store a parsed feed in one transaction: add, update, leave unchanged, and deactivate the
        meetings of this source that disappeared. With strict, any rejected record changes nothing.

        `meetings` (default: parsed.meetings) may be a stream that fills `parsed` as it is read; it is
        stored in batches, so memory stays flat however long the feed is. `report.changed` lists the
        notable changes (day, time, place, link, gone); `on_changes` runs in the same transaction with
        them (to queue the messages about them), and returns how many it queued.
        """
        stream = iter(parsed.meetings if meetings is None else meetings)
        if strict and parsed.rejected_total:
            return _report(parsed)
        first = next(stream, None)
        if first is None:
            report = _report(parsed)
            if not parsed.rejected_total:
                report.warnings.append({"record": "-", "warning": "empty feed: nothing changed"})
            return report
        stamp = utc_text(now)
        counts = ImportReport()
        stage = await _new_stage(self.db)
        try:
            # 1. Stage: read, hash and classify outside the write transaction; each batch is written to
            #    the stage table in a short transaction of its own, so a person's save never waits long.
            for batch in _batches(itertools.chain([first], stream), IMPORT_BATCH):
                if strict and parsed.rejected_total:
                    return _report(parsed)
                await self._stage_batch(stage, batch, source, stamp, is_demo, counts)
            if strict and parsed.rejected_total:  # a rejected record after the last meeting
                return _report(parsed)
            # 2. Apply: everything at once, set by set, in one short transaction (all or nothing).
            async with self.db.tx(worker=True) as tx:  # long: off the loop thread
                await self._apply_stage(tx, stage, source, stamp, is_demo, counts, on_changes)
        finally:
            await _drop_stage(self.db, stage)
        report = _report(parsed)
        for name in (
            "added",
            "updated",
            "unchanged",
            "deactivated",
            "total",
            "online",
            "changed",
            "notified",
        ):
            setattr(report, name, getattr(counts, name))
        return report

    async def _stage_batch(
        self,
        stage: str,
        batch: tuple[Meeting, ...],
        source: str,
        stamp: str,
        is_demo: bool,
        counts: ImportReport,
    ) -> None:
        """Classify one batch against the directory as it is (new, changed, same) and stage it."""
        slugs = [m.slug for m in batch]
        existing: dict[str, str | None] = {}
        for chunk, marks in in_chunks(slugs):
            for r in await self.db.fetchall(
                f"SELECT slug, content_hash FROM meetings WHERE source = ? AND slug IN ({marks})",
                (source, *chunk),
            ):
                existing[r[0]] = r[1]
        rows: list[dict[str, Any]] = []
        for m in batch:
            if m.source != source or m.is_demo != is_demo:
                m = replace(m, source=source, is_demo=is_demo)
            digest = m.content_hash()
            known = m.slug in existing
            same = known and existing[m.slug] == digest
            counts.added += not known
            counts.updated += known and not same
            counts.unchanged += same
            counts.online += m.attendance == "online"
            if same:
                rows.append({**_EMPTY_STAGE_ROW, "slug": m.slug, "stage_kind": "same"})
            else:
                row = to_row(m)
                row.update(content_hash=digest, last_seen=stamp, cell=_cell(m), stage_kind="change")
                rows.append(row)
        counts.total += len(batch)
        async with self.db.tx(worker=True) as tx:  # a short write, but off the loop thread
            await tx.executemany(
                f"INSERT OR REPLACE INTO {stage} ({_STAGE_COLS}) VALUES ({_STAGE_MARKS})", rows
            )

    async def _apply_stage(
        self,
        tx: Tx,
        stage: str,
        source: str,
        stamp: str,
        is_demo: bool,
        counts: ImportReport,
        on_changes: OnChanges | None,
    ) -> None:
        """Write a staged import: upsert what changed, mark what is still listed, deactivate what is gone."""
        notable = ", ".join("m." + f for f in NOTABLE)
        # The notable fields of the meetings this import changes or drops, as they were.
        changing = await tx.fetchall(
            f"SELECT m.slug, m.content_hash, m.id, {notable} FROM meetings m "
            f"LEFT JOIN {stage} s ON s.slug = m.slug "
            "WHERE m.source = ? AND m.content_hash IS NOT NULL "
            "AND (s.slug IS NULL OR (s.stage_kind = 'change' AND s.content_hash IS NOT m.content_hash))",
            (source,),
        )
        before: dict[str, Any] = {r[0]: r for r in changing}
        await tx.execute(
            f"INSERT INTO meetings ({', '.join(_INSERT_COLS)}) SELECT {', '.join(_INSERT_COLS)} FROM {stage} "
            f"WHERE stage_kind = 'change' {_ON_CONFLICT}"
        )
        await tx.execute(  # the same content: only "still listed"
            f"UPDATE meetings SET last_seen = ? WHERE source = ? "
            f"AND slug IN (SELECT slug FROM {stage} WHERE stage_kind = 'same')",
            (stamp, source),
        )
        counts.deactivated = await tx.execute(
            "UPDATE meetings SET attendance = 'inactive', content_hash = NULL, cell = NULL "
            f"WHERE source = ? AND attendance != 'inactive' AND slug NOT IN (SELECT slug FROM {stage})",
            (source,),
        )
        if not is_demo:  # real data replaces the demo directory
            await tx.execute(
                "UPDATE meetings SET attendance = 'inactive', cell = NULL WHERE is_demo = 1 "
                "AND attendance != 'inactive'"
            )
        counts.changed = await _notable_changes(tx, source, before, list(before))
        if on_changes is not None and counts.changed:
            counts.notified = await on_changes(tx, counts.changed)

    async def add(self, meeting: Meeting, now: datetime) -> int:
        """Insert or replace one meeting by (source, slug) without touching others; returns its id."""
        row = to_row(meeting)
        row.update(content_hash=meeting.content_hash(), last_seen=utc_text(now))
        row["cell"] = _cell(meeting)
        async with self.db.tx() as tx:
            await tx.execute(_UPSERT, row)
            found = await tx.fetchone(
                "SELECT id FROM meetings WHERE source = ? AND slug = ?", (meeting.source, meeting.slug)
            )
        return int(found[0]) if found else 0

    # --- demo -----------------------------------------------------------------------------------

    async def load_demo(self, path: Path, now: datetime) -> ImportReport | None:
        """Load the fictional demo directory, only into an empty directory."""
        if await self.db.fetchone("SELECT 1 FROM meetings LIMIT 1") is not None:
            return None
        from storage.importers import parse_bytes

        raw = await asyncio.to_thread(path.read_bytes)
        parsed = parse_bytes(raw, "meeting-guide", DEMO_SOURCE)
        return await self.import_parsed(parsed, DEMO_SOURCE, now, is_demo=True)

    async def demo_count(self) -> int:
        """How many active demo (invented) meetings the directory holds."""
        row = await self.db.fetchone(
            "SELECT count(*) FROM meetings WHERE is_demo = 1 AND attendance != 'inactive'"
        )
        return int(row[0]) if row else 0

    async def drop_demo(self) -> int:
        """Deactivate every demo meeting (real ones stay); returns how many."""
        return await self.db.execute(
            "UPDATE meetings SET attendance = 'inactive', cell = NULL WHERE is_demo = 1 "
            "AND attendance != 'inactive'"
        )

    async def only_demo(self) -> bool:
        """True when no real (non-demo) meeting is active: the bot would only show examples."""
        row = await self.db.fetchone(
            "SELECT 1 FROM meetings WHERE is_demo = 0 AND attendance != 'inactive' LIMIT 1"
        )
        return row is None

    # --- lookup ---------------------------------------------------------------------------------

    # --- near me --------------------------------------------------------------------------------

    async def near(
        self,
        lat: float,
        lon: float,
        filters: Filters = Filters(),
        *,
        limit: int = 20,
        max_km: float = 50.0,
        start_km: float = 3.0,
    ) -> list[Nearby]:
        """The nearest in-person meetings matching the filters, nearest first, within max_km.

        Searches grid rings of growing radius (3x each time): a ring answers once it holds `limit`
        meetings inside its radius, because nothing outside the radius can be nearer. A ring is read from
        the in-memory index of placed meetings (storage.placed) when the filters are a program at most,
        else by one statement per ring. When fewer than `limit` meetings have a place at all, no ring
        short of max_km can answer, so the search starts there.
        """
        index = await placed_index(self.db)  # (in memory, per directory version)
        placed = index.placed
        radius = min(max(start_km, _first_radius(placed, limit)), max_km)
        if placed < limit:
            radius = max_km
        while True:
            if filters.index_only:  # the index answers what the ring statement and _within would
                reach, program = radius * REACH, filters.program
                found = index.nearest(lat, lon, reach, program, limit + SLACK, radius, limit)
            else:
                rows = await self._rows(*self._ring_sql(lat, lon, filters, limit, radius))
                found = _within(lat, lon, rows, radius, limit)
            if len(found) >= limit or radius >= max_km:
                return await self._nearby(found)
            radius = min(radius * 3, max_km)

    async def _nearby(self, found: list[tuple[float, int, int]]) -> list[Nearby]:
        """The chosen (km, id, version) as meetings: built once per content version, kept in memory."""
        meetings = await by_version(self.db, [(mid, version) for _, mid, version in found])
        return [Nearby(meetings[mid], km) for km, mid, _ in found if mid in meetings]

    async def _rows(self, sql: str, args: list[Any]) -> list[Any]:
        """A near-me read (on the event-loop thread when nothing stands in the way: see Database)."""
        return await self.db.fetchall(sql, args)

    def _ring_sql(
        self, lat: float, lon: float, filters: Filters, limit: int, radius: float
    ) -> tuple[str, list[Any]]:
        """The statement for one ring: the nearest `limit` (+ slack) meetings in the cells around a circle.

        Only cells hold in-person/hybrid meetings with coordinates (see _cell), and the cell indexes
        cover lat/lon, so a program-only query never reads the table until the final rows.
        """
        where, params = filters.sql()
        reach = radius * REACH
        ranges = cell_ranges(lat, lon, reach)
        # Pad to a count that depends on the radius only, so the statement text repeats and SQLite's
        # prepared-statement cache is hit; (1, 0) is an empty range.
        ranges += [(1, 0)] * max(0, int(2 * reach / 111.2 / CELL_DEG) + 2 - len(ranges))
        args: list[Any] = [x for pair in ranges for x in pair]
        args += [lat, lat, lon, lon, lon_scale(lat) ** 2]
        if filters.program:
            args.append(filters.program)
        args += [(reach / 111.2) ** 2, *params, limit + SLACK]
        return _ring_text(len(ranges), bool(filters.program), where), args

    async def near_scan(
        self, lat: float, lon: float, filters: Filters = Filters(), *, limit: int = 20, max_km: float = 50.0
    ) -> list[Nearby]:
        """The same answer as near() by a linear scan of every row (the benchmark's baseline)."""
        where, params = filters.sql()
        program_sql = " AND m.program = ?" if filters.program else ""
        k = lon_scale(lat)
        dlat = max_km * 1.02 / 111.2
        sql = (
            f"WITH best AS (SELECT {_NEAR_COLUMNS}, "
            "(m.lat - ?) * (m.lat - ?) + (m.lon - ?) * (m.lon - ?) * ? AS d2 FROM meetings m NOT INDEXED "
            f"WHERE m.cell IS NOT NULL{program_sql} AND d2 <= ?{where} ORDER BY d2 LIMIT ?) "
            "SELECT id, lat, lon, version FROM best"
        )
        args: list[Any] = [lat, lat, lon, lon, k * k]
        if filters.program:
            args.append(filters.program)
        args += [dlat * dlat, *params, limit + SLACK]
        return await self._nearby(_within(lat, lon, await self._rows(sql, args), max_km, limit))

    async def online(self, filters: Filters = Filters(), *, limit: int = 200) -> list[Meeting]:
        """Meetings one can join online (online and hybrid), by weekday and time."""
        where, params = filters.sql()
        sql = f"{_SELECT} m WHERE m.attendance IN ('online', 'hybrid'){where}"
        if filters.program:
            sql += " AND m.program = ?"
            params.append(filters.program)
        sql += " ORDER BY m.weekday, m.start_time, m.name LIMIT ?"
        params.append(limit)
        return [from_row(r) for r in await self.db.fetchall(sql, params)]

    # --- stats and export -----------------------------------------------------------------------

    async def stats(self) -> dict[str, Any]:
        """Counts per attendance, per program and per source, and what needs attention."""
        by_att = await self._counts("SELECT attendance, count(*) FROM meetings GROUP BY attendance")
        by_prog = await self._counts(
            "SELECT program, count(*) FROM meetings WHERE attendance != 'inactive' GROUP BY program"
        )
        by_src = await self._counts("SELECT source, count(*) FROM meetings GROUP BY source")
        no_coords = await self.db.fetchone(
            "SELECT count(*) FROM meetings WHERE attendance IN ('in_person', 'hybrid') AND lat IS NULL"
        )
        demo = await self.db.fetchone(
            "SELECT count(*) FROM meetings WHERE is_demo = 1 AND attendance != 'inactive'"
        )
        return {
            "total": sum(by_att.values()),
            "active": sum(v for k, v in by_att.items() if k != "inactive"),
            "attendance": by_att,
            "programs": by_prog,
            "sources": by_src,
            "in_person_without_coordinates": no_coords[0] if no_coords else 0,
            "demo_active": demo[0] if demo else 0,
        }

    async def _counts(self, sql: str) -> dict[str, int]:
        return {r[0]: r[1] for r in await self.db.fetchall(sql)}

    async def all_active(self) -> list[Meeting]:
        """Every active meeting, for export."""
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE attendance != 'inactive' ORDER BY program, weekday, start_time, id"
        )
        return [from_row(r) for r in rows]

    async def export_meeting_guide(self) -> list[dict[str, Any]]:
        """Active meetings as a Meeting Guide JSON feed (day 0 = Sunday)."""
        return [to_meeting_guide(m) for m in await self.all_active()]

    async def export_csv(self) -> str:
        """Active meetings as CSV with the TSML template's column names (plus Program); a text cell that a
        spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for m in await self.all_active():
            mg = to_meeting_guide(m)
            texts = [
                mg["slug"], m.program, m.name, DAY_NAMES[m.weekday], m.start_time, m.end_time or "",
                m.timezone, ",".join(m.types), m.location or "", m.address or "", m.city or "",
                m.postal_code or "", m.region or "",
            ]  # fmt: skip
            more = [
                m.notes or "", m.location_notes or "", m.conference_url or "", m.conference_phone or "",
                m.language or "", m.url or "", m.updated or "",
            ]  # fmt: skip
            coords = ["" if m.lat is None else m.lat, "" if m.lon is None else m.lon]
            writer.writerow([*map(neutral_cell, texts), *coords, *map(neutral_cell, more)])
        return buf.getvalue()


DAY_NAMES = dict(enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), 1))
CSV_HEADER = (
    "Slug", "Program", "Name", "Day", "Time", "End Time", "Timezone", "Types", "Location", "Address",
    "City", "Postal Code", "Region", "Latitude", "Longitude", "Notes", "Location Notes", "Conference URL",
    "Conference Phone", "Language", "Website", "Updated",
)  # fmt: skip


def to_meeting_guide(m: Meeting) -> dict[str, Any]:
    """One meeting in the Meeting Guide format."""
    types = list(m.types)
    if m.attendance == "online" and "ONL" not in types:
        types.append("ONL")
    out: dict[str, Any] = {
        "name": m.name,
        "slug": f"{m.source}-{m.slug}".replace(":", "-") if m.source else m.slug,
        "program": m.program,
        "day": m.weekday % 7,
        "time": m.start_time,
        "end_time": m.end_time,
        "timezone": m.timezone,
        "types": types,
        "location": m.location,
        "formatted_address": m.formatted_address or None,
        "address": m.address,
        "city": m.city,
        "postal_code": m.postal_code,
        "country": "NL" if m.address or m.city else None,
        "region": m.region,
        "latitude": m.lat,
        "longitude": m.lon,
        "notes": m.notes,
        "location_notes": m.location_notes,
        "conference_url": m.conference_url,
        "conference_phone": m.conference_phone,
        "language": m.language,
        "url": m.url,
        "updated": m.updated,
    }
    return {k: v for k, v in out.items() if v not in (None, "", [])}


async def _notable_changes(
    tx: Tx, source: str, before: dict[str, Any], slugs: list[str]
) -> list[MeetingChange]:
    """Compare notable fields of existing meetings before and after an import (support edits applied)."""
    out: list[MeetingChange] = []
    for chunk, marks in in_chunks(slugs):
        rows = await tx.fetchall(
            f"SELECT slug, {', '.join(NOTABLE)} FROM meetings WHERE source = ? AND slug IN ({marks})",
            (source, *chunk),
        )
        for r in rows:
            old = before[r[0]]
            b = {f: old[f] for f in NOTABLE}
            a = {f: r[f] for f in NOTABLE}
            if a != b:
                out.append(MeetingChange(int(old["id"]), b, a))
    return out


async def _new_stage(db: Database) -> str:
    """A stage table for one import (per process and import; a crashed process's stage is dropped)."""
    for table in await db.tables_like(STAGE_PREFIX + "%"):
        pid = table.removeprefix(STAGE_PREFIX).split("_")[0]
        if pid.isdigit() and not _alive(int(pid)):
            await db.execute(f"DROP TABLE IF EXISTS {table}")
    name = f"{STAGE_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
    columns = ", ".join(f"{c} TEXT PRIMARY KEY" if c == "slug" else c for c in _STAGE_COLS_T)
    await db.execute(f"CREATE TABLE {name} ({columns})")
    return name


async def _drop_stage(db: Database, name: str) -> None:
    """Remove an import's stage table (after applying it, or when the import gave up)."""
    await db.execute(f"DROP TABLE IF EXISTS {name}")


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@lru_cache(maxsize=256)
def _ring_text(ranges: int, program: bool, where: str) -> str:
    """The text of a ring statement (see MeetingStore._ring_sql) with this many cell ranges."""
    program_sql = " AND m.program = ?" if program else ""
    return (
        f"WITH r(lo, hi) AS (VALUES {','.join('(?,?)' for _ in range(ranges))}), "
        f"b AS MATERIALIZED (SELECT {_NEAR_COLUMNS}, "
        "(m.lat - ?) * (m.lat - ?) + (m.lon - ?) * (m.lon - ?) * ? AS d2 "
        f"FROM r JOIN meetings m ON m.cell BETWEEN r.lo AND r.hi{program_sql} "
        f"WHERE d2 <= ?{where} ORDER BY d2 LIMIT ?) "
        "SELECT id, lat, lon, version FROM b"
    )


def _first_radius(placed: int, limit: int) -> float:
    """A first search radius from the average density of in-person meetings."""
    density = max(placed, 1) / NL_AREA_KM2
    return min(25.0, math.sqrt(limit / (math.pi * density)) / 2)


def _within(
    lat: float, lon: float, rows: list[Any], radius: float, limit: int
) -> list[tuple[float, int, int]]:
    """(km, id, version) of the rows (id, lat, lon, version) within a radius by exact distance, nearest
    first (ids are unique, so ties go by id), at most `limit`: no meeting is built here."""
    scored = []
    distance = distances_from(lat, lon)
    for mid, mlat, mlon, version in rows:
        km = distance(mlat, mlon)
        if km <= radius:
            scored.append((km, mid, version))
    scored.sort()
    return scored[:limit]


def _cell(m: Meeting) -> int | None:
    if m.lat is None or m.lon is None or not m.in_person or math.isnan(m.lat):
        return None
    return cell_of(m.lat, m.lon)
