"""An in-memory index of the meetings that have a place, kept per database and directory version
(issue 13): near-me reads one version row instead of running a statement per ring."""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from storage.db import Database
from storage.geo import EARTH_KM, ROW, cell_box, lon_scale
from storage.versions import directory_version

CACHE = "placed"  # the name of the one-entry cache on a Database (emptied on a rollback)
BAND_SCAN = 4  # meetings per grid row under which one pass over the rows' band beats a search per row
_PLACED = "SELECT cell, id, lat, lon, version, program FROM meetings WHERE cell IS NOT NULL ORDER BY cell, id"

Row = tuple[int, float, float, int]  # id, lat, lon, version: what a ring statement returns


@dataclass(slots=True)
class _Cells:
    """Placed meetings sorted by grid cell (then id), as columns."""

    cells: array[int] = field(default_factory=lambda: array("q"))
    ids: array[int] = field(default_factory=lambda: array("q"))
    lats: array[float] = field(default_factory=lambda: array("d"))
    lons: array[float] = field(default_factory=lambda: array("d"))
    versions: array[int] = field(default_factory=lambda: array("q"))
    p2s: array[float] = field(default_factory=lambda: array("d"))  # radians(lat), as distances_from has it
    cos_p2s: array[float] = field(default_factory=lambda: array("d"))  # and its cosine

    def add(self, cell: int, mid: int, lat: float, lon: float, version: int) -> None:
        self.cells.append(cell)
        self.ids.append(mid)
        self.lats.append(lat)
        self.lons.append(lon)
        self.versions.append(version)
        p2 = math.radians(lat)
        self.p2s.append(p2)
        self.cos_p2s.append(math.cos(p2))


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
        part, chosen = self._chosen(lat, lon, reach, program, limit)
        ids, lats, lons, versions = part.ids, part.lats, part.lons, part.versions
        return [(ids[i], lats[i], lons[i], versions[i]) for i in chosen]

    def nearest(
        self, lat: float, lon: float, reach: float, program: str | None, take: int, radius: float, limit: int
    ) -> list[tuple[float, int, int]]:
        """(km, id, version) of the ring's rows within `radius` by exact distance, nearest first, at most
        `limit`: what directory._within makes of ring_rows(lat, lon, reach, program, take), float for float
        (geo.distances_from with each meeting's part worked out when the index was built)."""
        part, chosen = self._chosen(lat, lon, reach, program, take, ordered=False)
        ids, lons, versions, p2s, cos_p2s = part.ids, part.lons, part.versions, part.p2s, part.cos_p2s
        p1 = math.radians(lat)
        cos_p1 = math.cos(p1)
        radians, sin, asin, sqrt = math.radians, math.sin, math.asin, math.sqrt
        scored = []
        for i in chosen:
            dp, dl = p2s[i] - p1, radians(lons[i] - lon)
            a = sin(dp / 2) ** 2 + cos_p1 * cos_p2s[i] * sin(dl / 2) ** 2
            km = 2 * EARTH_KM * asin(min(1.0, sqrt(a)))
            if km <= radius:
                scored.append((km, ids[i], versions[i]))
        scored.sort()
        return scored[:limit]

    def _chosen(
        self, lat: float, lon: float, reach: float, program: str | None, limit: int, *, ordered: bool = True
    ) -> tuple[_Cells, list[int]]:
        """The part searched (everyone or one program) and the positions of the ring's rows in it, by flat
        distance (`ordered=False`: in any order when all of them are taken)."""
        part = self.programs.get(program, _NONE) if program else self.everyone
        k2 = lon_scale(lat) ** 2
        most = (reach / 111.2) ** 2
        cells, lats, lons, ids = part.cells, part.lats, part.lons, part.ids
        r0, r1, c0, c1 = cell_box(lat, lon, reach)
        first, last = bisect_left(cells, r0 * ROW + c0), bisect_right(cells, r1 * ROW + c1)
        scored: list[tuple[float, int, int]] = []
        if last - first <= BAND_SCAN * (r1 - r0 + 1):  # few in the band: one pass, columns checked
            for i in range(first, last):
                if c0 <= cells[i] % ROW <= c1:
                    dlat, dlon = lats[i] - lat, lons[i] - lon
                    d2 = dlat * dlat + dlon * dlon * k2
                    if d2 <= most:
                        scored.append((d2, ids[i], i))
        else:  # the cells of each grid row
            for row in range(r0 * ROW, r1 * ROW + 1, ROW):
                for i in range(
                    bisect_left(cells, row + c0, first, last), bisect_right(cells, row + c1, first, last)
                ):
                    dlat, dlon = lats[i] - lat, lons[i] - lon
                    d2 = dlat * dlat + dlon * dlon * k2
                    if d2 <= most:
                        scored.append((d2, ids[i], i))
        if ordered or len(scored) > limit:
            scored.sort()
        return part, [i for _, _, i in scored[:limit]]


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
        index.everyone.add(cell, mid, lat, lon, row_version)
        part = index.programs.get(program)
        if part is None:
            part = index.programs[program] = _Cells()
        part.add(cell, mid, lat, lon, row_version)
    cache.put(CACHE, index)
    return index
