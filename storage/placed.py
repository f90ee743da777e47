"""An in-memory index of the meetings that have a place, kept per database and directory version
(issue 13): near-me reads one version row instead of running a statement per ring."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from storage.db import Database
from storage.geo import EARTH_KM, ROW, cell_box, lon_scale
from storage.versions import directory_version

CACHE = "placed"  # the name of the one-entry cache on a Database (emptied on a rollback)
BAND_SCAN = 4  # meetings per grid row under which one pass over the rows' band beats a search per row
_PLACED = "SELECT cell, id, lat, lon, version, program FROM meetings WHERE cell IS NOT NULL ORDER BY cell, id"

Row = tuple[int, float, float, int]  # id, lat, lon, version: what a ring statement returns
# One placed meeting: cell, lat, lon, id, version, and radians(lat) with its cosine (distances_from's part)
Entry = tuple[int, float, float, int, int, float, float]


@dataclass(slots=True)
class _Cells:
    """Placed meetings sorted by grid cell (then id): their cells (searched) and entries (read)."""

    cells: list[int] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    def add(self, entry: Entry) -> None:
        self.cells.append(entry[0])
        self.entries.append(entry)


@dataclass(slots=True)
class PlacedIndex:
    """Every meeting with a grid cell as the ring statement sees it, once for all and once per program."""

    version: int
    placed: int = 0  # meetings with a cell (as `count(*) WHERE cell IS NOT NULL` counts them)
    everyone: _Cells = field(default_factory=_Cells)
    programs: dict[str, _Cells] = field(default_factory=dict)

    def ring_rows(self, lat: float, lon: float, reach: float, program: str | None, limit: int) -> list[Row]:
        """What MeetingStore's ring statement returns for these arguments: (id, lat, lon, version) of the
        `limit` meetings nearest by flat distance within `reach` km, in the cells around that circle.

        The same arithmetic as the statement (the same floats); equal flat distances go by id."""
        return [(e[3], e[1], e[2], e[4]) for e in self._chosen(lat, lon, reach, program, limit)]

    def nearest(
        self, lat: float, lon: float, reach: float, program: str | None, take: int, radius: float, limit: int
    ) -> list[tuple[float, int, int]]:
        """(km, id, version) of the ring's rows within `radius` by exact distance, nearest first, at most
        `limit`: what directory._within makes of ring_rows(lat, lon, reach, program, take), float for float
        (geo.distances_from with each meeting's part worked out when the index was built)."""
        p1 = math.radians(lat)
        cos_p1 = math.cos(p1)
        radians, sin, asin, sqrt = math.radians, math.sin, math.asin, math.sqrt
        scored = []
        for _, _, mlon, mid, version, p2, cos_p2 in self._chosen(
            lat, lon, reach, program, take, ordered=False
        ):
            dp, dl = p2 - p1, radians(mlon - lon)
            a = sin(dp / 2) ** 2 + cos_p1 * cos_p2 * sin(dl / 2) ** 2
            km = 2 * EARTH_KM * asin(min(1.0, sqrt(a)))
            if km <= radius:
                scored.append((km, mid, version))
        scored.sort()
        return scored[:limit]

    def _chosen(
        self, lat: float, lon: float, reach: float, program: str | None, limit: int, *, ordered: bool = True
    ) -> list[Entry]:
        """The entries of the ring's rows, by flat distance (`ordered=False`: in any order when all of them
        are taken)."""
        part = self.programs.get(program, _NONE) if program else self.everyone
        k2 = lon_scale(lat) ** 2
        most = (reach / 111.2) ** 2
        cells, entries = part.cells, part.entries
        r0, r1, c0, c1 = cell_box(lat, lon, reach)
        first, last = bisect_left(cells, r0 * ROW + c0), bisect_right(cells, r1 * ROW + c1)
        if last - first <= BAND_SCAN * (r1 - r0 + 1):  # few in the band: one pass over it
            spans = [(first, last)]
        else:  # the cells of each grid row
            spans = [
                (bisect_left(cells, row + c0, first, last), bisect_right(cells, row + c1, first, last))
                for row in range(r0 * ROW, r1 * ROW + 1, ROW)
            ]
        scored: list[tuple[float, int, Entry]] = []
        for lo, hi in spans:
            for e in entries[lo:hi]:
                if c0 <= e[0] % ROW <= c1:  # (a band holds cells of other columns too)
                    dlat, dlon = e[1] - lat, e[2] - lon
                    d2 = dlat * dlat + dlon * dlon * k2
                    if d2 <= most:
                        scored.append((d2, e[3], e))
        if ordered or len(scored) > limit:
            scored.sort()  # (ids are unique: entries are never compared)
        return [e for _, _, e in scored[:limit]]


_NONE = _Cells()  # a program without placed meetings


async def placed_index(db: Database) -> PlacedIndex:
    """The index for the directory as it is now: rebuilt when its version moved (one statement else)."""
    cache = db.cache(CACHE, 1, versioned=True)
    version = await directory_version(db, "meetings")
    index: PlacedIndex | None = cache.get(CACHE)
    if index is not None and index.version == version:
        return index
    index = PlacedIndex(version)
    for cell, mid, lat, lon, row_version, program in await db.fetchall(_PLACED):
        index.placed += 1
        if lat is None or lon is None:  # (the statement's distance would be NULL: never a match)
            continue
        p2 = math.radians(lat)
        entry = (cell, lat, lon, mid, row_version, p2, math.cos(p2))
        index.everyone.add(entry)
        part = index.programs.get(program)
        if part is None:
            part = index.programs[program] = _Cells()
        part.add(entry)
    cache.put(CACHE, index)
    return index
