"""Reminder and check-in times (DST, 00:30, past midnight), cancelled and moved dates, downtime, erasure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from trial_support import add_change, add_meeting, drain, edit_meeting

from content.i18n import translator
from conversations.clock import FixedClock
from conversations.context import Services
from conversations.reminders import SOURCE, when_words
from conversations.trial_schedule import checkin_due, occurrence, reminder_due, top_up
from conversations.types import Outgoing
from storage.meeting import get_meeting
from storage.trials import TrialStore
from tests.trial_support import queued

USER = "u" * 64


def z(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def meeting_info(services: Services, **fields: object):
    mid = await add_meeting(services.db, **fields)
    info = await get_meeting(services.db, mid)
    assert info is not None
    return info


@pytest.mark.parametrize(
    ("day", "remind", "expected"),
    [
        # Tuesday 19:30 around the last Sunday of March (29 March 2026): CET (+1) then CEST (+2).
        (date(2026, 3, 24), "2h", z(2026, 3, 24, 16, 30)),
        (date(2026, 3, 31), "2h", z(2026, 3, 31, 15, 30)),
        (date(2026, 3, 24), "morning", z(2026, 3, 24, 8, 0)),
        (date(2026, 3, 31), "morning", z(2026, 3, 31, 7, 0)),
        (date(2026, 3, 24), "evening", z(2026, 3, 23, 19, 0)),
        (date(2026, 3, 31), "evening", z(2026, 3, 30, 18, 0)),
        # Around the last Sunday of October (25 October 2026): CEST then CET.
        (date(2026, 10, 20), "2h", z(2026, 10, 20, 15, 30)),
        (date(2026, 10, 27), "2h", z(2026, 10, 27, 16, 30)),
        (date(2026, 10, 27), "evening", z(2026, 10, 26, 19, 0)),
    ],
)
async def test_tuesday_reminder_times_in_utc(services: Services, day: date, remind: str, expected: datetime):
    meeting = await meeting_info(services, weekday=2, start_time="19:30", end_time="21:00")
    occ = occurrence(meeting, day, None)
    assert reminder_due(occ, remind, meeting.timezone) == expected
    assert reminder_due(occ, "none", meeting.timezone) is None


async def test_sunday_meetings_on_the_dst_sundays(services: Services):
    meeting = await meeting_info(services, weekday=7, start_time="10:00", end_time="11:30")
    march = occurrence(meeting, date(2026, 3, 29), None)  # the clocks went forward that night
    assert march.begins.astimezone(UTC) == z(2026, 3, 29, 8, 0)
    assert reminder_due(march, "evening", meeting.timezone) == z(2026, 3, 28, 19, 0)  # Saturday, still CET
    assert reminder_due(march, "morning", meeting.timezone) == z(2026, 3, 29, 7, 0)
    assert checkin_due(march, meeting.timezone) == z(2026, 3, 29, 9, 45)
    october = occurrence(meeting, date(2026, 10, 25), None)  # the clocks went back that night
    assert october.begins.astimezone(UTC) == z(2026, 10, 25, 9, 0)
    assert reminder_due(october, "evening", meeting.timezone) == z(2026, 10, 24, 18, 0)  # Saturday, CEST
    assert reminder_due(october, "2h", meeting.timezone) == z(2026, 10, 25, 7, 0)
    before = occurrence(meeting, date(2026, 3, 22), None)
    assert before.begins.astimezone(UTC) == z(2026, 3, 22, 9, 0)


async def test_meeting_at_half_past_midnight(services: Services):
    meeting = await meeting_info(services, weekday=7, start_time="00:30", end_time=None)
    occ = occurrence(meeting, date(2026, 3, 29), None)
    assert occ.begins.astimezone(UTC) == z(2026, 3, 28, 23, 30)
    # 'The morning of' would be after the start: it falls back to two hours before.
    assert reminder_due(occ, "morning", meeting.timezone) == z(2026, 3, 28, 21, 30)
    assert reminder_due(occ, "evening", meeting.timezone) == z(2026, 3, 28, 19, 0)
    # Ends 90 minutes later (03:00 CEST, across the gap); a night-time check-in waits until 09:00.
    assert occ.ends.astimezone(UTC) == z(2026, 3, 29, 1, 0)
    assert checkin_due(occ, meeting.timezone) == z(2026, 3, 29, 7, 0)
    reminded_at = reminder_due(occ, "2h", meeting.timezone)
    assert reminded_at is not None
    assert when_words(translator("nl"), occ.begins, reminded_at) == "Vannacht 00:30"


async def test_meeting_that_ends_after_midnight(services: Services):
    meeting = await meeting_info(services, weekday=6, start_time="23:00", end_time="00:30")
    occ = occurrence(meeting, date(2026, 10, 24), None)  # Saturday before the clocks go back
    assert occ.begins.astimezone(UTC) == z(2026, 10, 24, 21, 0)
    assert occ.ends.astimezone(UTC) == z(2026, 10, 24, 22, 30)  # 00:30 CEST on Sunday
    assert checkin_due(occ, meeting.timezone) == z(2026, 10, 25, 8, 0)  # 09:00 CET on Sunday
    march = occurrence(meeting, date(2026, 3, 28), None)
    assert march.ends.astimezone(UTC) == z(2026, 3, 28, 23, 30)
    assert checkin_due(march, meeting.timezone) == z(2026, 3, 29, 7, 0)  # 09:00 CEST


async def start_trial(services: Services, remind: str = "2h", **fields: object) -> tuple[int, int]:
    """A trial on a new meeting, its window scheduled at the clock's time; returns (trial id, meeting id)."""
    mid = await add_meeting(services.db, **fields)
    await services.users.save(USER, "nl", {}, services.clock.now())
    store = TrialStore(services.db)
    trial = await store.start(USER, mid, "NA", remind, services.clock.now())
    await top_up(services.db, [trial.id], services.clock.now())
    return trial.id, mid


