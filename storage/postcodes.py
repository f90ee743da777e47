"""Dutch postcodes ("3511 AB", "3511AB", "3511") as approximate search points, from the directory itself.

No well-kept package ships Dutch postcode areas offline (pgeocode downloads its tables at run time), so
the centre of a four-digit postcode area (PC4) is estimated from the meetings that have both a postcode
and coordinates: the median of their points. An area without meetings borrows the centres of the
nearest known area numbers with the same first two digits, which in the Netherlands lie close together.
Either way the point is approximate, and the chat and the CLI say so.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from storage.db import Database

POSTCODE_RE = re.compile(r"^\s*([1-9]\d{3})\s*(?:([A-Za-z]{2})\b)?[\s,]*([^\d]*)$")
NEIGHBOURS = 3  # known areas to borrow from
MAX_STEP = 40  # how far apart in number a borrowed area may be


@dataclass(frozen=True, slots=True)
class PostcodePoint:
    """The estimated centre of a postcode area; `borrowed` when no meeting lies in the area itself."""

    pc4: str
    lat: float
    lon: float
    borrowed: bool

    @property
    def label(self) -> str:
        return self.pc4


def parse_postcode(text: str) -> str | None:
    """The four digits of a Dutch postcode typed as '3511 AB', '3511AB', '3511' (a town may follow)."""
    m = POSTCODE_RE.match(text)
    return m.group(1) if m else None


async def area_centres(db: Database) -> dict[int, tuple[float, float]]:
    """PC4 number → median (lat, lon) of the meetings with that postcode and coordinates."""
    rows = await db.fetchall(
        "SELECT postal_code, lat, lon FROM meetings WHERE postal_code IS NOT NULL AND lat IS NOT NULL "
        "AND lon IS NOT NULL"
    )
    points: dict[int, list[tuple[float, float]]] = {}
    for code, lat, lon in rows:
        digits = re.match(r"\s*([1-9]\d{3})", str(code))
        if digits:
            points.setdefault(int(digits.group(1)), []).append((float(lat), float(lon)))
    return {
        pc: (statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts))
        for pc, pts in points.items()
    }


def estimate(pc4: int, centres: dict[int, tuple[float, float]]) -> PostcodePoint | None:
    """The area's own centre, or a weighted mean of the nearest known areas of the same PC2 region."""
    if pc4 in centres:
        lat, lon = centres[pc4]
        return PostcodePoint(str(pc4), lat, lon, borrowed=False)
    near = sorted(
        (abs(pc - pc4), pc) for pc in centres if pc // 100 == pc4 // 100 and abs(pc - pc4) <= MAX_STEP
    )[:NEIGHBOURS]
    if not near:
        return None
    weights = [1.0 / step for step, _ in near]
    total = sum(weights)
    lat = sum(w * centres[pc][0] for w, (_, pc) in zip(weights, near, strict=True)) / total
    lon = sum(w * centres[pc][1] for w, (_, pc) in zip(weights, near, strict=True)) / total
    return PostcodePoint(str(pc4), lat, lon, borrowed=True)


async def postcode_point(db: Database, text: str) -> PostcodePoint | None:
    """A typed postcode as an approximate point, or None (not a postcode, or an area we cannot place)."""
    pc4 = parse_postcode(text)
    if pc4 is None:
        return None
    return estimate(int(pc4), await area_centres(db))
