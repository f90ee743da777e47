"""What people hear when a feed changes a meeting they follow or try: one neutral message per meeting.

A new day or time, place or online link becomes the same kind of message a support worker's edit
sends; a meeting that disappeared from its feed becomes a closure. A meeting that comes back is
reactivated quietly. Messages go through the broadcast outbox, so they are durable and sent once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage import broadcasts as bstore
from storage.db import Tx
from storage.directory import MeetingChange, OnChanges
from storage.feeds import queue_retime
from storage.support import write_audit

SCHEDULE_FIELDS = ("weekday", "start_time")
PLACE_FIELDS = ("location", "address", "city")


def message_for(change: MeetingChange) -> tuple[str, dict[str, Any]] | None:
    """The broadcast kind and params for one change, or None when nobody needs to hear of it."""
    if change.deactivated:
        return "close", {}
    if change.reactivated:
        return None
    fields, after = change.fields, change.after
    if any(f in fields for f in SCHEDULE_FIELDS):
        return "edit", {"field": "time", "value": str(after["start_time"])[:5], "weekday": after["weekday"]}
    if any(f in fields for f in PLACE_FIELDS):
        place = ", ".join(str(after[f]) for f in ("address", "city") if after.get(f))
        return "edit", {"field": "place", "value": place}
    if "conference_url" in fields and after.get("conference_url"):
        return "edit", {"field": "url", "value": str(after["conference_url"])}
    return None


def queue_changes(source: str, now: datetime) -> OnChanges:
    """An `on_changes` hook for an import: queue the messages and the re-timing, in the same transaction."""

    async def hook(tx: Tx, changes: list[MeetingChange]) -> int:
        queued = 0
        retime: list[int] = []
        for change in changes:
            if change.deactivated or any(f in change.fields for f in SCHEDULE_FIELDS):
                retime.append(change.meeting_id)
            message = message_for(change)
            if message is None:
                continue
            kind, params = message
            audience = bstore.Audience(meeting_id=change.meeting_id)
            cast = await bstore.create_broadcast(tx, now, audience, kind, params=params)
            if cast.total:
                what = params.get("field") or kind
                await write_audit(
                    tx, now, None, kind, change.meeting_id, f"feed:{source} {what} broadcast#{cast.id}"
                )
            queued += cast.total
        await queue_retime(tx, retime)
        return queued

    return hook