async def test_rows_store_utc_due_times_and_window(services: Services):
    trial_id, _ = await start_trial(services)  # clock: Monday 23 March 10:00 UTC
    rows = await queued(services.db, trial_id)
    dates = sorted({r.on_date for r in rows})
    assert dates == [date(2026, 3, 24), date(2026, 3, 31), date(2026, 4, 7)]
    due = {(r.on_date, r.kind): r.due_at for r in rows}
    assert due[(date(2026, 3, 24), "reminder")] == z(2026, 3, 24, 16, 30)
    assert due[(date(2026, 3, 31), "reminder")] == z(2026, 3, 31, 15, 30)
    assert due[(date(2026, 3, 31), "checkin")] == z(2026, 3, 31, 19, 15)
    raw = await services.db.fetchone("SELECT due_at FROM reminders ORDER BY due_at LIMIT 1")
    assert raw is not None and raw[0] == "2026-03-24T16:30:00Z"


async def test_reminder_then_checkin_then_window_moves_on(services: Services):
    trial_id, _ = await start_trial(services)
    assert await drain(services, z(2026, 3, 24, 16, 29)) == []
    [reminder] = await drain(services, z(2026, 3, 24, 16, 30))
    assert reminder.kind == "trial.reminder"
    first_line, second = reminder.reply.messages[0].text.splitlines()[:2]
    assert first_line == "Vanavond 19:30 — je meeting"
    assert "NA" not in first_line and "Testgroep" not in first_line
    assert second == "Lindelaan 1, Utrecht"  # street and town only; the venue follows later
    assert "Plek: Buurthuis De Linde" in reminder.reply.messages[0].text
    labels = [b.id for b in reminder.reply.buttons()]
    assert labels == [
        f"t:go:{reminder.ref}",
        f"t:skip:{reminder.ref}",
        "t:pause",
        "t:stop",
        "m:home",
        "h:show",
    ]
    [checkin] = await drain(services, z(2026, 3, 24, 20, 15))
    assert checkin.kind == "trial.checkin"
    assert checkin.reply.messages[0].text.startswith("Ben je gegaan?")
    rows = await queued(services.db, trial_id)
    pending = sorted({r.on_date for r in rows if r.status == "pending"})
    assert pending == [date(2026, 3, 31), date(2026, 4, 7), date(2026, 4, 14)]
    assert await drain(services, z(2026, 3, 24, 23, 0)) == []  # nothing twice


