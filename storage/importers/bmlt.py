"""BMLT GetSearchResults JSON: every value a string, weekday_tinyint 1 = Sunday, HH:MM:SS, venue_type."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from storage.importers.build import RECORD_ERRORS, build_meeting, label_of, reason_of, unique
from storage.importers.normalise import BadValue, Parsed, parse_time, shown, weekday_from_sunday0
from storage.meeting import Meeting

# BMLT format codes that differ from Meeting Guide's.
FORMAT_MAP = {"VM": "ONL", "HY": "ONL", "WC": "X", "CH": "", "GL": "LGBTQ"}


def looks_like(data: Any) -> bool:
    """Whether loaded JSON looks like a BMLT search result."""
    return isinstance(data, list) and any(isinstance(m, dict) and "weekday_tinyint" in m for m in data[:5])


def _weekday(value: Any) -> int:
    """BMLT's weekday_tinyint (1 = Sunday … 7 = Saturday) → ISO weekday."""
    try:
        return weekday_from_sunday0(int(str(value).strip()) - 1)
    except (ValueError, BadValue) as exc:
        raise BadValue(f"unreadable weekday_tinyint {shown(value)} (1 = Sunday … 7 = Saturday)") from exc


def _end(start: Any, duration: Any) -> str | None:
    """start + duration as HH:MM (wrapping past midnight), or None."""
    if not duration or not str(duration).strip():
        return None
    s, _ = parse_time(str(start)[:5])
    d, _ = parse_time(str(duration)[:5])
    minutes = int(s[:2]) * 60 + int(s[3:]) + int(d[:2]) * 60 + int(d[3:])
    if minutes == int(s[:2]) * 60 + int(s[3:]):
        return None
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse(data: Any, source: str, program: str | None = None) -> Parsed:
    """Parse a BMLT GetSearchResults answer already loaded from JSON (unpublished meetings rejected)."""
    parsed = Parsed()
    parsed.meetings.extend(iter_meetings(data, source, program, parsed))
    return parsed


def iter_meetings(data: Any, source: str, program: str | None, parsed: Parsed) -> Iterator[Meeting]:
    """The result's meetings one by one; rejected records and warnings go to `parsed`."""
    if not isinstance(data, list):
        raise BadValue("not a BMLT search result: expected a list")
    seen: dict[str, int] = {}
    for i, rec in enumerate(data):
        label = label_of(rec.get("id_bigint"), f"#{i + 1}") if isinstance(rec, dict) else f"#{i + 1}"
        try:
            if not isinstance(rec, dict):
                raise BadValue("not an object")
            if str(rec.get("published", "1")).strip() not in ("1", "true", "True"):
                raise BadValue("unpublished")
            venue = str(rec.get("venue_type") or "1").strip()
            codes = [c.strip() for c in str(rec.get("formats") or "").split(",") if c.strip()]
            codes = [FORMAT_MAP.get(c, c) for c in codes]
            virtual = venue == "2"
            street = rec.get("location_street")
            city = rec.get("location_municipality") or rec.get("location_city_subsection")
            time_text = str(rec.get("start_time") or "")[:5]
            meeting = build_meeting(
                parsed,
                label,
                source=source,
                slug=rec.get("id_bigint"),
                program=rec.get("program") or program or "NA",
                name=rec.get("meeting_name"),
                weekday=_weekday(rec.get("weekday_tinyint")),
                time=time_text,
                end_time=_end(time_text, rec.get("duration_time")),
                timezone=rec.get("time_zone"),
                types=[c for c in codes if c],
                online_flag=virtual or None,
                lat=None if virtual else rec.get("latitude"),
                lon=None if virtual else rec.get("longitude"),
                location=rec.get("location_text"),
                address=None if virtual else street,
                city=None if virtual else city,
                postal_code=None if virtual else rec.get("location_postal_code_1"),
                region=rec.get("location_province") or rec.get("location_sub_province"),
                language=rec.get("lang_enum"),
                notes=rec.get("comments"),
                location_notes=rec.get("location_info"),
                conference_url=rec.get("virtual_meeting_link"),
                conference_phone=rec.get("phone_meeting_number"),
                url=None,
                updated=None,
            )
        except RECORD_ERRORS as exc:
            parsed.reject(label, reason_of(exc))
            continue
        yield unique(meeting, seen, parsed, label)
