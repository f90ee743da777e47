"""The last search location per pseudonym, in memory only (never stored): bounded and short-lived.

After a restart it is gone and the near-me flow simply asks again.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

MAX_ENTRIES = 10_000
TTL = timedelta(hours=2)


class LocationCache:
    """user_key → (lat, lon, when), least recently used dropped first."""

    def __init__(self, max_entries: int = MAX_ENTRIES, ttl: timedelta = TTL) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._items: OrderedDict[str, tuple[float, float, datetime]] = OrderedDict()

    def put(self, user_key: str, lat: float, lon: float, now: datetime) -> None:
        self._items[user_key] = (lat, lon, now)
        self._items.move_to_end(user_key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def get(self, user_key: str, now: datetime) -> tuple[float, float] | None:
        item = self._items.get(user_key)
        if item is None:
            return None
        lat, lon, when = item
        if not timedelta(0) <= now - when <= self.ttl:
            del self._items[user_key]
            return None
        return lat, lon

    def forget(self, user_key: str) -> None:
        self._items.pop(user_key, None)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


LOCATIONS = LocationCache()