async def test_cancelled_date_is_skipped_and_the_count_waits(services: Services):
    trial_id, mid = await start_trial(services)
    await add_change(services.db, mid, "cancel", date(2026, 3, 24))
    assert await drain(services, z(2026, 3, 24, 16, 30)) == []
    assert await drain(services, z(2026, 3, 24, 22, 0)) == []
    statuses = {(r.on_date, r.kind): r.status for r in await queued(services.db, trial_id)}
    assert statuses[(date(2026, 3, 24), "reminder")] == "skipped"
    assert statuses[(date(2026, 3, 24), "checkin")] == "skipped"
    trial = await TrialStore(services.db).get(trial_id)
    assert trial is not None and trial.attended == 0
    [next_one] = await drain(services, z(2026, 3, 31, 15, 30))
    assert next_one.reply.messages[0].text.startswith("Vanavond 19:30")


async def test_moved_date_is_reminded_at_its_new_time_and_place(services: Services):
    trial_id, mid = await start_trial(services)
    # Written after the rows were queued: moved earlier (17:00) to another place.
    await add_change(
        services.db, mid, "move", date(2026, 3, 24), new_start="17:00", new_location="Wijkcentrum Oost"
    )
    [reminder] = await drain(services, z(2026, 3, 24, 14, 0))  # 15:00 local = 17:00 − 2 h
    text = reminder.reply.messages[0].text
    assert text.splitlines()[0] == "Vanmiddag 17:00 — je meeting"
    assert "Wijkcentrum Oost" in text
    # The check-in follows the moved end (17:00 + 90 min + 15 min = 18:45 local = 17:45 UTC).
    assert await drain(services, z(2026, 3, 24, 17, 44)) == []
    [checkin] = await drain(services, z(2026, 3, 24, 17, 45))
    assert checkin.kind == "trial.checkin"
    assert trial_id


async def test_moved_later_is_not_sent_at_the_old_time(services: Services):
    _, mid = await start_trial(services)
    await add_change(services.db, mid, "move", date(2026, 3, 24), new_start="21:00", new_end="22:30")
    assert await drain(services, z(2026, 3, 24, 16, 30)) == []
    [reminder] = await drain(services, z(2026, 3, 24, 18, 0))
    assert reminder.reply.messages[0].text.startswith("Vanavond 21:00")


async def test_after_downtime_started_meetings_skip_to_the_checkin(services: Services):
    trial_id, _ = await start_trial(services)
    # Down from before the reminder until after the meeting started: the reminder is skipped.
    items = await drain(services, z(2026, 3, 24, 18, 40))
    assert items == []
    [checkin] = await drain(services, z(2026, 3, 24, 20, 15))
    assert checkin.kind == "trial.checkin"
    # Down across the next reminder time, but back before the meeting starts: still reminded.
    [late] = await drain(services, z(2026, 3, 31, 17, 0))
    assert late.kind == "trial.reminder"
    statuses = {(r.on_date, r.kind): r.status for r in await queued(services.db, trial_id)}
    assert statuses[(date(2026, 3, 24), "reminder")] == "skipped"


async def test_blocked_user_is_erased_with_every_trial_row(services: Services):
    await start_trial(services)
    [item] = await drain_no_settle(services, z(2026, 3, 24, 16, 30))
    await SOURCE.settle(services, item, "blocked")
    for table in ("trials", "reminders", "users"):
        row = await services.db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE user_key = ?", (USER,))
        assert row is not None and row[0] == 0, table
    counters = await TrialStore(services.db).counters()
    assert counters == [("NA", "2026-03", 1, 0, 0)]


async def drain_no_settle(services: Services, at: datetime) -> list[Outgoing]:
    assert isinstance(services.clock, FixedClock)
    services.clock.set(at)
    return await SOURCE.claim_due(services, at)


