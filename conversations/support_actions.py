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
from storage.changes import date_changes
from storage.db import Database, Tx
from storage.importers.normalise import BadValue
from storage.importers.normalise import parse_time as parse_clock
from storage.meeting import Meeting
from storage.occurrences import slot_on
from storage.reports import dismiss_reports
from storage.support import write_audit

KINDS = ("cancel", "move", "edit", "close", "reopen", "note", "announce")
FIXING_KINDS = ("edit", "close")
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


HTTPS_RE = re.compile(r"^https://\S+$")
HTTP_RE = re.compile(r"^http://\S+$", re.IGNORECASE)


async def refusal(
    db: Database, m: Meeting | None, kind: str, params: dict[str, Any], text: str | None, now: datetime
) -> str | None:
    """Why a support worker's change cannot be sent (a text key), or None; the chat and the CLI both ask.

    Refused: a date that is over, cancelling a date that is already cancelled, an empty note or
    announcement, and a plain-http link (the bot only links to https).
    """
    day = date.fromisoformat(params["date"]) if params.get("date") else None
    if m is not None and day is not None:
        if slot_on(day, m.start_time, m.end_time, m.timezone).end <= now:
            return "support.refuse.past"
        if kind == "cancel" and await is_cancelled(db, m, day):
            return "support.refuse.cancelled_twice"
    if kind in ("note", "announce") and not (text or "").strip():
        return "support.refuse.empty"
    if kind == "edit" and params.get("field") == "url":
        value = str(params.get("value") or "").strip()
        if HTTP_RE.match(value):
            return "support.refuse.http"
        if not HTTPS_RE.match(value):
            return "support.refuse.url"
    return None


async def is_cancelled(db: Database, m: Meeting, day: date) -> bool:
    """Whether this date of the meeting is cancelled now (the latest change of that date)."""
    if m.id is None:
        return False
    change = (await date_changes(db, [m.id], day, day)).get((m.id, day))
    return change is not None and change.kind == "cancel"


async def region_refusal(db: Database, program: str, region: str) -> str | None:
    """Why an announcement to a fellowship in a region cannot go: an unknown region, or nobody there."""
    if not await bstore.region_known(db, program, region):
        return "support.refuse.region_unknown"
    count, unreachable = await bstore.count_recipients(db, bstore.Audience(program=program, region=region))
    if count - unreachable <= 0:
        return "support.refuse.nobody"
    return None


def split_place(text: str) -> tuple[str | None, str]:
    """'Buurthuis De Linde, Lindelaan 4, Utrecht' → ('Buurthuis De Linde', 'Lindelaan 4, Utrecht')."""
    head, sep, rest = text.partition(",")
    if sep and rest.strip() and any(ch.isdigit() for ch in rest):
        return head.strip(), rest.strip()
    return None, text.strip()


def split_town(address: str | None) -> tuple[str | None, str | None]:
    """'Dorpsstraat 3, Zeist' or 'Dorpsstraat 3 Zeist' → ('Dorpsstraat 3', 'Zeist'): the town once."""
    town = town_in(address)
    if not address or town is None:
        return address, None
    street = address.strip()
    for name in (town.name, address.rsplit(",", 1)[-1].strip()):
        if street.casefold().endswith(name.casefold()) and len(street) > len(name):
            street = street[: -len(name)].rstrip(" ,")
            break
    return street or None, town.name


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
            if kind in FIXING_KINDS and m.id is not None:
                await dismiss_reports(tx, m.id)  # the reports led here: a fix or a closure answers them
        cast = await bstore.create_broadcast(
            tx, now, audience, kind, params=params, text=text, created_by=role_id
        )
        await write_audit(tx, now, role_id, kind, m.id if m else None, audit_summary(kind, params, cast))
    return cast
