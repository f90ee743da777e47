"""Dated occurrences of meetings with one-off changes applied (cancelled dates, moved dates)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from itertools import takewhile

from storage.changes import date_changes
from storage.db import Database
from storage.meeting import Meeting
from storage.occurrences import Occurrence, Slot, apply_change, iter_slots, next_slots, slots_from, zone

WEEK = timedelta(days=7)


async def within(
    db: Database, meetings: Iterable[Meeting], now: datetime, span: timedelta = WEEK
) -> list[tuple[Meeting, Occurrence]]:
    """Every occurrence that is running at `now` or starts before now + span, in time order."""
    items: list[tuple[Meeting, Occurrence]] = []
    slots: list[tuple[Meeting, Slot]] = []
    until = now + span
    now_utc, until_utc = now.astimezone(UTC), until.astimezone(UTC)  # (compared without zone lookups)
    count = span.days // 7 + 3  # weekly slots from yesterday on that reach past the span
    today: dict[str | None, date] = {}  # the local date of `now` per zone
    for m in meetings:
        tz = m.timezone
        local = today.get(tz)
        if local is None:
            local = today[tz] = now.astimezone(zone(tz)).date()
        weekly = slots_from(m.weekday, m.start_time, m.end_time, tz, local, count)
        if weekly[-1].start_utc < until_utc:  # (a span this count does not cover) the slots one by one
            found = iter_slots(m.weekday, m.start_time, m.end_time, tz, now)
            weekly = tuple(takewhile(lambda s: s.start < until, found))
        for slot in weekly:
            if slot.start_utc >= until_utc:
                break
            if slot.start_utc >= now_utc or slot.end_utc > now_utc:
                slots.append((m, slot))
    if not slots:
        return []
    first = min(s.local_date for _, s in slots)
    last = max(s.local_date for _, s in slots)
    changes = await date_changes(db, [m.id for m, _ in slots if m.id is not None], first, last)
    for m, slot in slots:
        items.append((m, apply_change(slot, changes.get((m.id or 0, slot.local_date)), m.timezone)))
    items.sort(key=lambda pair: (pair[1].begins, pair[0].name))
    return items


async def next_of(db: Database, meeting: Meeting, now: datetime, count: int) -> list[Occurrence]:
    """The next `count` dated occurrences of one meeting (a running one included), changes applied."""
    slots = next_slots(meeting.weekday, meeting.start_time, meeting.end_time, meeting.timezone, now, count)
    if not slots or meeting.id is None:
        return [apply_change(s, None, meeting.timezone) for s in slots]
    changes = await date_changes(db, [meeting.id], slots[0].local_date, slots[-1].local_date)
    return [apply_change(s, changes.get((meeting.id, s.local_date)), meeting.timezone) for s in slots]
