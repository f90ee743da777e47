"""The order of a near-me listing: nearest first by default, soonest first on request.

Ordering by time over up to 50 km put a meeting 25 km away above one 0.2 km away (Groningen), so a
person sees the nearest meetings first; "Eerstvolgende eerst" re-sorts by time. With a language filter,
meetings known to be in that language come before those of unknown language (which are marked).
"""

from __future__ import annotations

from storage.languages import language_match
from storage.meeting import Meeting
from storage.occurrences import Occurrence

Listed = list[tuple[Meeting, Occurrence]]
SORTS = ("dist", "time")
DEFAULT_SORT = "dist"


def sort_of(value: object) -> str:
    """The listing order kept in the flow state ('dist' unless 'time' was chosen)."""
    return value if isinstance(value, str) and value in SORTS else DEFAULT_SORT


def order_listing(
    listed: Listed,
    distance: dict[int | None, float],
    *,
    sort: str = DEFAULT_SORT,
    language: str | None = None,
) -> Listed:
    """Sort a listing (already in time order): by distance or keep time, known language first."""
    out = list(listed)
    if sort_of(sort) == "dist":
        out.sort(key=lambda pair: distance.get(pair[0].id, 0.0))
    if language:
        out.sort(key=lambda pair: language_match(pair[0], language) != "yes")  # stable: order kept
    return out


def unknown_language(meeting: Meeting, language: str | None) -> bool:
    """Whether a listing under a language filter should mark this meeting 'language unknown'."""
    return bool(language) and language_match(meeting, language or "") == "unknown"
