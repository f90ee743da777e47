"""Turn a weekly meeting (ISO weekday + wall-clock time + IANA zone) into concrete dated occurrences.

A 19:30 meeting stays 19:30 local time across DST; an end at or before the start means past midnight.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/Amsterdam"
DEFAULT_DURATION = timedelta(minutes=90)


@lru_cache(maxsize=256)
def zone(name: str | None) -> ZoneInfo:
    """A ZoneInfo, falling back to Europe/Amsterdam for missing or unknown names (memoised)."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def parse_hhmm(value: str) -> time:
    """'19:30' → time(19, 30); '24:00' → 00:00."""
    hh, mm = value.split(":")[:2]
    return time(int(hh) % 24, int(mm))


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Wall-clock time on a date in a zone; a time in a DST gap moves forward to a real instant."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz)


@dataclass(frozen=True, slots=True)
class Slot:
    """One dated occurrence of a weekly meeting, in the meeting's own zone (and its instants in UTC, which
    compare with another zone's times without a zone lookup)."""

    local_date: date
    start: datetime
    end: datetime
    start_utc: datetime = field(init=False, repr=False, compare=False)
    end_utc: datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_utc", self.start.astimezone(UTC))
        object.__setattr__(self, "end_utc", self.end.astimezone(UTC))

    def in_progress(self, now: datetime) -> bool:
        """Whether the meeting is running at this instant."""
        return self.start <= now < self.end


@lru_cache(maxsize=65536)
def slot_on(day: date, start: str, end: str | None, tz_name: str | None) -> Slot:
    """The occurrence on a given local date (memoised: every listing asks for the same few weeks)."""
    tz = zone(tz_name)
    begins = local_instant(day, parse_hhmm(start), tz)
    if end:
        end_t = parse_hhmm(end)
        end_day = day + timedelta(days=1) if end_t <= parse_hhmm(start) else day
        ends = local_instant(end_day, end_t, tz)
    else:
        ends = (begins.astimezone(UTC) + DEFAULT_DURATION).astimezone(tz)
    return Slot(day, begins, ends)


def iter_slots(
    weekday: int,
    start: str,
    end: str | None,
    tz_name: str | None,
    after: datetime,
    *,
    include_running: bool = True,
) -> Iterator[Slot]:
    """Occurrences in time order from `after` on (those still running at `after` too, if asked)."""
    tz = zone(tz_name)
    day = _first_day(after.astimezone(tz).date(), weekday)
    at = after.astimezone(UTC)  # (UTC instants compare without zone lookups)
    while True:
        slot = slot_on(day, start, end, tz_name)
        if slot.start_utc >= at or (include_running and slot.end_utc > at):
            yield slot
        day += timedelta(days=7)


def _first_day(today: date, weekday: int) -> date:
    """The first date on the ISO weekday from the day before `today` on (a meeting may still be running)."""
    day = today - timedelta(days=1)
    return day + timedelta(days=(weekday - day.isoweekday()) % 7)


@lru_cache(maxsize=65536)
def slots_from(
    weekday: int, start: str, end: str | None, tz_name: str | None, today: date, count: int
) -> tuple[Slot, ...]:
    """`count` weekly slots from the one on or after the day before `today` (a local date in the meeting's
    zone): what iter_slots looks at, before it compares them with the time (memoised per local day)."""
    day = _first_day(today, weekday)
    return tuple(slot_on(day + timedelta(days=7 * i), start, end, tz_name) for i in range(count))


def next_slots(
    weekday: int,
    start: str,
    end: str | None,
    tz_name: str | None,
    after: datetime,
    count: int,
    *,
    include_running: bool = True,
) -> list[Slot]:
    """The next `count` occurrences from `after` on."""
    out: list[Slot] = []
    for slot in iter_slots(weekday, start, end, tz_name, after, include_running=include_running):
        out.append(slot)
        if len(out) >= count:
            break
    return out


@dataclass(frozen=True, slots=True)
class DateChange:
    """A one-off change of one date of a meeting: cancelled, or moved (time and/or place)."""

    kind: str  # 'cancel' | 'move'
    on_date: date
    new_start: str | None = None
    new_end: str | None = None
    new_location: str | None = None
    new_address: str | None = None
    new_lat: float | None = None
    new_lon: float | None = None
    new_url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A dated occurrence after one-off changes: scheduled, cancelled or moved."""

    slot: Slot
    status: str = "scheduled"  # 'scheduled' | 'cancelled' | 'moved'
    start: datetime | None = None
    end: datetime | None = None
    change: DateChange | None = None

    @property
    def begins(self) -> datetime:
        return self.start or self.slot.start

    @property
    def ends(self) -> datetime:
        return self.end or self.slot.end

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


def apply_change(slot: Slot, change: DateChange | None, tz_name: str | None) -> Occurrence:
    """The occurrence of a slot once its date's change (the latest one) is applied."""
    if change is None or change.on_date != slot.local_date:
        return Occurrence(slot)
    if change.kind == "cancel":
        return Occurrence(slot, "cancelled", change=change)
    if change.kind == "move":
        start_hhmm = change.new_start or slot.start.strftime("%H:%M")
        if change.new_end:
            end_hhmm: str | None = change.new_end
        elif change.new_start:
            duration = slot.end - slot.start
            moved = slot_on(slot.local_date, start_hhmm, None, tz_name)
            return Occurrence(
                slot,
                "moved",
                moved.start,
                (moved.start_utc + duration).astimezone(moved.start.tzinfo),
                change,
            )
        else:
            end_hhmm = slot.end.strftime("%H:%M")
        moved = slot_on(slot.local_date, start_hhmm, end_hhmm, tz_name)
        return Occurrence(slot, "moved", moved.start, moved.end, change)
    return Occurrence(slot)
