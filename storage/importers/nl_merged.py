"""The merged Dutch AA/NA/CA file (fellowfinder/fellow-finder-data): camelCase, day 0 = Sunday, isOnline."""

from __future__ import annotations

from typing import Any

from storage.importers.build import add_unique, build_meeting
from storage.importers.normalise import BadValue, Parsed, weekday_from_sunday0


def looks_like(data: Any) -> bool:
    """Whether loaded JSON has the merged file's shape."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("meetings"), list)
        and any(isinstance(m, dict) and "isOnline" in m for m in data["meetings"][:5])
    )


def parse(data: Any, source: str, program: str | None = None) -> Parsed:
    """Parse the merged file already loaded from JSON."""
    if not isinstance(data, dict) or not isinstance(data.get("meetings"), list):
        raise BadValue("not the merged Dutch file: expected an object with 'meetings'")
    parsed = Parsed()
    seen: dict[str, int] = {}
    default_zone = data.get("timezone")
    for i, rec in enumerate(data["meetings"]):
        label = str(rec.get("id") or rec.get("name") or f"#{i + 1}") if isinstance(rec, dict) else f"#{i + 1}"
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
            add_unique(parsed, meeting, seen, label)
        except BadValue as exc:
            parsed.reject(label, str(exc))
    return parsed
