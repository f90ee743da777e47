"""The TSML spreadsheet template as CSV: plain-language column names, commas or Dutch Excel's semicolons,
a byte-order mark, day names, type names or codes."""

from __future__ import annotations

import csv
import io
import tomllib
from functools import cache
from typing import Any

from storage.importers.build import add_unique, build_meeting
from storage.importers.normalise import TYPES_FILE, BadValue, Parsed, weekday_from_name

# Our field → accepted column names (lower case; TSML's English template plus Dutch variants).
COLUMNS: dict[str, tuple[str, ...]] = {
    "slug": ("slug", "id"),
    "program": ("program", "fellowship", "programma"),
    "name": ("name", "naam"),
    "day": ("day", "dag"),
    "time": ("time", "tijd", "start time", "begintijd"),
    "end_time": ("end time", "eindtijd"),
    "timezone": ("timezone", "time zone", "tijdzone"),
    "types": ("types", "type", "soort"),
    "location": ("location", "locatie"),
    "address": ("address", "adres"),
    "city": ("city", "plaats", "woonplaats"),
    "postal_code": ("postal code", "postcode", "zip"),
    "region": ("region", "regio", "sub region"),
    "lat": ("latitude", "lat", "breedtegraad"),
    "lon": ("longitude", "lng", "lon", "lengtegraad"),
    "notes": ("notes", "notities", "opmerkingen"),
    "location_notes": ("location notes", "locatie notities"),
    "conference_url": ("conference url", "online link", "link"),
    "conference_phone": ("conference phone", "telefoon"),
    "language": ("language", "taal"),
    "url": ("website", "url"),
    "updated": ("updated", "bijgewerkt"),
}


@cache
def _label_to_code() -> dict[str, str]:
    with TYPES_FILE.open("rb") as fh:
        data = tomllib.load(fh).get("types", {})
    out: dict[str, str] = {}
    for code, labels in data.items():
        for text in (labels.get("en"), labels.get("nl")):
            if text:
                out.setdefault(str(text).casefold(), code)  # the standard (shorter, earlier) code wins
    return out


def type_codes(value: str) -> list[str]:
    """'Open, Discussion' or 'O,D' → codes; unmatched names are kept upper-cased."""
    names = _label_to_code()
    out = []
    for item in value.split(","):
        text = item.strip()
        if text:
            out.append(names.get(text.casefold(), text.upper()))
    return out


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Dutch Excel writes it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def parse(raw: bytes, source: str, program: str | None = None) -> Parsed:
    """Parse a CSV file's bytes."""
    text = decode(raw)
    head = text.split("\n", 1)[0]
    delimiter = ";" if head.count(";") > head.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not reader.fieldnames:
        raise BadValue("empty CSV file")
    by_lower = {h.strip().casefold(): h for h in reader.fieldnames if h}
    column = {f: next((by_lower[n] for n in names if n in by_lower), None) for f, names in COLUMNS.items()}
    missing = [f for f in ("name", "day", "time") if column[f] is None]
    if missing:
        raise BadValue(f"CSV lacks the column(s): {', '.join(missing)}")
    parsed = Parsed()
    seen: dict[str, int] = {}
    for i, row in enumerate(reader):
        values: dict[str, Any] = {f: (row.get(c) if c else None) for f, c in column.items()}
        label = str(values["slug"] or values["name"] or f"row {i + 2}")
        try:
            slug = values.pop("slug") or f"{values['name']}-{values['day']}-{values['time']}"
            day = values.pop("day")
            types = values.pop("types")
            meeting = build_meeting(
                parsed,
                label,
                source=source,
                slug=slug,
                weekday=weekday_from_name(day),
                types=type_codes(types) if types else None,
                **{**values, "program": values.get("program") or program},
            )
            add_unique(parsed, meeting, seen, label)
        except BadValue as exc:
            parsed.reject(label, str(exc))
    return parsed
