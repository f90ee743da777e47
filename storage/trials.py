"""Every SQL statement of the six-meeting trial: trials, the durable reminder queue, anonymous counters.

Times are stored as UTC text 'YYYY-MM-DDTHH:MM:SSZ' so that they sort as time and use the index
(status, due_at); a sweep therefore costs O(due), not O(pending).

For other features: TrialStore(db).participants(meeting_id) → pseudonyms with an open trial on a meeting;
trials_for_meeting(meeting_id) → those trials; open_trial(user_key); counters() → the anonymous figures;
purge_finished(now) → erase trials ended 14+ days ago. Open statuses: OPEN_STATUSES.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from storage.db import Database, Tx, in_chunks, parse_utc, utc_text
from storage.occurrences import DEFAULT_ZONE, zone

OPEN_STATUSES = ("active", "paused", "done", "ongoing")
# The same list for SQL, written exactly as the partial index trials_one_open has it (so SQLite uses it).
OPEN_SQL = "(" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"
ENDED_STATUSES = ("finished", "stopped")
KEEP_ENDED = timedelta(days=14)
GOAL = 6
_TRIAL_COLS = "id, user_key, meeting_id, program, remind, attended, status, started_at, ended_at"
_REM_COLS = "id, user_key, trial_id, meeting_id, on_date, kind, due_at, attempts, answer, status"


def month_of(now: datetime) -> str:
    """The local (Amsterdam) month of an instant, e.g. '2026-03', for the anonymous counters."""
    return now.astimezone(zone(DEFAULT_ZONE)).strftime("%Y-%m")


@dataclass(frozen=True, slots=True)
class Trial:
    """One person's trial with one meeting."""

    id: int
    user_key: str
    meeting_id: int
    program: str
    remind: str
    attended: int
    status: str
    started_at: str
    ended_at: str | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """One queued reminder or check-in for one occurrence (local date) of a trial's meeting."""

    id: int
    user_key: str
    trial_id: int
    meeting_id: int
    on_date: date
    kind: str
    due_at: datetime
    attempts: int
    answer: str | None
    status: str


@dataclass(frozen=True, slots=True)
class NewReminder:
    """A row to schedule."""

    user_key: str
    trial_id: int
    meeting_id: int
    on_date: date
    kind: str
    due_at: datetime


def _trial(r: Sequence[Any]) -> Trial:
    return Trial(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])


def _rem(r: Sequence[Any]) -> ReminderRow:
    return ReminderRow(
        r[0], r[1], r[2], r[3], date.fromisoformat(r[4]), r[5], parse_utc(r[6]), r[7], r[8], r[9]
    )


