"""Cleaning up real-world feed values: times, days, coordinates, type codes, HTML, time zones."""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.geo import NEAR_NL_BOX, NL_BOX, in_box
from storage.meeting import PROGRAMS, Meeting
from storage.occurrences import DEFAULT_ZONE

TYPES_FILE = Path(__file__).resolve().parents[2] / "content" / "meeting_types.toml"


class BadValue(ValueError):
    """A value that cannot be read; the message says why (it ends up in the import report)."""


def shown(value: Any, limit: int = 40) -> str:
    """A value for a report: its repr, cut short so a hostile value cannot flood the report."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(slots=True)
class Parsed:
    """What an importer made of a file: clean meetings, rejected records with reasons, and warnings."""

    meetings: list[Meeting] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    unknown_types: set[str] = field(default_factory=set)
    rejected_total: int = 0  # every rejection; `rejected` keeps the first KEEP of them
    warnings_total: int = 0

    KEEP = 1000  # report lines kept per kind, so a hostile million-row file cannot fill the memory

    def reject(self, record: str, reason: str) -> None:
        self.rejected_total += 1
        if len(self.rejected) < self.KEEP:
            self.rejected.append({"record": record, "reason": reason})

    def warn(self, record: str, warning: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < self.KEEP:
            self.warnings.append({"record": record, "warning": warning})


# --- spreadsheet cells ------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell starting so as a formula


def neutral_cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading apostrophe before a formula character."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unneutral_cell(text: str) -> str:
    """The text behind a cell that neutral_cell protected (so an export imports back unchanged)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


# --- time -------------------------------------------------------------------------------------------

_TIME_RE = re.compile(
    r"^\s*(\d{1,2})(?:\s*[:.uUhH]\s*(\d{2}))?(?::(\d{2}))?\s*(?:uur)?\s*([aApP]\.?\s*[mM]\.?)?\s*$"
)
_COMPACT_RE = re.compile(r"^\s*(\d{3,4})\s*$")


def parse_time(value: Any) -> tuple[str, int]:
    """A time as "HH:MM" plus a day shift (1 for "24:00", which is midnight at the end of the day)."""
    if value is None or str(value).strip() == "":
        raise BadValue("no time")
    text = str(value).strip()
    m = _COMPACT_RE.match(text)
    if m:
        digits = m.group(1).zfill(4)
        hh, mm, ampm = int(digits[:2]), int(digits[2:]), None
    else:
        m = _TIME_RE.match(text)
        if not m:
            raise BadValue(f"unreadable time {shown(text)}")
        hh, mm = int(m.group(1)), int(m.group(2) or 0)
        ampm = (m.group(4) or "").lower().replace(".", "").replace(" ", "") or None
    if ampm:
        if not 1 <= hh <= 12:
            raise BadValue(f"unreadable time {shown(text)}")
        hh = hh % 12 + (12 if ampm.startswith("p") else 0)
    if mm > 59 or hh > 24 or (hh == 24 and mm > 0):
        raise BadValue(f"impossible time {shown(text)}")
    if hh == 24:
        return "00:00", 1
    return f"{hh:02d}:{mm:02d}", 0


# --- days -------------------------------------------------------------------------------------------

_DAY_NAMES = {
    "monday": 1, "maandag": 1, "ma": 1, "mon": 1,
    "tuesday": 2, "dinsdag": 2, "di": 2, "tue": 2, "tues": 2,
    "wednesday": 3, "woensdag": 3, "wo": 3, "wed": 3,
    "thursday": 4, "donderdag": 4, "do": 4, "thu": 4, "thur": 4, "thurs": 4,
    "friday": 5, "vrijdag": 5, "vr": 5, "fri": 5,
    "saturday": 6, "zaterdag": 6, "za": 6, "sat": 6,
    "sunday": 7, "zondag": 7, "zo": 7, "sun": 7,
}  # fmt: skip


def weekday_from_sunday0(value: Any) -> int:
    """Meeting Guide's day (0 = Sunday … 6 = Saturday, number or digit string) → ISO weekday."""
    try:
        n = int(str(value).strip())
    except ValueError as exc:
        raise BadValue(f"unreadable day {shown(value)}") from exc
    if not 0 <= n <= 6:
        raise BadValue(f"day out of range {shown(value)}")
    return 7 if n == 0 else n


def weekday_from_name(value: Any) -> int:
    """A day name in Dutch or English (or a Meeting Guide number) → ISO weekday."""
    text = str(value or "").strip().casefold().rstrip(".")
    if text in _DAY_NAMES:
        return _DAY_NAMES[text]
    if text.isdigit():
        return weekday_from_sunday0(text)
    raise BadValue(f"unreadable day {shown(value)}")


def shift_weekday(weekday: int, days: int) -> int:
    """The ISO weekday a number of days later."""
    return (weekday - 1 + days) % 7 + 1


# --- text -------------------------------------------------------------------------------------------

_BREAK_RE = re.compile(r"<\s*(br|/p|/div|/li|p|li)\b[^>]*>", re.I)
_TAG_RE = re.compile(r"<[^>]+>")


