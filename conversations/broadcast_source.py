"""The broadcast outbox as an OutgoingSource: each claimed row becomes a message in its recipient's language.

A message is signed as coming from the group's support worker, never from a person. When a broadcast has
nothing left to send, its creator gets a summary (sent, blocked, failed).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from content.i18n import Translator, translator
from conversations.buttons import MENU_ID, button_id
from conversations.context import Services
from conversations.discretion import free_place_street, reveals
from conversations.meeting_format import saved_id, weekday_name
from conversations.outgoing import Outcome
from conversations.types import Button, Outgoing, Reply
from storage import broadcasts as store
from storage.meeting import Meeting, get_meeting
from storage.support import forget_unneeded_chats

KIND = "broadcast"
SUMMARY_KIND = "broadcast_summary"


def meeting_label(t: Translator, m: Meeting) -> str:
    """'AA De Brug (dinsdag 19:30)': for the support worker's own screens, never a recipient's first lines."""
    return t.t("support.meeting_label", name=m.name, day=weekday_name(t, m.weekday), time=m.start_time[:5])


def neutral_label(t: Translator, m: Meeting) -> str:
    """'de meeting van dinsdag 19:30 in Utrecht': which meeting, without its name or fellowship."""
    weekday = weekday_name(t, m.weekday)
    town = m.city if m.city and not reveals(m.city) else None
    if town:
        return t.t("support.msg.neutral_label", day=weekday, time=m.start_time[:5], town=town)
    return t.t("support.msg.neutral_label_online", day=weekday, time=m.start_time[:5])


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def change_text(
    t: Translator, kind: str, params: dict[str, Any], text: str | None, m: Meeting | None
) -> tuple[str, list[str]]:
    """A change message for one meeting: a discreet sentence, and detail lines that may name things."""
    label = neutral_label(t, m) if m else ""
    city = m.city if m else None
    when = t.date(date.fromisoformat(params["date"])) if params.get("date") else ""
    details: list[str] = []
    if kind == "cancel":
        body = t.t("support.msg.cancel", meeting=label, date=when)
    elif kind == "move":
        parts = []
        if params.get("start"):
            parts.append(t.t("support.msg.move_time", time=params["start"]))
        if params.get("place"):
            place = str(params["place"])
            parts.append(t.t("support.msg.move_place", place=free_place_street(place, city)))
            details.append(t.t("support.msg.place_details", place=place))
        body = t.t("support.msg.move", meeting=label, date=when, what=", ".join(parts))
    elif kind == "edit":
        field, value = str(params.get("field")), str(params.get("value", ""))
        if field == "time":
            body = t.t("support.msg.edit_time", meeting=label, value=value)
        elif field == "place":
            body = t.t("support.msg.edit_place", meeting=label, value=free_place_street(value, city))
            details.append(t.t("support.msg.place_details", place=value))
        else:
            body = t.t("support.msg.edit_url", meeting=label)
            details.append(value)
    elif kind in ("close", "reopen"):
        body = t.t(f"support.msg.{kind}", meeting=label)
    else:
        body = t.t("support.msg.note", meeting=label, text=text or "")
    return _sentence(body), details


def render(t: Translator, b: store.Broadcast | dict[str, Any], m: Meeting | None) -> Reply:
    """The message a recipient gets (also shown to the support worker as a preview).

    The first two lines name no fellowship, clinic or addiction (a lock screen shows them): a neutral
    head, then which meeting by day, time and town. The meeting's name and any typed place follow later.
    """
    d: dict[str, Any] = b if isinstance(b, dict) else {
        "kind": b.kind, "params": b.params, "text": b.text, "program": b.program, "region": b.region,
    }  # fmt: skip
    raw_params, raw_text = d.get("params"), d.get("text")
    kind = str(d.get("kind"))
    params: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
    text = raw_text if isinstance(raw_text, str) else None
    if m is not None:
        body, details = change_text(t, kind, params, text, m)
        details.append(t.t("support.msg.details", name=m.name))
        lines = [t.t("support.msg.head"), body, "\n".join(details), t.t("support.msg.signature")]
    else:
        region = str(d.get("region") or "")
        head = t.t("support.msg.head_region", region=region) if region else t.t("support.msg.head_all")
        lines = [head + "\n" + t.t("support.msg.region_from"), str(text or "")]
    if m is not None and m.is_demo:
        lines.append(t.t("support.demo_label"))
    buttons: list[list[Button]] = []
    if m is not None:
        buttons.append([Button(t.t("support.msg.btn_card"), button_id("c", "start", saved_id(m)))])
    buttons.append([Button(t.t("nav.menu"), MENU_ID)])
    return Reply().add("\n\n".join(lines), buttons)


def render_summary(t: Translator, b: store.Broadcast) -> Reply:
    """The final figures for the support worker who sent a broadcast."""
    text = t.t("support.summary", id=b.id, sent=b.sent, blocked=b.blocked, failed=b.failed, skipped=b.skipped)
    return Reply().add(text, [[Button(t.t("support.btn.menu"), button_id("b", "menu"))]])


class BroadcastSource:
    """Hands out outbox rows (and finished-broadcast summaries) to whoever sends."""

    name = "broadcasts"

    async def next_due_at(self, services: Services) -> datetime | None:
        return await store.next_due_at(services.db)

    async def claim_due(
        self, services: Services, now: datetime, *, user_key: str | None = None, limit: int = 100
    ) -> list[Outgoing]:
        claimed = await store.claim(
            services.db, now, limit=limit, user_key=user_key, lease=services.settings.outbox_lease
        )
        casts = await store.get_broadcasts(services.db, sorted({c.broadcast_id for c in claimed}))
        meetings: dict[int, Meeting | None] = {}
        rendered: dict[tuple[int, str], Reply] = {}  # one text per broadcast and language
        out: list[Outgoing] = []
        for c in claimed:
            b = casts.get(c.broadcast_id)
            if b is None:
                continue
            if b.meeting_id is not None and b.meeting_id not in meetings:
                meetings[b.meeting_id] = await get_meeting(services.db, b.meeting_id)
            m = meetings.get(b.meeting_id) if b.meeting_id is not None else None
            reply = rendered.get((b.id, c.lang))
            if reply is None:
                reply = rendered[(b.id, c.lang)] = render(translator(c.lang), b, m)
            out.append(Outgoing(c.user_key, reply, KIND, f"{c.outbox_id}:{c.broadcast_id}"))
        for b, creator in await store.finish_ready(services.db, now, creator_key=user_key):
            # Recipients who unfollowed while it was queued need no chat id any more.
            await forget_unneeded_chats(services.db, b.id)
            if not creator:
                continue
            row = await services.users.get(creator)
            t = translator(row.lang if row else "nl")
            out.append(Outgoing(creator, render_summary(t, b), SUMMARY_KIND, f"summary:{b.id}"))
        return out

    async def settle(
        self, services: Services, item: Outgoing, outcome: Outcome, *, retry_at: datetime | None = None
    ) -> None:
        if item.kind != KIND:
            return  # a summary is sent at most once; the progress screen shows the same figures
        outbox_id, _, broadcast_id = item.ref.partition(":")
        # On "blocked" the sender erases the person afterwards (their outbox rows go with them).
        await store.settle(
            services.db, int(outbox_id), int(broadcast_id), outcome, services.clock.now(), retry_at=retry_at
        )


SOURCE = BroadcastSource()  # the instance tests drive; conversations.assembly lists its own