class TrialStore:
    """Trials, their reminder queue and the anonymous counters."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- trials ---------------------------------------------------------------------------------

    async def open_trial(self, user_key: str) -> Trial | None:
        """The pseudonym's trial that has not ended, if any."""
        row = await self.db.fetchone(
            f"SELECT {_TRIAL_COLS} FROM trials WHERE user_key = ? AND status IN {OPEN_SQL}",
            (user_key,),
        )
        return _trial(row) if row else None

    async def get(self, trial_id: int) -> Trial | None:
        row = await self.db.fetchone(f"SELECT {_TRIAL_COLS} FROM trials WHERE id = ?", (trial_id,))
        return _trial(row) if row else None

    async def start(
        self, user_key: str, meeting_id: int, program: str, remind: str, now: datetime, tag: str | None = None
    ) -> Trial:
        """Begin a trial (or return the open one) and count it, anonymously, as started (and for its tag)."""
        async with self.db.tx() as tx:
            row = await tx.fetchone(
                f"SELECT {_TRIAL_COLS} FROM trials WHERE user_key = ? AND status IN {OPEN_SQL}",
                (user_key,),
            )
            if row is not None:
                return _trial(row)
            trial_id = await tx.insert(
                "INSERT INTO trials(user_key, meeting_id, program, remind, started_at, referral_tag) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (user_key, meeting_id, program, remind, utc_text(now), tag),
            )
            await _count(tx, program, now, "started")
            await _count_tag(tx, tag, now, "started")
            row = await tx.fetchone(f"SELECT {_TRIAL_COLS} FROM trials WHERE id = ?", (trial_id,))
        assert row is not None
        return _trial(row)

    async def start_many(self, items: Sequence[tuple[str, int, str, str]], now: datetime) -> list[int]:
        """Bulk start (user_key, meeting_id, program, remind) trials in one transaction; returns their ids.

        For bulk loads (bench, migrations); the chat uses start().
        """
        async with self.db.tx() as tx:
            row = await tx.fetchone("SELECT COALESCE(MAX(id), 0) FROM trials")
            first = (row[0] if row else 0) + 1
            ids = list(range(first, first + len(items)))
            await tx.executemany(
                "INSERT INTO trials(id, user_key, meeting_id, program, remind, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(i, *item, utc_text(now)) for i, item in zip(ids, items, strict=True)],
            )
            per_program: dict[str, int] = {}
            for item in items:
                per_program[item[2]] = per_program.get(item[2], 0) + 1
            for program, n in per_program.items():
                await tx.execute(
                    "INSERT INTO trial_counters(program, month, started) VALUES (?, ?, ?) "
                    "ON CONFLICT(program, month) DO UPDATE SET started = started + excluded.started",
                    (program, month_of(now), n),
                )
        return ids

    async def set_remind(self, trial_id: int, remind: str) -> None:
        await self.db.execute("UPDATE trials SET remind = ? WHERE id = ?", (remind, trial_id))

    async def set_meeting(self, trial_id: int, meeting_id: int) -> None:
        """Move a trial to another meeting of the same fellowship (the count stays)."""
        await self.db.execute("UPDATE trials SET meeting_id = ? WHERE id = ?", (meeting_id, trial_id))

    async def set_status(self, trial_id: int, status: str, now: datetime) -> None:
        """Change the status; ending statuses stamp ended_at, and pending reminders are dropped."""
        ended = utc_text(now) if status in ENDED_STATUSES else None
        async with self.db.tx() as tx:
            await tx.execute(
                "UPDATE trials SET status = ?, ended_at = ? WHERE id = ?", (status, ended, trial_id)
            )
            if status in (*ENDED_STATUSES, "paused", "done"):
                await tx.execute(
                    "DELETE FROM reminders WHERE trial_id = ? AND status IN ('pending', 'claimed')",
                    (trial_id,),
                )

    async def answer_checkin(
        self, user_key: str, reminder_id: int, answer: str, now: datetime
    ) -> Trial | None:
        """Record the answer to a check-in once; 'yes'/'nofit' add one attended meeting.

        Returns the trial after the change, or None when the check-in is unknown or already answered.
        """
        async with self.db.tx() as tx:
            changed = await tx.execute(
                "UPDATE reminders SET answer = ? WHERE id = ? AND user_key = ? AND kind = 'checkin' "
                "AND answer IS NULL",
                (answer, reminder_id, user_key),
            )
            if not changed:
                return None
            row = await tx.fetchone(
                f"SELECT {_TRIAL_COLS} FROM trials WHERE id = (SELECT trial_id FROM reminders WHERE id = ?)",
                (reminder_id,),
            )
            if row is None:
                return None
            trial = _trial(row)
            if answer in ("yes", "nofit") and trial.status in ("active", "paused"):
                attended = trial.attended + 1
                status = "done" if attended >= GOAL else trial.status
                await tx.execute(
                    "UPDATE trials SET attended = ?, status = ? WHERE id = ?", (attended, status, trial.id)
                )
                tag_row = await tx.fetchone("SELECT referral_tag FROM trials WHERE id = ?", (trial.id,))
                tag = tag_row[0] if tag_row else None
                if attended == 1:
                    await _count(tx, trial.program, now, "first_attended")
                    await _count_tag(tx, tag, now, "first_attended")
                if attended == GOAL:
                    await _count(tx, trial.program, now, "six_reached")
                    await _count_tag(tx, tag, now, "six_reached")
                    await tx.execute(
                        "DELETE FROM reminders WHERE trial_id = ? AND status = 'pending'", (trial.id,)
                    )
                row = await tx.fetchone(f"SELECT {_TRIAL_COLS} FROM trials WHERE id = ?", (trial.id,))
                assert row is not None
                trial = _trial(row)
        return trial

    async def answer_reminder(self, user_key: str, reminder_id: int, answer: str) -> ReminderRow | None:
        """Note 'going' or 'skip' on a reminder; 'skip' also drops that date's check-in (the count waits)."""
        async with self.db.tx() as tx:
            row = await tx.fetchone(
                f"SELECT {_REM_COLS} FROM reminders WHERE id = ? AND user_key = ? AND kind = 'reminder'",
                (reminder_id, user_key),
            )
            if row is None:
                return None
            rem = _rem(row)
            await tx.execute("UPDATE reminders SET answer = ? WHERE id = ?", (answer, reminder_id))
            if answer == "skip":
                await tx.execute(
                    "UPDATE reminders SET status = 'skipped', answer = 'no' WHERE trial_id = ? "
                    "AND on_date = ? AND kind = 'checkin' AND status = 'pending'",
                    (rem.trial_id, rem.on_date.isoformat()),
                )
        return rem

    async def open_checkin(self, user_key: str) -> int | None:
        """The latest check-in sent to a pseudonym and not answered yet (for a typed 'ja' / 'nee')."""
        row = await self.db.fetchone(
            "SELECT id FROM reminders WHERE user_key = ? AND status = 'sent' AND kind = 'checkin' "
            "AND answer IS NULL ORDER BY due_at DESC LIMIT 1",
            (user_key,),
        )
        return row[0] if row else None

    async def participants(self, meeting_id: int) -> list[str]:
        """Pseudonyms with an open trial on a meeting (for support broadcasts about changes)."""
        rows = await self.db.fetchall(
            f"SELECT user_key FROM trials WHERE meeting_id = ? AND status IN {OPEN_SQL}",
            (meeting_id,),
        )
        return [r[0] for r in rows]

    async def trials_for_meeting(self, meeting_id: int) -> list[Trial]:
        """Open trials on a meeting."""
        rows = await self.db.fetchall(
            f"SELECT {_TRIAL_COLS} FROM trials WHERE meeting_id = ? AND status IN {OPEN_SQL}",
            (meeting_id,),
        )
        return [_trial(r) for r in rows]

    async def purge_finished(self, now: datetime, keep: timedelta = KEEP_ENDED) -> int:
        """Erase trials that ended more than `keep` ago (their reminders go with them); return how many.

        Settled queue rows older than `keep` are dropped too. Only the anonymous counters remain.
        """
        cutoff = utc_text(now - keep)
        async with self.db.tx() as tx:
            await tx.execute(
                "DELETE FROM reminders WHERE trial_id IN (SELECT id FROM trials WHERE ended_at IS NOT NULL "
                "AND ended_at <= ?)",
                (cutoff,),
            )
            count = await tx.execute(
                "DELETE FROM trials WHERE ended_at IS NOT NULL AND ended_at <= ?", (cutoff,)
            )
            for status in ("sent", "skipped", "failed"):
                await tx.execute("DELETE FROM reminders WHERE status = ? AND due_at <= ?", (status, cutoff))
        return count

    async def purge_if_due(self, now: datetime, every: timedelta = timedelta(days=1)) -> int | None:
        """Run purge_finished when the last run (by any process) is more than `every` ago; None if not due."""
        async with self.db.tx() as tx:
            changed = await tx.execute(
                "UPDATE trial_sync SET last_purge = ? WHERE id = 1 "
                "AND (last_purge IS NULL OR last_purge <= ? OR last_purge > ?)",
                (utc_text(now), utc_text(now - every), utc_text(now)),
            )
        return await self.purge_finished(now) if changed else None

    async def counters(self) -> list[tuple[str, str, int, int, int]]:
        """(program, month, started, first_attended, six_reached), by month then fellowship."""
        rows = await self.db.fetchall(
            "SELECT program, month, started, first_attended, six_reached FROM trial_counters "
            "ORDER BY month, program"
        )
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    # --- the queue ------------------------------------------------------------------------------

    async def schedule(self, rows: Iterable[NewReminder]) -> None:
        """Queue rows (a row that already exists for that trial, date and kind is left alone)."""
        await self.schedule_many(
            (r.user_key, r.trial_id, r.meeting_id, r.on_date.isoformat(), r.kind, utc_text(r.due_at))
            for r in rows
        )

    async def schedule_many(self, rows: Iterable[tuple[str, int, int, str, str, str]]) -> None:
        """Queue raw rows (user_key, trial_id, meeting_id, on_date ISO, kind, due_at UTC text)."""
        async with self.db.tx() as tx:
            await tx.executemany(
                "INSERT OR IGNORE INTO reminders(user_key, trial_id, meeting_id, on_date, kind, due_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    async def window(self, trial_ids: Iterable[int]) -> dict[int, tuple[date | None, int]]:
        """Per trial: the latest scheduled local date, and how many dates still have a pending row."""
        ids = list(dict.fromkeys(trial_ids))
        out: dict[int, tuple[date | None, int]] = {i: (None, 0) for i in ids}
        for chunk, marks in in_chunks(ids):
            rows = await self.db.fetchall(
                "SELECT trial_id, MAX(on_date), COUNT(DISTINCT CASE WHEN status = 'pending' "
                f"THEN on_date END) FROM reminders WHERE trial_id IN ({marks}) "
                "GROUP BY trial_id",
                chunk,
            )
            for r in rows:
                out[r[0]] = (date.fromisoformat(r[1]) if r[1] else None, r[2])
        return out

    async def trials(self, ids: Iterable[int]) -> dict[int, Trial]:
        """Trials by id."""
        wanted = list(dict.fromkeys(ids))
        out: dict[int, Trial] = {}
        for chunk, marks in in_chunks(wanted):
            rows = await self.db.fetchall(f"SELECT {_TRIAL_COLS} FROM trials WHERE id IN ({marks})", chunk)
            out.update({r[0]: _trial(r) for r in rows})
        return out

    async def next_due_at(self) -> datetime | None:
        """The earliest pending due time, or the earliest lease that will run out (index lookups only)."""
        row = await self.db.fetchone(
            "SELECT (SELECT MIN(due_at) FROM reminders WHERE status = 'pending'), "
            "(SELECT MIN(lease_until) FROM reminders WHERE status = 'claimed')"
        )
        times = [parse_utc(t) for t in (row or ()) if t]
        return min(times) if times else None

    async def claim(
        self, now: datetime, lease: timedelta, *, limit: int = 100, user_key: str | None = None
    ) -> list[ReminderRow]:
        """Atomically claim due rows (and rows whose lease ran out after a crash), oldest first.

        BEGIN IMMEDIATE + UPDATE … RETURNING: two processes never get the same row.
        """
        stamp, until = utc_text(now), utc_text(now + lease)
        async with self.db.tx() as tx:
            if user_key is None:
                await tx.execute(
                    "UPDATE reminders SET status = 'pending' WHERE status = 'claimed' AND lease_until <= ?",
                    (stamp,),
                )
                pick: tuple[str, tuple[Any, ...]] = (
                    "SELECT id FROM reminders WHERE status = 'pending' AND due_at <= ? "
                    "ORDER BY due_at LIMIT ?",
                    (stamp, limit),
                )
            else:
                await tx.execute(
                    "UPDATE reminders SET status = 'pending' WHERE user_key = ? AND status = 'claimed' "
                    "AND lease_until <= ?",
                    (user_key, stamp),
                )
                pick = (
                    "SELECT id FROM reminders WHERE user_key = ? AND status = 'pending' AND due_at <= ? "
                    "ORDER BY due_at LIMIT ?",
                    (user_key, stamp, limit),
                )
            rows = await tx.fetchall(
                "UPDATE reminders SET status = 'claimed', lease_until = ?, attempts = attempts + 1 "
                f"WHERE id IN ({pick[0]}) RETURNING {_REM_COLS}",
                (until, *pick[1]),
            )
        return sorted((_rem(r) for r in rows), key=lambda r: (r.due_at, r.id))

    async def settle(self, reminder_id: int, status: str) -> None:
        """Mark a claimed row sent, skipped or failed."""
        await self.settle_many([reminder_id], status)

    async def settle_many(self, ids: Sequence[int], status: str) -> None:
        """Mark claimed rows sent, skipped or failed."""
        if not ids:
            return
        async with self.db.tx() as tx:
            await tx.executemany(
                "UPDATE reminders SET status = ?, lease_until = NULL WHERE id = ? AND status = 'claimed'",
                [(status, i) for i in ids],
            )

    async def requeue(self, items: Sequence[tuple[int, datetime]]) -> None:
        """Put claimed or pending rows back as pending at a (new) due time."""
        if not items:
            return
        async with self.db.tx() as tx:
            await tx.executemany(
                "UPDATE reminders SET status = 'pending', due_at = ?, lease_until = NULL "
                "WHERE id = ? AND status IN ('pending', 'claimed')",
                [(utc_text(due), i) for i, due in items],
            )

    async def pending_for_meetings(self, meeting_ids: Iterable[int]) -> list[ReminderRow]:
        """Pending rows of some meetings (to re-time them after a schedule change)."""
        ids = list(dict.fromkeys(meeting_ids))
        out: list[ReminderRow] = []
        for chunk, marks in in_chunks(ids):
            rows = await self.db.fetchall(
                f"SELECT {_REM_COLS} FROM reminders WHERE meeting_id IN ({marks}) AND status = 'pending'",
                chunk,
            )
            out.extend(_rem(r) for r in rows)
        return out

    async def drop(self, ids: Sequence[int]) -> None:
        """Remove pending rows by id (dates the meeting no longer has)."""
        if ids:
            async with self.db.tx() as tx:
                await tx.executemany(
                    "DELETE FROM reminders WHERE id = ? AND status = 'pending'", [(i,) for i in ids]
                )

    async def drop_pending(self, trial_id: int) -> None:
        """Remove a trial's pending rows (before rescheduling it)."""
        await self.db.execute("DELETE FROM reminders WHERE trial_id = ? AND status = 'pending'", (trial_id,))

    async def changed_meetings(self) -> tuple[list[int], int]:
        """Meetings with schedule changes written since the queue last caught up, and the newest change id."""
        row = await self.db.fetchone("SELECT last_change_id FROM trial_sync WHERE id = 1")
        last = row[0] if row else 0
        rows = await self.db.fetchall(
            "SELECT meeting_id, MAX(id) FROM meeting_changes WHERE id > ? GROUP BY meeting_id", (last,)
        )
        return [r[0] for r in rows], max((r[1] for r in rows), default=last)

    async def mark_synced(self, change_id: int) -> None:
        """Remember that the queue has caught up with changes up to this id."""
        await self.db.execute(
            "UPDATE trial_sync SET last_change_id = MAX(last_change_id, ?) WHERE id = 1", (change_id,)
        )


async def _count_tag(tx: Tx, tag: str | None, now: datetime, column: str) -> None:
    """Add one to a referral tag's anonymous monthly counter, when the trial came with a tag."""
    if tag:
        await tx.execute(
            f"INSERT INTO tag_counters(tag, month, {column}) VALUES (?, ?, 1) "
            f"ON CONFLICT(tag, month) DO UPDATE SET {column} = {column} + 1",
            (tag, month_of(now)),
        )


async def _count(tx: Tx, program: str, now: datetime, column: str) -> None:
    """Add one to an anonymous counter (per fellowship per month)."""
    assert column in ("started", "first_attended", "six_reached")
    await tx.execute(
        f"INSERT INTO trial_counters(program, month, {column}) VALUES (?, ?, 1) "
        f"ON CONFLICT(program, month) DO UPDATE SET {column} = {column} + 1",
        (program, month_of(now)),
    )
