"""What a support worker's change does, for the chat and the CLI alike: write it, fan it out, log it."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from conversations.context import Services
from conversations.meeting_format import saved_id
from conversations.places import town_in
from storage import broadcasts as bstore
from storage import edits
from storage.db import Tx
from storage.importers.normalise import BadValue
from storage.importers.normalise import parse_time as parse_clock
from storage.meeting import Meeting
from storage.support import write_audit

KINDS = ("cancel", "move", "edit", "close", "reopen", "note", "announce")
URL_RE = re.compile(r"^https?://\S+$")


def parse_time(text: str) -> str | None:
    """'19:30', '19.30', '19u30', '1930', '19' → '19:30' / '19:00'; None if it is not a time."""
    try:
        return parse_clock(text)[0]
    except BadValue:
        return None


def parse_times(text: str) -> tuple[str, str | None] | None:
    """'19:30' or '19:30-21:00' → (start, end)."""
    start, _, end = text.partition("-")
    s = parse_time(start)
    e = parse_time(end) if end.strip() else None
    if s is None or (end.strip() and e is None):
        return None
    return s, e


def split_place(text: str) -> tuple[str | None, str]:
    """'Buurthuis De Linde, Lindelaan 4, Utrecht' → ('Buurthuis De Linde', 'Lindelaan 4, Utrecht')."""
    head, sep, rest = text.partition(",")
    if sep and rest.strip() and any(ch.isdigit() for ch in rest):
        return head.strip(), rest.strip()
    return None, text.strip()


async def apply_change(
    tx: Tx, m: Meeting, kind: str, params: dict[str, Any], text: str | None, now: datetime, actor: str
) -> None:
    """Write the directory change a broadcast announces (an announcement changes nothing)."""
    mid = saved_id(m)
    day = date.fromisoformat(params["date"]) if params.get("date") else None
    if kind == "cancel" and day:
        await edits.cancel_date(tx, mid, day, now, actor)
    elif kind == "move" and day:
        place = params.get("place")
        location, address = split_place(place) if place else (None, None)
        await edits.move_date(
            tx, mid, day, now, actor, new_start=params.get("start"), new_location=location or place,
            new_address=address if location else None,
        )  # fmt: skip
    elif kind == "edit":
        field, value = params.get("field"), params.get("value")
        if field == "time":
            await edits.edit_meeting(tx, mid, now, actor, start_time=value)
        elif field == "place":
            location, address = split_place(str(value))
            changes = {"address": address, **({"location": location} if location else {})}
            town = town_in(address)
            point = (town.lat, town.lon) if town else None
            await edits.edit_meeting(tx, mid, now, actor, town=point, **changes)
        else:
            await edits.edit_meeting(tx, mid, now, actor, conference_url=value)
    elif kind == "close":
        await edits.close_meeting(tx, mid, now, actor)
    elif kind == "reopen":
        await edits.reopen_meeting(tx, mid, now, actor)
    elif kind == "note":
        await edits.add_note(tx, mid, now, actor, text or "")


def audit_summary(kind: str, params: dict[str, Any], cast: bstore.Broadcast) -> str:
    """What the audit log keeps: the date or field and the broadcast number — never recipients."""
    what = params.get("date") or params.get("field") or ""
    return f"{what} broadcast#{cast.id}".strip()


async def publish(
    services: Services,
    role_id: int | None,
    m: Meeting | None,
    kind: str,
    params: dict[str, Any],
    text: str | None,
    audience: bstore.Audience,
) -> bstore.Broadcast:
    """Apply a change, write its broadcast and all outbox rows and the audit line in one transaction.

    The Telegram side pokes its sender after every update, so the outbox starts draining at once.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown change {kind!r}")
    now = services.clock.now()
    actor = f"role:{role_id}" if role_id else "cli"
    async with services.db.tx() as tx:
        if m is not None:
            await apply_change(tx, m, kind, params, text, now, actor)
        cast = await bstore.create_broadcast(
            tx, now, audience, kind, params=params, text=text, created_by=role_id
        )
        await write_audit(tx, now, role_id, kind, m.id if m else None, audit_summary(kind, params, cast))
    return cast
