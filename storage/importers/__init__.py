"""Directory importers: detect a feed's format and turn it into canonical meetings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storage.importers import bmlt, meeting_guide, nl_merged, tsml_csv
from storage.importers.normalise import BadValue, Parsed

FORMATS = ("meeting-guide", "tsml-csv", "bmlt", "nl-merged")


def detect(raw: bytes, filename: str = "") -> str:
    """Guess a file's format from its name and content."""
    if filename.lower().endswith(".csv"):
        return "tsml-csv"
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "tsml-csv"
    if nl_merged.looks_like(data):
        return "nl-merged"
    if bmlt.looks_like(data):
        return "bmlt"
    return "meeting-guide"


def parse_bytes(raw: bytes, fmt: str, source: str, program: str | None = None) -> Parsed:
    """Parse a file's bytes in a given format; BadValue when the file as a whole is unusable."""
    if fmt not in FORMATS:
        raise BadValue(f"unknown format {fmt!r}")
    if fmt == "tsml-csv":
        return tsml_csv.parse(raw, source, program)
    try:
        data: Any = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadValue(f"not valid JSON: {exc}") from exc
    module = {"meeting-guide": meeting_guide, "bmlt": bmlt, "nl-merged": nl_merged}[fmt]
    parsed: Parsed = module.parse(data, source, program)
    return parsed


def parse_file(
    path: Path, fmt: str | None = None, source: str | None = None, program: str | None = None
) -> tuple[Parsed, str, str]:
    """Read and parse a file; returns the result, the format used and the source name."""
    raw = path.read_bytes()
    fmt = fmt or detect(raw, path.name)
    return parse_bytes(raw, fmt, source or fmt, program), fmt, source or fmt


__all__ = ["FORMATS", "BadValue", "Parsed", "detect", "parse_bytes", "parse_file"]
