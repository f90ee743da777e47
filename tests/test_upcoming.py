"""Occurrences in a window (conversations.upcoming.within): the per-day memo gives exactly what the
slot-by-slot walk gives, across both DST changes of Europe/Amsterdam and across local midnights."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversations.context import Services
from conversations.upcoming import within
from storage.meeting import Meeting
from storage.occurrences import Slot, iter_slots

SCHEDULES = [  # (weekday, start, end, zone): every weekday, DST gap and repeated hour, past midnight
    (7, "02:30", "03:30", "Europe/Amsterdam"),  # in the spring gap on the last Sunday of March
    (7, "02:15", None, "Europe/Amsterdam"),  # in the repeated hour on the last Sunday of October
    (7, "19:30", "21:00", "Europe/Amsterdam"),
    (1, "00:00", "01:00", "Europe/Amsterdam"),
    (2, "19:30", "21:00", "Europe/Amsterdam"),
    (3, "23:30", "00:30", "Europe/Amsterdam"),  # ends after midnight
    (4, "12:00", None, "Europe/Amsterdam"),
    (5, "18:00", "18:00", "Europe/Amsterdam"),  # an end equal to the start: 24 hours
    (6, "10:00", "11:30", "Europe/Amsterdam"),
    (6, "20:00", "22:00", "America/New_York"),  # another zone (its DST days differ)
    (3, "09:00", "10:00", "Not/AZone"),  # an unknown zone falls back to Amsterdam
]


def meetings() -> list[Meeting]:
    return [
        Meeting("t", f"m{i}", "AA", f"M{i}", wd, start, end, tz)
        for i, (wd, start, end, tz) in enumerate(SCHEDULES)
    ]


def walked(ms: list[Meeting], now: datetime, span: timedelta) -> list[tuple[str, Slot]]:
    """The reference: every meeting's slots one by one from iter_slots, in time order."""
    out = []
    for m in ms:
        for slot in iter_slots(m.weekday, m.start_time, m.end_time, m.timezone, now):
            if slot.start >= now + span:
                break
            out.append((m.name, slot))
    out.sort(key=lambda pair: (pair[1].start, pair[0]))
    return out


@pytest.mark.parametrize("first", [datetime(2026, 3, 26, tzinfo=UTC), datetime(2026, 10, 22, tzinfo=UTC)])
async def test_within_matches_the_slot_walk_across_dst_and_midnights(
    services: Services, first: datetime
) -> None:
    ms = meetings()
    now = first
    checked = 0
    while now < first + timedelta(days=5):  # every 23 minutes through the change and its local midnights
        for span in (timedelta(days=7), timedelta(days=1), timedelta(days=20)):
            got = [(m.name, occ.slot) for m, occ in await within(services.db, ms, now, span)]
            assert got == walked(ms, now, span), (now, span)
            assert all(occ.status == "scheduled" for _, occ in await within(services.db, ms, now, span))
            checked += 1
        now += timedelta(minutes=23)
    assert checked > 900


async def test_a_running_meeting_counts_and_an_ended_one_does_not(services: Services) -> None:
    sunday = Meeting("t", "s", "AA", "S", 7, "19:30", "21:00")
    # Sunday 29 March 2026 is the day clocks go forward: 19:30 is then UTC+2.
    running = datetime(2026, 3, 29, 18, 0, tzinfo=UTC)  # 20:00 local
    found = await within(services.db, [sunday], running)
    assert [o.begins.isoformat() for _, o in found] == [
        "2026-03-29T19:30:00+02:00",
        "2026-04-05T19:30:00+02:00",
    ]
    ended = datetime(2026, 3, 29, 19, 5, tzinfo=UTC)  # 21:05 local
    [(_, occ)] = await within(services.db, [sunday], ended)
    assert occ.begins.isoformat() == "2026-04-05T19:30:00+02:00"
    # A week later in autumn: the same wall-clock time, an hour later in UTC.
    [(_, occ)] = await within(services.db, [sunday], datetime(2026, 10, 25, 18, 0, tzinfo=UTC))
    assert occ.begins.isoformat() == "2026-10-25T19:30:00+01:00"
    assert occ.begins.astimezone(UTC).hour == 18
