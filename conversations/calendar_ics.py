"""The trial's next meetings as an .ics calendar (icalendar): the meeting's own zone, a neutral title."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar

from storage.occurrences import Occurrence
from storage.trials import MeetingInfo

PRODID = "-//Eerste Stap//trial//NL"


def trial_calendar(meeting: MeetingInfo, occs: list[Occurrence], title: str, now: datetime) -> bytes:
    """One event per occurrence that is not cancelled; a moved date at its new time and place."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    for occ in occs:
        if occ.cancelled:
            continue
        change = occ.change if occ.status == "moved" else None
        event = icalendar.Event()
        event.add("uid", f"es-{meeting.id}-{occ.slot.local_date.isoformat()}@eerstestap")
        event.add("dtstamp", now)
        event.add("dtstart", occ.begins)
        event.add("dtend", occ.ends)
        event.add("summary", title)
        where = ", ".join(
            p
            for p in (
                (change.new_location if change else None) or meeting.location,
                (change.new_address if change else None) or meeting.address,
            )
            if p
        )
        url = (change.new_url if change else None) or meeting.conference_url
        if where:
            event.add("location", where)
        elif url:
            event.add("location", url)
        if url:
            event.add("url", url)
        cal.add_component(event)
    if occs:
        first = min(o.begins for o in occs).date() - timedelta(days=1)
        cal.add_missing_timezones(first_date=first, last_date=first + timedelta(days=400))
    return cal.to_ical()
