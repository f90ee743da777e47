"""The referral tag a person arrived with, in memory only, until they start a trial (then it is on the
trial row, erased with it). Bounded and short-lived: after a restart or 30 days it is simply gone."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

MAX_ENTRIES = 50_000
TTL = timedelta(days=30)


class Arrivals:
    """user_key → (tag, when); LRU."""

    def __init__(self, max_entries: int = MAX_ENTRIES, ttl: timedelta = TTL) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._items: OrderedDict[str, tuple[str, datetime]] = OrderedDict()

    def put(self, user_key: str, tag: str, now: datetime) -> None:
        self._items[user_key] = (tag, now)
        self._items.move_to_end(user_key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def take(self, user_key: str, now: datetime) -> str | None:
        """The tag, if fresh; it is handed over once (to the trial row)."""
        item = self._items.pop(user_key, None)
        if item is None or not timedelta(0) <= now - item[1] <= self.ttl:
            return None
        return item[0]

    def forget(self, user_key: str) -> None:
        self._items.pop(user_key, None)

    def clear(self) -> None:
        self._items.clear()


ARRIVALS = Arrivals()
