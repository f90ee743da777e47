"""The merged Dutch AA/NA/CA file (fellowfinder/fellow-finder-data): camelCase, day 0 = Sunday, isOnline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from storage.importers.build import RECORD_ERRORS, build_meeting, label_of, reason_of, unique
from storage.importers.normalise import BadValue, Parsed, weekday_from_sunday0
from storage.meeting import Meeting


def looks_like(data: Any) -> bool:
    """Whether loaded JSON has the merged file's shape."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("meetings"), list)
        and any(isinstance(m, dict) and "isOnline" in m for m in data["meetings"][:5])
    )


def parse(data: Any, source: str, program: str | None = None) -> Parsed:
    """Parse the merged file already loaded from JSON."""
    parsed = Parsed()
    parsed.meetings.extend(iter_meetings(data, source, program, parsed))
    return parsed


def iter_meetings(data: Any, source: str, program: str | None, parsed: Parsed) -> Iterator[Meeting]:
    """The file's meetings one by one; rejected records and warnings go to `parsed`."""
    if not isinstance(data, dict) or not isinstance(data.get("meetings"), list):
        raise BadValue("not the merged Dutch file: expected an object with 'meetings'")
    seen: dict[str, int] = {}
    default_zone = data.get("timezone")
    for i, rec in enumerate(data["meetings"]):
        label = f"#{i + 1}"
        if isinstance(rec, dict):
            label = label_of(rec.get("id") or rec.get("name"), label)
        try:
            if not isinstance(rec, dict):
                raise BadValue("not an object")
            meeting = build_meeting(
                parsed,
                label,
                source=source,
                slug=rec.get("id"),
                program=rec.get("program") or program,
                name=rec.get("name"),
                weekday=weekday_from_sunday0(rec.get("day")),
                time=rec.get("time"),
                end_time=rec.get("endTime"),
                timezone=rec.get("timezone") or default_zone,
                types=rec.get("types"),
                online_flag=bool(rec.get("isOnline")),
                lat=rec.get("lat"),
                lon=rec.get("lng"),
                location=rec.get("location"),
                address=rec.get("address"),
                city=rec.get("city"),
                postal_code=rec.get("postalCode"),
                region=rec.get("region"),
                language=rec.get("lang"),
                notes=rec.get("notes"),
                location_notes=rec.get("locationNotes"),
                conference_url=rec.get("conferenceUrl"),
                conference_phone=rec.get("conferencePhone"),
                url=rec.get("url"),
                updated=rec.get("updated"),
            )
        except RECORD_ERRORS as exc:
            parsed.reject(label, reason_of(exc))
            continue
        yield unique(meeting, seen, parsed, label)
