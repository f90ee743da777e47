"""The TSML spreadsheet template as CSV: plain-language column names, commas or Dutch Excel's semicolons,
a byte-order mark, day names, type names or codes."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from storage.importers.build import RECORD_ERRORS, build_meeting, label_of, reason_of, unique
from storage.importers.normalise import TYPES_FILE, BadValue, Parsed, unneutral_cell, weekday_from_name
from storage.meeting import Meeting

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


# Bytes Windows-1252 leaves undefined: a file holding one is neither UTF-8 nor what Dutch Excel writes.
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_CHUNK = 1 << 20


def encoding_of(chunks: Iterable[bytes]) -> str:
    """'utf-8-sig' when the bytes are UTF-8, else 'cp1252' (Dutch Excel); BadValue when neither fits."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, offset = True, 0
    for chunk in chunks:
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        bad = _NOT_CP1252.search(chunk)
        if bad and not utf8:
            raise BadValue(
                f"the file is neither UTF-8 nor Windows-1252 text (byte 0x{chunk[bad.start()]:02x} at "
                f"offset {offset + bad.start()}): save it as CSV UTF-8"
            )
        offset += len(chunk)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return "utf-8-sig" if utf8 else "cp1252"


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Dutch Excel writes it."""
    return raw.decode(encoding_of(raw[i : i + _CHUNK] for i in range(0, len(raw), _CHUNK)))


def parse(raw: bytes, source: str, program: str | None = None) -> Parsed:
    """Parse a CSV file's bytes."""
    parsed = Parsed()
    parsed.meetings.extend(iter_meetings(io.StringIO(decode(raw), newline=""), source, program, parsed))
    return parsed


def open_path(path: Path) -> TextIO:
    """A CSV file opened as text in its own encoding (read twice: once to tell the encoding)."""
    with path.open("rb") as fh:
        encoding = encoding_of(iter(lambda: fh.read(_CHUNK), b""))
    return path.open(encoding=encoding, newline="")


def iter_meetings(
    lines: Iterable[str], source: str, program: str | None, parsed: Parsed
) -> Iterator[Meeting]:
    """The rows as meetings, one by one (the header is checked at once: BadValue when it lacks a column)."""
    lines = iter(lines)
    try:
        head = next(lines)
    except StopIteration:
        raise BadValue("empty CSV file") from None
    delimiter = ";" if head.count(";") > head.count(",") else ","
    reader = csv.reader(itertools.chain([head], lines), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise BadValue(f"unreadable CSV header: {exc}") from exc
    by_lower: dict[str, int] = {}
    for i, h in enumerate(header):
        by_lower.setdefault(h.strip().casefold(), i)
    column = {f: next((by_lower[n] for n in names if n in by_lower), None) for f, names in COLUMNS.items()}
    missing = [f for f in ("name", "day", "time") if column[f] is None]
    if missing:
        raise BadValue(f"CSV lacks the column(s): {', '.join(missing)}")
    return _rows(reader, column, source, program, parsed)


def _rows(
    reader: Any, column: dict[str, int | None], source: str, program: str | None, parsed: Parsed
) -> Iterator[Meeting]:
    seen: dict[str, int] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            parsed.reject(f"row {reader.line_num}", f"unreadable CSV row: {exc}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        values: dict[str, Any] = {
            f: (unneutral_cell(row[c]) if c is not None and c < len(row) else None) for f, c in column.items()
        }
        label = label_of(values["slug"] or values["name"], f"row {reader.line_num}")
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
        except RECORD_ERRORS as exc:
            parsed.reject(label, reason_of(exc))
            continue
        yield unique(meeting, seen, parsed, label)
