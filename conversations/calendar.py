"""Calendar files (.ics) of a meeting's next occurrences, with a correct VTIMEZONE and a neutral title."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from content.i18n import translator
from conversations.discretion import free_place_street, meeting_street_and_town, reveals
from storage.meeting import Meeting
from storage.occurrences import Occurrence, zone

PRODID = "-//Eerste Stap//Meetings//NL"


def ics_for(
    meeting: Meeting,
    occurrences: list[Occurrence],
    *,
    lang: str = "nl",
    now: datetime | None = None,
    title: str | None = None,
) -> bytes:
    """An .ics with one event per occurrence (cancelled ones left out, moved ones at their new time).

    Calendars show SUMMARY and LOCATION on lock screens and to others: the title is neutral
    ("Afspraak"/"Appointment", or a `title` that passes the discretion check) and the location is street
    and town only, never the venue's name or a link.
    """
    from icalendar import Calendar, Event, Timezone  # only when a calendar file is made (issue 13: RSS)

    t = translator(lang)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    tz = zone(meeting.timezone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    kept = [o for o in occurrences if not o.cancelled]
    if kept:
        first = kept[0].begins.date() - timedelta(days=1)
        last = kept[-1].ends.date() + timedelta(days=1)
        cal.add_component(Timezone.from_tzinfo(tz, tzid=tz.key, first_date=first, last_date=last))
    summary = title if title and not reveals(title) else t.t("dir.ics.title")
    for occ in kept:
        event = Event()
        event.add("uid", f"{meeting.id or meeting.slug}-{occ.slot.local_date.isoformat()}@eerstestap")
        event.add("dtstamp", stamp)
        event.add("summary", summary)
        event.add("dtstart", occ.begins.astimezone(tz))
        event.add("dtend", occ.ends.astimezone(tz))
        change = occ.change
        place = meeting_street_and_town(meeting)
        if change is not None and (change.new_address or change.new_location):
            place = free_place_street(change.new_address or change.new_location, meeting.city)
        link = (change.new_url if change else None) or meeting.conference_url
        if meeting.in_person and place:
            event.add("location", place)
        elif link:
            event.add("location", t.t("dir.ics.online"))
        if link:
            event.add("url", link)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def ics_filename(meeting: Meeting) -> str:
    """A neutral file name."""
    return f"afspraak-{meeting.id or 'x'}.ics"
