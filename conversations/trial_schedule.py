"""When to remind and when to check in, per occurrence; and keeping each trial's rolling window filled.

Every due time is computed from the meeting's wall-clock time in its own zone on that local date (with the
date's cancel/move applied), then stored in UTC. The window holds the next WINDOW occurrences per trial
(at most 2 rows each: reminder + check-in), so the queue stays at ≤ 6 rows per trial however long the
count waits, and every row is re-checked against the current schedule when it is claimed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from conversations.meeting_format import saved_id
from storage.changes import date_changes
from storage.db import Database
from storage.meeting import Meeting, get_meetings
from storage.occurrences import (
    DateChange,
    Occurrence,
    apply_change,
    iter_slots,
    local_instant,
    slot_on,
    zone,
)
from storage.trials import NewReminder, Trial, TrialStore

REMIND_CHOICES = ("morning", "2h", "evening", "none")
WINDOW = 3
MORNING = time(9, 0)
EVENING = time(20, 0)
MIN_LEAD = timedelta(hours=1)
CHECKIN_AFTER = timedelta(minutes=15)
QUIET_FROM = time(23, 0)
QUIET_UNTIL = time(8, 0)
STALE_CHECKIN = timedelta(days=6)


def occurrence(meeting: Meeting, on_date: date, change: DateChange | None) -> Occurrence:
    """The meeting on one local date, with that date's cancel or move applied."""
    slot = slot_on(on_date, meeting.start_time, meeting.end_time, meeting.timezone)
    return apply_change(slot, change, meeting.timezone)


def reminder_due(occ: Occurrence, remind: str, tz_name: str | None) -> datetime | None:
    """When to send the reminder (UTC), or None for 'only the check-in'.

    morning: 09:00 on the day, unless that is less than an hour before the start (then 2 hours before);
    evening: 20:00 the evening before; 2h: two hours before the start.
    """
    tz = zone(tz_name)
    start = occ.begins.astimezone(UTC)
    two_hours = start - timedelta(hours=2)
    if remind == "2h":
        return two_hours
    if remind == "evening":
        day_before = occ.slot.local_date - timedelta(days=1)
        return local_instant(day_before, EVENING, tz).astimezone(UTC)
    if remind == "morning":
        morning = local_instant(occ.slot.local_date, MORNING, tz).astimezone(UTC)
        return morning if morning <= start - MIN_LEAD else two_hours
    return None


def checkin_due(occ: Occurrence, tz_name: str | None) -> datetime:
    """Fifteen minutes after the end; a check-in that would land in the night waits until 09:00."""
    tz = zone(tz_name)
    due = (occ.ends.astimezone(UTC) + CHECKIN_AFTER).astimezone(tz)
    local_t = due.timetz().replace(tzinfo=None)
    if local_t >= QUIET_FROM:
        return local_instant(due.date() + timedelta(days=1), MORNING, tz).astimezone(UTC)
    if local_t < QUIET_UNTIL:
        return local_instant(due.date(), MORNING, tz).astimezone(UTC)
    return due.astimezone(UTC)


def kinds_for(trial: Trial) -> tuple[str, ...]:
    """Which rows a trial gets per occurrence: ongoing trials only get (weekly) reminders."""
    out: list[str] = []
    if trial.remind != "none":
        out.append("reminder")
    if trial.status == "active":
        out.append("checkin")
    return tuple(out)


def rows_for(trial: Trial, meeting: Meeting, occ: Occurrence, now: datetime) -> list[NewReminder]:
    """The queue rows of one occurrence; a reminder whose time has already passed is left out."""
    out: list[NewReminder] = []
    for kind in kinds_for(trial):
        if kind == "reminder":
            due = reminder_due(occ, trial.remind, meeting.timezone)
            if due is None or due <= now:
                continue
        else:
            due = checkin_due(occ, meeting.timezone)
        out.append(NewReminder(trial.user_key, trial.id, trial.meeting_id, occ.slot.local_date, kind, due))
    return out


def upcoming(meeting: Meeting, after: datetime, count: int) -> list[date]:
    """The local dates of the next `count` occurrences starting at or after `after`."""
    out: list[date] = []
    for slot in iter_slots(
        meeting.weekday, meeting.start_time, meeting.end_time, meeting.timezone, after, include_running=False
    ):
        out.append(slot.local_date)
        if len(out) >= count:
            return out
    return out


async def occurrences(db: Database, meeting: Meeting, days: list[date]) -> list[Occurrence]:
    """Occurrences on some dates of one meeting, with their one-off changes applied."""
    if not days:
        return []
    mid = saved_id(meeting)
    changes = await date_changes(db, [mid], min(days), max(days))
    return [occurrence(meeting, d, changes.get((mid, d))) for d in days]


async def top_up(db: Database, trial_ids: Iterable[int], now: datetime) -> None:
    """Fill each open trial's window up to WINDOW dates with a pending row (dates after the last one).

    Batched: a fixed number of queries per call whatever the number of trials (used by every sweep).
    """
    store = TrialStore(db)
    trials = {i: t for i, t in (await store.trials(trial_ids)).items() if t.status in ("active", "ongoing")}
    if not trials:
        return
    windows = await store.window(trials)
    meetings = await get_meetings(db, (t.meeting_id for t in trials.values()))
    plans: list[tuple[Trial, Meeting, list[date]]] = []
    cache: dict[tuple[int, datetime, int], list[date]] = {}
    for trial in trials.values():
        meeting = meetings.get(trial.meeting_id)
        if meeting is None or meeting.attendance == "inactive":
            continue
        last, pending = windows.get(trial.id, (None, 0))
        need = WINDOW - pending
        if need <= 0:
            continue
        after = now
        if last is not None:
            after = max(now, local_instant(last + timedelta(days=1), time(0, 0), zone(meeting.timezone)))
        key = (trial.meeting_id, after, need)
        if key not in cache:
            cache[key] = upcoming(meeting, after, need)
        plans.append((trial, meeting, cache[key]))
    days = [d for _, _, ds in plans for d in ds]
    if not days:
        return
    changes = await date_changes(db, {t.meeting_id for t, _, _ in plans}, min(days), max(days))
    new: list[NewReminder] = []
    for trial, meeting, dates in plans:
        for d in dates:
            change = changes.get((trial.meeting_id, d))
            new.extend(rows_for(trial, meeting, occurrence(meeting, d, change), now))
    if new:
        await store.schedule(new)


async def reschedule(db: Database, trial_id: int, now: datetime) -> None:
    """Drop a trial's pending rows and plan its window again (after a change of timing or meeting).

    One transaction: a crash in between can never leave a trial with an empty window.
    """
    async with db.transaction():
        await TrialStore(db).drop_pending(trial_id)
        await top_up(db, [trial_id], now)


async def next_dates(db: Database, meeting: Meeting, now: datetime, count: int = 6) -> list[Occurrence]:
    """The next `count` occurrences (cancelled ones included, so they can be shown as such)."""
    return await occurrences(db, meeting, upcoming(meeting, now, count))


def utc(dt: datetime) -> datetime:
    """An aware datetime in UTC."""
    return dt.astimezone(UTC)
