"""The last search location per pseudonym, in memory only (never stored): bounded and short-lived.

After a restart it is gone and the near-me flow simply asks again.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

MAX_ENTRIES = 10_000
TTL = timedelta(hours=2)


class LocationCache:
    """user_key → search point (lat, lon, the typed town if any) or towns to pick from; LRU, short-lived."""

    def __init__(self, max_entries: int = MAX_ENTRIES, ttl: timedelta = TTL) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._items: OrderedDict[str, tuple[float, float, int | None, datetime, str | None]] = OrderedDict()
        self._choices: OrderedDict[str, tuple[list[int], datetime]] = OrderedDict()

    def put(
        self,
        user_key: str,
        lat: float,
        lon: float,
        now: datetime,
        place_id: int | None = None,
        postcode: str | None = None,
    ) -> None:
        """Remember a search point (and the town or postcode area it stands for, when typed)."""
        self._items[user_key] = (lat, lon, place_id, now, postcode)
        self._items.move_to_end(user_key)
        self._choices.pop(user_key, None)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def _fresh(
        self, user_key: str, now: datetime
    ) -> tuple[float, float, int | None, datetime, str | None] | None:
        item = self._items.get(user_key)
        if item is not None and not timedelta(0) <= now - item[3] <= self.ttl:
            del self._items[user_key]
            return None
        return item

    def get(self, user_key: str, now: datetime) -> tuple[float, float] | None:
        """The search point, if one is fresh."""
        item = self._fresh(user_key, now)
        return (item[0], item[1]) if item else None

    def place_id(self, user_key: str, now: datetime) -> int | None:
        """The typed town behind the search point, if any."""
        item = self._fresh(user_key, now)
        return item[2] if item else None

    def postcode(self, user_key: str, now: datetime) -> str | None:
        """The typed postcode area (four digits) behind the search point, if any."""
        item = self._fresh(user_key, now)
        return item[4] if item else None

    def put_choices(self, user_key: str, place_ids: list[int], now: datetime) -> None:
        """Remember the towns an ambiguous place name matched, until one is picked."""
        self._choices[user_key] = (list(place_ids), now)
        self._choices.move_to_end(user_key)
        while len(self._choices) > self.max_entries:
            self._choices.popitem(last=False)

    def choices(self, user_key: str, now: datetime) -> list[int]:
        """The towns to choose from, if still fresh."""
        item = self._choices.get(user_key)
        if item is None or not timedelta(0) <= now - item[1] <= self.ttl:
            self._choices.pop(user_key, None)
            return []
        return item[0]

    def forget(self, user_key: str) -> None:
        self._items.pop(user_key, None)
        self._choices.pop(user_key, None)

    def clear(self) -> None:
        self._items.clear()
        self._choices.clear()

    def __len__(self) -> int:
        return len(self._items)


LOCATIONS = LocationCache()
