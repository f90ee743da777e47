"""Turning one cleaned-up feed record into a canonical Meeting (shared by every importer)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from storage.importers.normalise import (
    BadValue,
    Parsed,
    attendance_of,
    clean_coords,
    clean_program,
    clean_slug,
    clean_str,
    clean_text,
    clean_types,
    clean_zone,
    language_of,
    parse_time,
    shift_weekday,
    shown,
)
from storage.meeting import Meeting


def build_meeting(
    parsed: Parsed,
    label: str,
    *,
    source: str,
    slug: Any,
    program: Any,
    name: Any,
    weekday: int,
    time: Any,
    end_time: Any = None,
    timezone: Any = None,
    types: Any = None,
    online_flag: bool | None = None,
    lat: Any = None,
    lon: Any = None,
    **text: Any,
) -> Meeting:
    """A Meeting from raw values; raises BadValue with the reason when the record cannot be used."""
    prog = clean_program(program)
    if prog is None:
        raise BadValue(f"unknown fellowship {shown(program)}" if program else "no fellowship (use --program)")
    title = clean_str(name)
    if not title:
        raise BadValue("no name")
    if not slug or not str(slug).strip():
        raise BadValue("no id or slug")
    start, shift = parse_time(time)
    weekday = shift_weekday(weekday, shift)
    end = None
    if end_time is not None and str(end_time).strip():
        try:
            end, _ = parse_time(end_time)
        except BadValue as exc:
            parsed.warn(label, f"end time ignored: {exc}")
        if end == start:
            end = None
    codes = clean_types(types, parsed)
    la, lo = clean_coords(lat, lon, parsed, label)
    address = clean_str(text.get("address"))
    city = clean_str(text.get("city"))
    conference_url = clean_str(text.get("conference_url"))
    conference_phone = clean_str(text.get("conference_phone"))
    has_place = bool(address or city or la is not None)
    contact = bool(clean_str(text.get("url")))
    attendance = attendance_of(
        has_place=has_place,
        conference=bool(conference_url or conference_phone),
        types=codes,
        online_flag=online_flag,
        contact=contact,
    )
    linked = bool(conference_url or conference_phone or contact)
    if attendance == "inactive" and ("ONL" in codes or online_flag) and not linked:
        parsed.warn(label, "online meeting without a link or phone number: inactive")
    elif attendance in ("in_person", "hybrid") and la is None:
        parsed.warn(label, "in-person meeting without coordinates (not found by near-me)")
    return Meeting(
        source=source,
        slug=clean_slug(slug),
        program=prog,
        name=title,
        weekday=weekday,
        start_time=start,
        end_time=end,
        timezone=clean_zone(timezone, parsed, label),
        attendance=attendance,
        location=clean_str(text.get("location")),
        address=address,
        city=city,
        postal_code=clean_str(text.get("postal_code")),
        region=clean_str(text.get("region")),
        lat=la,
        lon=lo,
        types=codes,
        language=language_of(text.get("language"), codes),
        notes=clean_text(text.get("notes")),
        location_notes=clean_text(text.get("location_notes")),
        conference_url=conference_url,
        conference_phone=conference_phone,
        url=clean_str(text.get("url")),
        updated=clean_str(text.get("updated")),
    )


def unique(meeting: Meeting, seen: dict[str, int], parsed: Parsed, label: str) -> Meeting:
    """The meeting, a duplicate slug given a stable '-2', '-3' … suffix (with a warning)."""
    slug = meeting.slug
    if slug in seen:
        seen[slug] += 1
        new_slug = f"{slug}-{seen[slug]}"
        while new_slug in seen:
            seen[slug] += 1
            new_slug = f"{slug}-{seen[slug]}"
        parsed.warn(label, f"duplicate slug {shown(slug)}, stored as {shown(new_slug)}")
        seen[new_slug] = 1
        return replace(meeting, slug=new_slug)
    seen[slug] = 1
    return meeting


def add_unique(parsed: Parsed, meeting: Meeting, seen: dict[str, int], label: str) -> None:
    """Append a meeting under a unique slug."""
    parsed.meetings.append(unique(meeting, seen, parsed, label))


# A hostile record can break a value in ways no cleaner foresaw (a list where text belongs, a number
# too long to convert, nesting too deep to print): the record is rejected, never the whole file.
RECORD_ERRORS = (BadValue, TypeError, ValueError, OverflowError, RecursionError, AttributeError, KeyError)


def reason_of(exc: BaseException) -> str:
    """The report line for a rejected record."""
    return str(exc) if isinstance(exc, BadValue) else f"unreadable record ({type(exc).__name__})"


def label_of(value: Any, fallback: str) -> str:
    """A record's name in the report: its id or name when that is short text or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return fallback
    text = value if isinstance(value, str) else str(value) if abs(value) < 10**30 else ""
    return text[:80] if text.strip() else fallback
