"""Unprompted messages (reminders, check-ins, broadcasts): sources that hand out due items durably.

A source claims due rows atomically (so a second process never gets the same row), turns each into an
Outgoing, and is told afterwards how delivery went. The Telegram sender and the terminal chat both use it;
conversations.assembly lists the sources in use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

from conversations.context import Services
from conversations.types import Outgoing

Outcome = Literal["sent", "blocked", "failed", "retry"]


class OutgoingSource(Protocol):
    """A durable queue of messages to send."""

    name: str

    async def next_due_at(self, services: Services) -> datetime | None:
        """When the next item becomes due (UTC), or None if nothing is pending."""
        ...

    async def claim_due(
        self, services: Services, now: datetime, *, user_key: str | None = None, limit: int = 100
    ) -> list[Outgoing]:
        """Atomically claim items due at `now` (optionally only one pseudonym's)."""
        ...

    async def settle(
        self, services: Services, item: Outgoing, outcome: Outcome, *, retry_at: datetime | None = None
    ) -> None:
        """Record how sending one claimed item went."""
        ...
