"""Discretion: words that give a person away on a lock screen, and the street-and-town form of a place.

The first two lines of anything sent unprompted, a calendar file's SUMMARY and LOCATION, and the first
line of a broadcast must not name a fellowship, a clinic or addiction. `revealing_words` finds such
words; `street_and_town` is the only form of a place those lines may carry.
"""

from __future__ import annotations

import re
from functools import cache

from storage.meeting import Meeting

# Short codes: upper case, whole words only ("na" and "ca." are ordinary Dutch words).
CODES = ("AA", "NA", "CA", "OA", "ACA", "AGOG", "SMART", "LSOVD", "GGZ", "VNN", "VZA", "A.A.", "N.A.")
# Names and stems: any case; a stem ending in * matches the rest of the word as well.
WORDS = (
    "anoniem*", "anonym*", "al-anon", "alanon", "alateen", "alcohol*", "alcoholic*", "narcotic*",
    "cocaine*", "cocaïne*", "gambler*", "gokker*", "gokverslav*", "drugs", "verslav*", "verslaaf*",
    "addict*", "*kliniek*", "clinic*", "detox*", "rehab*", "brijder", "jellinek", "tactus", "novadic*",
    "kentron", "mondriaan", "arkin", "iriszorg", "iris zorg", "victas", "emergis", "ixta noa",
    "antes", "twaalf stappen", "12 stappen", "12-stappen", "12 steps", "12-step*", "twelve step*",
    "recovery", "herstelgroep*", "zelfhulp*", "self-help", "sobriety", "nuchter*",
)  # fmt: skip


def _word_pattern(word: str) -> str:
    core = re.escape(word.strip("*"))
    head = "" if word.startswith("*") else r"(?<![\w-])"
    tail = r"[\w-]*" if word.endswith("*") else r"(?![\w-])"
    return head + core + tail


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    codes = "|".join(r"(?<![\w.])" + re.escape(c) + r"(?![\w])" for c in CODES)
    # A code joined to a word by a hyphen still names it ("NA-meeting", "AA-groep").
    codes_joined = "|".join(r"(?<![\w.])" + re.escape(c) + r"(?=-)" for c in CODES if "." not in c)
    words = "|".join(_word_pattern(w) for w in WORDS)
    return re.compile(f"{codes}|{codes_joined}"), re.compile(words, re.IGNORECASE)


def revealing_words(text: str) -> list[str]:
    """Every word in `text` that names a fellowship, a clinic or addiction (empty when discreet)."""
    codes, words = _patterns()
    return [m.group(0) for m in codes.finditer(text)] + [m.group(0) for m in words.finditer(text)]


def reveals(text: str) -> bool:
    """Whether `text` names a fellowship, a clinic or addiction."""
    return bool(revealing_words(text))


def first_lines(text: str, count: int = 2) -> list[str]:
    """The first `count` non-empty lines (what a lock screen or a notification shows)."""
    return [line for line in text.splitlines() if line.strip()][:count]


def street_and_town(address: str | None, city: str | None) -> str:
    """'Statenweg 207, Rotterdam': never a venue's name; the town alone if the street reveals.

    No postal code either: its letters can read as a fellowship ('2565 NA Den Haag', '8932 AA').
    """
    town = (city or "").strip()
    street = (address or "").strip()
    if street and reveals(street):
        street = ""
    if street and city and city.casefold() in street.casefold():
        return street
    return ", ".join(p for p in (street, town) if p)


def meeting_street_and_town(meeting: Meeting) -> str:
    """A meeting's street and town (no venue name)."""
    return street_and_town(meeting.address, meeting.city)


def free_place_street(place: str | None, city: str | None) -> str:
    """A place typed by a support worker ('Buurthuis X, Kerkstraat 1'): the parts that do not reveal.

    Only the comma-separated parts without a revealing word are kept; the venue's own name may still be
    there (it reveals nothing on its own), so callers put this after a neutral first line.
    """
    parts = [p.strip() for p in (place or "").split(",") if p.strip() and not reveals(p)]
    if city and not any(city.casefold() in p.casefold() for p in parts):
        parts.append(city)
    return ", ".join(parts)
