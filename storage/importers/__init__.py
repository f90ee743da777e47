"""Directory importers: detect a feed's format and turn it into canonical meetings."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.importers import bmlt, meeting_guide, nl_merged, tsml_csv
from storage.importers.normalise import BadValue, Parsed
from storage.meeting import Meeting

FORMATS = ("meeting-guide", "tsml-csv", "bmlt", "nl-merged")
JSON_FORMATS = {"meeting-guide": meeting_guide, "bmlt": bmlt, "nl-merged": nl_merged}
MAX_DIGITS = 100  # longer integers stay text, so the record holding one is rejected, not the file


def _int(text: str) -> int | str:
    return int(text) if len(text) <= MAX_DIGITS else text


def load_json(raw: bytes) -> Any:
    """A JSON document; BadValue (saying it is broken JSON) for anything that is not one."""
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_int=_int)
    except UnicodeDecodeError as exc:
        raise BadValue(f"not valid JSON: not UTF-8 text (byte offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BadValue(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise BadValue("not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise BadValue(f"not valid JSON: {exc}") from None


def looks_like_json(raw: bytes, filename: str = "") -> bool:
    """Whether a file means to be JSON: its name says so, or its first character opens an array/object."""
    if filename.lower().endswith(".json"):
        return True
    head = raw[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{")


def json_format(data: Any) -> str:
    """Which JSON format loaded data has."""
    if nl_merged.looks_like(data):
        return "nl-merged"
    if bmlt.looks_like(data):
        return "bmlt"
    return "meeting-guide"


def detect(raw: bytes, filename: str = "") -> str:
    """Guess a file's format from its name and content (a broken JSON file is still JSON)."""
    if filename.lower().endswith(".csv") or not looks_like_json(raw, filename):
        return "tsml-csv"
    try:
        return json_format(load_json(raw))
    except BadValue:
        return "meeting-guide"


def parse_bytes(raw: bytes, fmt: str, source: str, program: str | None = None) -> Parsed:
    """Parse a file's bytes in a given format; BadValue when the file as a whole is unusable."""
    if fmt not in FORMATS:
        raise BadValue(f"unknown format {fmt!r}")
    if fmt == "tsml-csv":
        return tsml_csv.parse(raw, source, program)
    parsed: Parsed = JSON_FORMATS[fmt].parse(load_json(raw), source, program)
    return parsed


def parse_file(
    path: Path, fmt: str | None = None, source: str | None = None, program: str | None = None
) -> tuple[Parsed, str, str]:
    """Read and parse a file; returns the result, the format used and the source name."""
    raw = path.read_bytes()
    fmt = fmt or detect(raw, path.name)
    return parse_bytes(raw, fmt, source or fmt, program), fmt, source or fmt


@dataclass
class Feed:
    """A file being read: its meetings one by one, and the report that fills as they are read."""

    parsed: Parsed
    meetings: Iterator[Meeting]
    fmt: str
    source: str


@contextmanager
def open_feed(
    path: Path, fmt: str | None = None, source: str | None = None, program: str | None = None
) -> Iterator[Feed]:
    """A file's meetings as a stream: a CSV is read row by row, so a million rows fit in little memory.

    A JSON document is loaded whole (its records are then built one by one). BadValue at once when the
    file as a whole is unusable (broken JSON, a CSV without the needed columns, an unknown encoding)."""
    if fmt is not None and fmt not in FORMATS:
        raise BadValue(f"unknown format {fmt!r}")
    parsed = Parsed()
    if fmt == "tsml-csv" or (fmt is None and (path.suffix.lower() == ".csv" or not _json_head(path))):
        with tsml_csv.open_path(path) as lines:
            src = source or "tsml-csv"
            yield Feed(parsed, tsml_csv.iter_meetings(lines, src, program, parsed), "tsml-csv", src)
        return
    data = load_json(path.read_bytes())
    fmt = fmt or json_format(data)
    src = source or fmt
    meetings = JSON_FORMATS[fmt].iter_meetings(data, src, program, parsed)
    yield Feed(parsed, _eager_start(meetings), fmt, src)


def _json_head(path: Path) -> bool:
    with path.open("rb") as fh:
        return looks_like_json(fh.read(64), path.name)


def _eager_start(meetings: Iterator[Meeting]) -> Iterator[Meeting]:
    """Run a generator up to its first meeting now, so a file-level BadValue is raised here."""
    try:
        first = next(meetings)
    except StopIteration:
        return iter(())
    return itertools.chain([first], meetings)


__all__ = [
    "FORMATS",
    "BadValue",
    "Feed",
    "Parsed",
    "detect",
    "load_json",
    "open_feed",
    "parse_bytes",
    "parse_file",
]