def clean_text(value: Any) -> str | None:
    """Plain text: HTML tags removed, entities decoded, blank lines squeezed; None when empty."""
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise BadValue("a list or object where text belongs")
    text = str(value)
    if "<" in text or "&" in text:
        text = _BREAK_RE.sub("\n", text)
        text = html.unescape(_TAG_RE.sub("", text))
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    out = "\n".join(line for line in lines if line)
    return out or None


def clean_str(value: Any) -> str | None:
    """A one-line string, or None."""
    text = clean_text(value)
    return " ".join(text.split()) if text else None


def clean_slug(value: Any) -> str:
    """A slug: lower case, no spaces."""
    return re.sub(r"\s+", "-", str(value).strip()).lower()


# --- time zone --------------------------------------------------------------------------------------


_ZONE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}$")


def clean_zone(value: Any, parsed: Parsed, record: str) -> str:
    """A valid IANA zone name; unknown or empty names fall back to Europe/Amsterdam (with a warning).

    A value that cannot be a zone name at all (too long, odd characters) rejects the record; it is
    never handed to the zone loader, whose errors would name files on this machine.
    """
    name = str(value or "").strip()
    if not name:
        return DEFAULT_ZONE
    if len(name) > 64 or not _ZONE_RE.match(name):
        raise BadValue(f"unreadable time zone {shown(name)}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        parsed.warn(record, f"unknown time zone {name!r}, using {DEFAULT_ZONE}")
        return DEFAULT_ZONE
    return name


# --- coordinates ------------------------------------------------------------------------------------


def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        f = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return f if f == f else None  # NaN → None


def clean_coords(lat: Any, lon: Any, parsed: Parsed, record: str) -> tuple[float | None, float | None]:
    """Coordinates that make sense for the Netherlands: 0/0 and missing → None, swapped → fixed,
    far outside the Netherlands → None (each with a warning); border towns are kept."""
    la, lo = _num(lat), _num(lon)
    if la is None or lo is None:
        return None, None
    if abs(la) < 1e-6 and abs(lo) < 1e-6:
        parsed.warn(record, "coordinates 0,0 dropped")
        return None, None
    if in_box(la, lo, NL_BOX) or in_box(la, lo, NEAR_NL_BOX):
        return round(la, 6), round(lo, 6)
    if in_box(lo, la, NEAR_NL_BOX):
        parsed.warn(record, "latitude and longitude were swapped")
        return round(lo, 6), round(la, 6)
    parsed.warn(record, f"coordinates {la},{lo} are outside the Netherlands, dropped")
    return None, None


# --- type codes -------------------------------------------------------------------------------------


@cache
def known_types() -> frozenset[str]:
    """The type codes our label table (content/meeting_types.toml) knows."""
    with TYPES_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    return frozenset(data.get("types", {}))


def clean_types(value: Any, parsed: Parsed) -> tuple[str, ...]:
    """Type codes as a sorted tuple of upper-case codes; unknown ones are kept and reported once."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise BadValue(f"types must be a list or text, not {shown(value)}")
    if not all(isinstance(c, str | int) for c in items):
        raise BadValue("types must be a list of codes")
    codes = sorted({str(c).strip().upper() for c in items if str(c).strip()})
    known = known_types()
    for code in codes:
        if code not in known and code not in parsed.unknown_types:
            parsed.unknown_types.add(code)
            parsed.warn("-", f"unknown type code {shown(code)} (kept)")
    return tuple(codes)


def language_of(explicit: Any, types: tuple[str, ...]) -> str | None:
    """The meeting's language: an explicit code, else from the EN/NL type codes."""
    code = str(explicit or "").strip().lower()[:2]
    if code.isalpha() and len(code) == 2:
        return code
    if "EN" in types or "ENG" in types:
        return "en"
    if "NL" in types:
        return "nl"
    return None


def clean_program(value: Any) -> str | None:
    """A program id we know (AA, NA, …), or None."""
    text = str(value or "").strip().upper().replace("-", "").replace(" ", "")
    aliases = {"ALANONACA": "ACA", "SMARTRECOVERY": "SMART", "COCAINEANONYMOUS": "CA"}
    text = aliases.get(text, text)
    return text if text in PROGRAMS else None


# --- attendance -------------------------------------------------------------------------------------


def attendance_of(
    *, has_place: bool, conference: bool, types: tuple[str, ...], online_flag: bool | None = None,
    contact: bool = False,
) -> str:  # fmt: skip
    """in_person / online / hybrid / inactive, following the Meeting Guide rules for ONL and TC.

    TC (temporarily closed) with a link → online; TC without → inactive. An online meeting needs a link,
    a phone number or a contact who gives the link on request ("link op aanvraag"), else it is inactive.
    """
    closed = "TC" in types
    wants_online = bool(online_flag) or "ONL" in types
    conference = conference or (contact and wants_online)
    if closed:
        return "online" if conference else "inactive"
    if online_flag and not has_place:
        return "online" if conference else "inactive"
    if conference and has_place:
        return "hybrid"
    if conference:
        return "online"
    if wants_online and not has_place:
        return "inactive"
    return "in_person" if has_place else "inactive"
