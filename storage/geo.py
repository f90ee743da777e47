"""Distances and the grid cells that make near-me queries fast (no spatial extension needed)."""

from __future__ import annotations

import math
from collections.abc import Callable

EARTH_KM = 6371.0088
CELL_DEG = 0.02  # about 2.2 km north-south, 1.4 km east-west in the Netherlands
ROW = 100_000  # cells per grid row: a cell is row * ROW + column

# A box around the Netherlands (mainland and Wadden islands) and a wider box around it (border towns).
NL_BOX = (50.70, 53.60, 3.30, 7.25)
NEAR_NL_BOX = (49.40, 54.50, 2.00, 8.50)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def distances_from(lat: float, lon: float) -> Callable[[float, float], float]:
    """haversine_km from one fixed point, with that point's part worked out once (the same floats)."""
    p1 = math.radians(lat)
    cos_p1 = math.cos(p1)
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt

    def km(lat2: float, lon2: float) -> float:
        p2 = radians(lat2)
        dp, dl = p2 - p1, radians(lon2 - lon)
        a = sin(dp / 2) ** 2 + cos_p1 * cos(p2) * sin(dl / 2) ** 2
        return 2 * EARTH_KM * asin(min(1.0, sqrt(a)))

    return km


def in_box(lat: float, lon: float, box: tuple[float, float, float, float]) -> bool:
    """Whether a point lies in (south, north, west, east)."""
    return box[0] <= lat <= box[1] and box[2] <= lon <= box[3]


def cell_of(lat: float, lon: float) -> int:
    """The grid cell number of a point."""
    return math.floor((lat + 90) / CELL_DEG) * ROW + math.floor((lon + 180) / CELL_DEG)


def cell_box(lat: float, lon: float, radius_km: float) -> tuple[int, int, int, int]:
    """The grid rows and columns (first row, last row, first column, last column) of the cells that
    overlap the bounding box of a circle; a cell is row * ROW + column."""
    dlat = radius_km / 111.2
    dlon = radius_km / (111.2 * max(0.05, math.cos(math.radians(lat))))
    r0 = math.floor((lat - dlat + 90) / CELL_DEG)
    r1 = math.floor((lat + dlat + 90) / CELL_DEG)
    c0 = math.floor((lon - dlon + 180) / CELL_DEG)
    c1 = math.floor((lon + dlon + 180) / CELL_DEG)
    return r0, r1, c0, c1


def cell_ranges(lat: float, lon: float, radius_km: float) -> list[tuple[int, int]]:
    """The cells overlapping the bounding box of a circle, as one (first, last) range per grid row."""
    r0, r1, c0, c1 = cell_box(lat, lon, radius_km)
    return [(r * ROW + c0, r * ROW + c1) for r in range(r0, r1 + 1)]


def lon_scale(lat: float) -> float:
    """cos(latitude): squeezes longitude degrees for a flat-earth distance that orders like the real one."""
    return math.cos(math.radians(lat))