async def test_retry_requeues_and_failed_is_final(services: Services):
    await start_trial(services)
    [item] = await drain_no_settle(services, z(2026, 3, 24, 16, 30))
    await SOURCE.settle(services, item, "retry", retry_at=z(2026, 3, 24, 16, 35))
    assert await drain_no_settle(services, z(2026, 3, 24, 16, 34)) == []
    [again] = await drain_no_settle(services, z(2026, 3, 24, 16, 35))
    assert again.ref == item.ref
    await SOURCE.settle(services, again, "failed")
    assert await drain_no_settle(services, z(2026, 3, 24, 17, 0)) == []


async def test_finished_trial_is_erased_after_14_days(services: Services):
    trial_id, _ = await start_trial(services)
    store = TrialStore(services.db)
    await store.set_status(trial_id, "finished", z(2026, 4, 1, 12, 0))
    assert await store.purge_finished(z(2026, 4, 15, 11, 0)) == 0
    assert await store.purge_finished(z(2026, 4, 15, 12, 0)) == 1
    assert await store.get(trial_id) is None
    row = await services.db.fetchone("SELECT COUNT(*) FROM reminders")
    assert row is not None and row[0] == 0
    assert await store.counters() == [("NA", "2026-03", 1, 0, 0)]


async def test_next_due_at_uses_the_earliest_pending_row(services: Services):
    assert await SOURCE.next_due_at(services) is None
    await start_trial(services)
    assert await SOURCE.next_due_at(services) == z(2026, 3, 24, 16, 30)
    await drain_no_settle(services, z(2026, 3, 24, 16, 30))  # claimed, never settled (a crash)
    assert await SOURCE.next_due_at(services) == z(2026, 3, 24, 16, 35)  # when the lease runs out


async def test_paused_trial_gets_nothing_until_resumed(services: Services):
    trial_id, _ = await start_trial(services)
    store = TrialStore(services.db)
    await store.set_status(trial_id, "paused", services.clock.now())
    assert await drain(services, z(2026, 3, 25, 0, 0)) == []
    row = await services.db.fetchone("SELECT COUNT(*) FROM reminders WHERE trial_id = ?", (trial_id,))
    assert row is not None and row[0] == 0


async def test_the_sweep_erases_finished_trials_once_a_day(services: Services):
    trial_id, _ = await start_trial(services)
    store = TrialStore(services.db)
    await store.set_status(trial_id, "stopped", z(2026, 3, 23, 12, 0))
    assert await store.purge_if_due(z(2026, 4, 6, 0, 0)) == 0  # ran: not 14 days yet
    assert await store.purge_if_due(z(2026, 4, 6, 13, 0)) is None  # not again within a day
    assert await store.get(trial_id) is not None
    await drain(services, z(2026, 4, 7, 1, 0))  # the next day's sweep purges
    assert await store.get(trial_id) is None
    assert await store.counters() == [("NA", "2026-03", 1, 0, 0)]


async def test_a_permanent_change_of_day_and_time_re_plans_the_queue(services: Services):
    trial_id, mid = await start_trial(services)
    await edit_meeting(services.db, mid, weekday=4, start_time="20:00", end_time="21:30")  # Thursdays
    assert await drain(services, z(2026, 3, 24, 16, 30)) == []  # the old Tuesday is not reminded
    pending = [r for r in await queued(services.db, trial_id) if r.status == "pending"]
    assert {r.on_date.isoweekday() for r in pending} == {4}
    [reminder] = await drain(services, z(2026, 3, 26, 17, 0))  # Thursday 20:00 CET − 2 h
    assert reminder.reply.messages[0].text.startswith("Vanavond 20:00")


async def test_online_meeting_reminder_shows_the_link(services: Services):
    await start_trial(
        services, attendance="online", location=None, address=None, conference_url="https://meet.example/na"
    )
    [reminder] = await drain(services, z(2026, 3, 24, 16, 30))
    lines = reminder.reply.messages[0].text.splitlines()
    assert lines == [  # a link may name the fellowship ("/na"): never in the first two lines
        "Vanavond 19:30 — je meeting",
        "Online (de link staat hieronder)",
        "Online: https://meet.example/na",
    ]
