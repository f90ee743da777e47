"""Dated occurrences of meetings with one-off changes applied (cancelled dates, moved dates)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import takewhile

from storage.changes import date_changes
from storage.db import Database
from storage.meeting import Meeting
from storage.occurrences import Occurrence, apply_change, iter_slots, next_slots, slots_from, zone

WEEK = timedelta(days=7)


@lru_cache(maxsize=65536)
def _weekly(
    weekday: int, start: str, end: str | None, tz: str | None, today: date, count: int
) -> tuple[Occurrence, ...]:
    """slots_from as occurrences without a change (immutable, so shared by every listing that day)."""
    return tuple(Occurrence(slot) for slot in slots_from(weekday, start, end, tz, today, count))


async def within(
    db: Database, meetings: Iterable[Meeting], now: datetime, span: timedelta = WEEK
) -> list[tuple[Meeting, Occurrence]]:
    """Every occurrence that is running at `now` or starts before now + span, in time order."""
    found: list[tuple[Meeting, Occurrence]] = []
    until = now + span
    now_utc, until_utc = now.astimezone(UTC), until.astimezone(UTC)  # (compared without zone lookups)
    count = span.days // 7 + 3  # weekly slots from yesterday on that reach past the span
    today: dict[str | None, date] = {}  # the local date of `now` per zone
    first = last = None  # the first and last local dates found
    for m in meetings:
        tz = m.timezone
        local = today.get(tz)
        if local is None:
            local = today[tz] = now.astimezone(zone(tz)).date()
        weekly = _weekly(m.weekday, m.start_time, m.end_time, tz, local, count)
        if weekly[-1].slot.start_utc < until_utc:  # (a span this count does not cover) one by one
            slots = iter_slots(m.weekday, m.start_time, m.end_time, tz, now)
            weekly = tuple(Occurrence(s) for s in takewhile(lambda s: s.start < until, slots))
        for occ in weekly:
            slot = occ.slot
            if slot.start_utc >= until_utc:
                break
            if slot.start_utc >= now_utc or slot.end_utc > now_utc:
                found.append((m, occ))
                day = slot.local_date
                if first is None or day < first:
                    first = day
                if last is None or day > last:
                    last = day
    if first is None or last is None:
        return []
    changes = await date_changes(db, [m.id for m, _ in found if m.id is not None], first, last)
    items = found
    if changes:
        items = []
        for m, occ in found:
            change = changes.get((m.id or 0, occ.slot.local_date))
            items.append((m, occ if change is None else apply_change(occ.slot, change, m.timezone)))
    items.sort(key=lambda pair: (pair[1].begins, pair[0].name))
    return items


async def next_of(db: Database, meeting: Meeting, now: datetime, count: int) -> list[Occurrence]:
    """The next `count` dated occurrences of one meeting (a running one included), changes applied."""
    slots = next_slots(meeting.weekday, meeting.start_time, meeting.end_time, meeting.timezone, now, count)
    if not slots or meeting.id is None:
        return [apply_change(s, None, meeting.timezone) for s in slots]
    changes = await date_changes(db, [meeting.id], slots[0].local_date, slots[-1].local_date)
    return [apply_change(s, changes.get((meeting.id, s.local_date)), meeting.timezone) for s in slots]
