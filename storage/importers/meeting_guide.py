"""Meeting Guide JSON (code4recovery spec): day 0 = Sunday or a list of days, "HH:MM", types, links."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from storage.importers.build import RECORD_ERRORS, build_meeting, label_of, reason_of, unique
from storage.importers.normalise import BadValue, Parsed, weekday_from_sunday0
from storage.meeting import Meeting

DAY_SUFFIX = {1: "mon", 2: "tue", 3: "wed", 4: "thu", 5: "fri", 6: "sat", 7: "sun"}


def records_of(data: Any) -> list[Any]:
    """The list of meetings in a feed (a bare list, or an object with 'meetings')."""
    if isinstance(data, dict) and isinstance(data.get("meetings"), list):
        meetings: list[Any] = data["meetings"]
        return meetings
    if isinstance(data, list):
        return data
    raise BadValue("not a Meeting Guide feed: expected a list of meetings")


def parse(data: Any, source: str, program: str | None = None) -> Parsed:
    """Parse a Meeting Guide feed already loaded from JSON."""
    parsed = Parsed()
    parsed.meetings.extend(iter_meetings(data, source, program, parsed))
    return parsed


def iter_meetings(data: Any, source: str, program: str | None, parsed: Parsed) -> Iterator[Meeting]:
    """The feed's meetings one by one; rejected records and warnings go to `parsed`."""
    seen: dict[str, int] = {}
    for i, rec in enumerate(records_of(data)):
        label = _label(rec, i)
        try:
            if not isinstance(rec, dict):
                raise BadValue("not an object")
            days = rec.get("day")
            day_list = days if isinstance(days, list) else [days]
            if not day_list or day_list == [None]:
                raise BadValue("no day")
            weekdays = [weekday_from_sunday0(d) for d in day_list]
            built = []
            for wd in weekdays:
                slug = rec.get("slug") or rec.get("id")
                if slug is not None and len(weekdays) > 1:
                    slug = f"{slug}-{DAY_SUFFIX[wd]}"
                fields = _fields(rec, program)
                meeting = build_meeting(parsed, label, source=source, weekday=wd, slug=slug, **fields)
                built.append(unique(meeting, seen, parsed, label))
        except RECORD_ERRORS as exc:
            parsed.reject(label, reason_of(exc))
            continue
        yield from built


def _label(rec: Any, i: int) -> str:
    if isinstance(rec, dict):
        return label_of(rec.get("slug") or rec.get("name"), f"#{i + 1}")
    return f"#{i + 1}"


def _contact(rec: dict[str, Any]) -> str | None:
    """The group's own page, or its public contact address as a mailto link."""
    return rec.get("url") or rec.get("website") or _mailto(rec.get("email") or rec.get("contact_1_email"))


def _mailto(email: Any) -> str | None:
    """A group's public contact address as a link (a contact who gives the online link on request)."""
    text = str(email or "").strip()
    return f"mailto:{text}" if "@" in text and " " not in text and len(text) <= 200 else None


def _fields(rec: dict[str, Any], program: str | None) -> dict[str, Any]:
    regions = rec.get("regions")
    region = rec.get("region") or (regions[-1] if isinstance(regions, list) and regions else None)
    address = rec.get("address")
    city = rec.get("city")
    postal = rec.get("postal_code")
    if not address and rec.get("formatted_address"):
        parts = [p.strip() for p in str(rec["formatted_address"]).split(",")]
        address = parts[0]
        if len(parts) > 1 and not city:
            town = parts[1].split()
            if len(town) >= 3 and town[0].isdigit():  # "3511 AB Utrecht"
                postal, city = postal or " ".join(town[:2]), " ".join(town[2:])
            else:
                city = parts[1]
    return {
        "program": rec.get("program") or rec.get("fellowship") or program,
        "name": rec.get("name"),
        "time": rec.get("time"),
        "end_time": rec.get("end_time"),
        "timezone": rec.get("timezone"),
        "types": rec.get("types"),
        "lat": rec.get("latitude"),
        "lon": rec.get("longitude"),
        "location": rec.get("location"),
        "address": address,
        "city": city,
        "postal_code": postal,
        "region": region,
        "notes": rec.get("notes"),
        "location_notes": rec.get("location_notes"),
        "conference_url": rec.get("conference_url"),
        "conference_phone": rec.get("conference_phone"),
        "language": rec.get("language"),
        "url": rec.get("url")
        or rec.get("website")
        or _mailto(rec.get("email") or rec.get("contact_1_email")),
        "updated": rec.get("updated"),
    }
