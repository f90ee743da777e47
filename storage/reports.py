"""Reports that a meeting seems wrong ("Klopt er iets niet?"): counts per reason, rate-limited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database, Tx, utc_text
from storage.keys import KeyRing

REASONS = ("gone", "time", "place", "link")
MARK_KEPT = timedelta(days=1)
MAX_REPORTS_PER_DAY = 5


@dataclass(frozen=True, slots=True)
class MeetingReports:
    """The open reports of one meeting: a count per reason."""

    meeting_id: int
    name: str
    city: str | None
    region: str | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def add_report(
    db: Database, keys: KeyRing, user_key: str, meeting_id: int, reason: str, now: datetime
) -> str:
    """Count one report: 'ok', 'again' (this person already reported this today) or 'limited'."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    mark = keys.tag("meeting-report", user_key)  # survives /stop; kept a day; never the pseudonym
    async with db.tx() as tx:
        await tx.execute("DELETE FROM report_marks WHERE at < ?", (utc_text(now - MARK_KEPT),))
        rows = await tx.fetchall("SELECT meeting_id, reason FROM report_marks WHERE mark_key = ?", (mark,))
        if (meeting_id, reason) in {(int(r[0]), str(r[1])) for r in rows}:
            return "again"
        if len(rows) >= MAX_REPORTS_PER_DAY:
            return "limited"
        exists = await tx.fetchone("SELECT 1 FROM meetings WHERE id = ?", (meeting_id,))
        if exists is None:
            raise ValueError("no such meeting")
        await tx.execute(
            "INSERT INTO report_marks(mark_key, meeting_id, reason, at) VALUES (?, ?, ?, ?)",
            (mark, meeting_id, reason, utc_text(now)),
        )
        await tx.execute(
            "INSERT INTO meeting_reports(meeting_id, reason, count, first_at, last_at) "
            "VALUES (?, ?, 1, ?, ?) "
            "ON CONFLICT(meeting_id, reason) DO UPDATE SET count = count + 1, last_at = excluded.last_at",
            (meeting_id, reason, utc_text(now), utc_text(now)),
        )
    return "ok"


async def open_reports(db: Database, region: str | None = None, limit: int = 10) -> list[MeetingReports]:
    """Meetings with open reports, most reported first (only `region`'s when given)."""
    rows = await db.fetchall(
        "SELECT r.meeting_id, m.name, m.city, m.region, r.reason, r.count FROM meeting_reports r "
        "JOIN meetings m ON m.id = r.meeting_id "
        "WHERE (? IS NULL OR m.region = ?) ORDER BY r.meeting_id",
        (region, region),
    )
    found: dict[int, MeetingReports] = {}
    for mid, name, city, reg, reason, count in rows:
        item = found.setdefault(int(mid), MeetingReports(int(mid), str(name), city, reg, {}))
        item.counts[str(reason)] = int(count)
    return sorted(found.values(), key=lambda r: (-r.total, r.name))[:limit]


async def reports_of(db: Database, meeting_id: int) -> dict[str, int]:
    """The open report counts of one meeting, per reason."""
    rows = await db.fetchall("SELECT reason, count FROM meeting_reports WHERE meeting_id = ?", (meeting_id,))
    return {str(r[0]): int(r[1]) for r in rows}


async def report_regions(db: Database) -> list[tuple[str, int]]:
    """Regions with open reports, and how many meetings in each."""
    rows = await db.fetchall(
        "SELECT m.region, COUNT(DISTINCT r.meeting_id) FROM meeting_reports r "
        "JOIN meetings m ON m.id = r.meeting_id "
        "WHERE m.region IS NOT NULL GROUP BY m.region ORDER BY m.region"
    )
    return [(str(r[0]), int(r[1])) for r in rows]


async def dismiss_reports(db: Database | Tx, meeting_id: int) -> int:
    """Clear a meeting's reports (fixed, closed, or not right); how many reasons were cleared."""
    return await db.execute("DELETE FROM meeting_reports WHERE meeting_id = ?", (meeting_id,))


async def worker_region(db: Database, worker_id: int) -> str | None:
    """The region whose reports this support worker sees, or None for all."""
    row = await db.fetchone("SELECT region FROM worker_regions WHERE worker_id = ?", (worker_id,))
    return str(row[0]) if row else None


async def set_worker_region(db: Database, worker_id: int, region: str | None) -> None:
    """Choose a region (None: all regions)."""
    if region is None:
        await db.execute("DELETE FROM worker_regions WHERE worker_id = ?", (worker_id,))
    else:
        await db.execute(
            "INSERT INTO worker_regions(worker_id, region) VALUES (?, ?) "
            "ON CONFLICT(worker_id) DO UPDATE SET region = excluded.region",
            (worker_id, region),
        )
