"""One weekly calendar file per meeting (RRULE), discreet: neutral title, no fellowship in LOCATION.

A static site cannot refresh a list of dates, so the file repeats weekly; known one-off changes are
EXDATEs (cancelled) and RECURRENCE-ID overrides (moved). The title key and PRODID are the bot's own.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, vText

from content.i18n import translator
from conversations.calendar import PRODID
from storage.meeting import Meeting
from storage.occurrences import Occurrence, zone

# Words that would tell a lock screen what the appointment is about (codes case-sensitive, words not).
_CODES = re.compile(r"\b(AA|NA|CA|AGOG|ACA|LSOVD|OA|SMART|DD|BV)\b")
_WORDS = re.compile(
    r"anonie?m\w*|alcohol\w*|verslav\w*|verslaaf\w*|addict\w*|narcotic\w*|cocai\w*|drugs?\b|"
    r"al-?anon|alateen|gok\w*|gambl\w*|recovery|herstel\w*|12[ -]?stap\w*|12[ -]?step\w*|sober\w*",
    re.IGNORECASE,
)


def telling(text: str | None) -> bool:
    """Whether a text names a fellowship or addiction."""
    return bool(text) and bool(_CODES.search(text or "") or _WORDS.search(text or ""))


def discreet_place(meeting: Meeting, lang: str) -> str:
    """Venue and address for LOCATION, leaving out any part that names a fellowship or addiction."""
    if not meeting.in_person:
        return translator(lang).t("site.ics.online")
    parts = [p for p in (meeting.location, meeting.formatted_address) if p and not telling(p)]
    return ", ".join(parts) or (meeting.city or "")


def weekly_ics_per_language(
    meeting: Meeting, occurrences: list[Occurrence], langs: tuple[str, ...], *, now: datetime | None = None
) -> dict[str, bytes]:
    """The same file in several languages: built once, only the SUMMARY line differs (a short one)."""
    first = weekly_ics(meeting, occurrences, lang=langs[0], now=now)
    out = {langs[0]: first}
    line = _summary_line(langs[0])
    for lang in langs[1:]:
        other = _summary_line(lang)
        if len(line) > 70 or len(other) > 70 or first.count(line) != first.count(b"SUMMARY:"):
            out[lang] = weekly_ics(meeting, occurrences, lang=lang, now=now)  # would need folding: rebuild
        else:
            out[lang] = first.replace(line, other)
    return out


def _summary_line(lang: str) -> bytes:
    return b"SUMMARY:" + vText(translator(lang).t("dir.ics.title")).to_ical() + b"\r\n"


def weekly_ics(
    meeting: Meeting, occurrences: list[Occurrence], *, lang: str = "nl", now: datetime | None = None
) -> bytes:
    """A weekly event from the first known occurrence on, with known cancellations and moves."""
    t = translator(lang)
    tz = zone(meeting.timezone)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    if not occurrences:
        return _HEAD + _TAIL
    first = occurrences[0]
    uid = f"site-{meeting.id or meeting.slug}@eerstestap"
    title = t.t("dir.ics.title")
    place = discreet_place(meeting, lang)
    link = meeting.conference_url

    def event(begins: datetime, ends: datetime) -> Event:
        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", stamp)
        ev.add("summary", title)
        ev.add("dtstart", begins.astimezone(tz))
        ev.add("dtend", ends.astimezone(tz))
        if place:
            ev.add("location", place)
        if link and not telling(link):
            ev.add("url", link)
        return ev

    main = event(first.slot.start, first.slot.end)
    main.add("rrule", {"freq": "weekly"})
    cancelled = [o.slot.start.astimezone(tz) for o in occurrences if o.cancelled]
    if cancelled:
        main.add("exdate", cancelled)
    events = [main]
    for occ in occurrences:
        if occ.status == "moved":
            moved = event(occ.begins, occ.ends)
            moved.add("recurrence-id", occ.slot.start.astimezone(tz))
            events.append(moved)
    body = b"".join(e.to_ical() for e in events)
    return _HEAD + _vtimezone(tz.key, stamp.date()) + body + _TAIL


def _calendar_lines() -> tuple[bytes, bytes]:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    head, tail = cal.to_ical().split(b"END:VCALENDAR")
    return head, b"END:VCALENDAR" + tail


_HEAD, _TAIL = _calendar_lines()


@lru_cache(maxsize=64)
def _vtimezone(key: str, day: date) -> bytes:
    """The zone's rules for about two years from the build day (the same bytes for every meeting)."""
    tz = zone(key)
    rules = Timezone.from_tzinfo(tz, tzid=tz.key, first_date=day, last_date=day + timedelta(days=730))
    data: bytes = rules.to_ical()
    return data
