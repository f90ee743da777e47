"""A listing line reads exactly as before its parts were memoised (issue 13): relative day, distance and
status, every 53 minutes over a DST weekend, in two zones and both languages, for held, running,
cancelled and moved dates, with `now` in UTC and in another zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from content.i18n import Translator, translator
from conversations.meeting_format import listing_line, short_weekday
from storage.meeting import Meeting
from storage.occurrences import DateChange, Occurrence, apply_change, slot_on


def old_listing_line(
    t: Translator, number: int, m: Meeting, occ: Occurrence, now: datetime, km: float | None
) -> str:
    """listing_line as it was written before (no memo, aware comparisons across zones)."""
    when_at = occ.begins
    today = now.astimezone(when_at.tzinfo).date()
    if when_at.date() == today:
        day = t.t("dir.today")
    elif when_at.date() == today + timedelta(days=1):
        day = t.t("dir.tomorrow")
    else:
        day = short_weekday(t, when_at)
    parts = [f"{day} {t.time(when_at)}"]
    if km is not None:
        parts.append(t.t("dir.km", km=format_decimal(round(km, 1), "0.0", locale=t.lang)))
    parts += [m.program, m.name]
    if occ.cancelled:
        marks = " " + t.t("dir.status.cancelled")
    elif occ.begins <= now < occ.ends:
        marks = " " + t.t("dir.status.running")
    elif occ.status == "moved":
        marks = " " + t.t("dir.status.moved")
    else:
        marks = ""
    if m.is_demo:
        marks += " " + t.t("dir.mark.demo")
    return f"{number}. " + " · ".join(parts) + marks


def occurrences(zone: str, day: date) -> list[Occurrence]:
    slot = slot_on(day, "23:30", "01:00", zone)  # past midnight
    return [
        apply_change(slot, None, zone),
        apply_change(slot, DateChange("cancel", day), zone),
        apply_change(slot, DateChange("move", day, new_start="20:00"), zone),
        apply_change(slot, DateChange("move", day, new_start="10:15", new_end="11:00"), zone),
    ]


def test_listing_lines_read_as_before() -> None:
    start = datetime(2026, 3, 27, 0, 7, tzinfo=UTC)  # through the spring DST change in Amsterdam
    checked = 0
    for lang in ("nl", "en"):
        t = translator(lang)
        for zone in ("Europe/Amsterdam", "America/New_York"):
            m = Meeting("s", "x", "XX", "De Brug", 5, "23:30", "01:00", timezone=zone, is_demo=lang == "nl")
            for day in (date(2026, 3, 27), date(2026, 3, 28), date(2026, 3, 29)):
                for occ in occurrences(zone, day):
                    for step in range(0, 3 * 24 * 60, 53):
                        now = start + timedelta(minutes=step)
                        for at in (now, now.astimezone(ZoneInfo("Asia/Tokyo"))):
                            for km in (None, 0.04, 2.345, 2.35, 49.96):
                                expected = old_listing_line(t, 3, m, occ, at, km)
                                assert listing_line(t, 3, m, occ, at, km) == expected
                                checked += 1
    assert checked > 30_000
