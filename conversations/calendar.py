"""Calendar files (.ics) of a meeting's next occurrences, with a correct VTIMEZONE and a neutral title."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, Timezone

from content.i18n import translator
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
    with_details: bool = False,
) -> bytes:
    """An .ics with one event per occurrence (cancelled ones left out, moved ones at their new time).

    The title is neutral by default ("Afspraak"/"Appointment") because calendars show it on lock screens
    and to others; with_details puts the meeting's name and fellowship in it instead.
    """
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
    summary = title or (f"{meeting.name} ({meeting.program})" if with_details else t.t("dir.ics.title"))
    for occ in kept:
        event = Event()
        event.add("uid", f"{meeting.id or meeting.slug}-{occ.slot.local_date.isoformat()}@eerstestap")
        event.add("dtstamp", stamp)
        event.add("summary", summary)
        event.add("dtstart", occ.begins.astimezone(tz))
        event.add("dtend", occ.ends.astimezone(tz))
        place = ", ".join(p for p in (meeting.location, meeting.formatted_address) if p)
        if occ.change is not None and occ.change.new_address:
            place = ", ".join(p for p in (occ.change.new_location, occ.change.new_address) if p)
        if meeting.in_person and place:
            event.add("location", place)
        link = (occ.change.new_url if occ.change else None) or meeting.conference_url
        if link:
            event.add("url", link)
            if not meeting.in_person:
                event.add("location", link)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def ics_filename(meeting: Meeting) -> str:
    """A neutral file name."""
    return f"afspraak-{meeting.id or 'x'}.ics"
