"""Distances from one point (near-me's inner loop) are haversine_km's, float for float."""

from __future__ import annotations

import random

from storage.geo import distances_from, haversine_km


def test_distances_from_a_point_are_haversine_exactly() -> None:
    rnd = random.Random(3)
    points = [(52.0907, 5.1214), (0.0, 0.0), (89.9, 179.9), (-33.9, 18.4)]
    points += [(rnd.uniform(-89, 89), rnd.uniform(-179, 179)) for _ in range(300)]
    for lat, lon in points:
        km = distances_from(lat, lon)
        for _ in range(20):
            lat2, lon2 = rnd.uniform(-90, 90), rnd.uniform(-180, 180)
            assert km(lat2, lon2) == haversine_km(lat, lon, lat2, lon2)
        assert km(lat, lon) == 0.0
