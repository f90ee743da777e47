"""The meeting card: when and where, in plain words, with calendar, follow, trial and back buttons."""

from __future__ import annotations

from datetime import date

from conversations.calendar import ics_filename, ics_for
from conversations.context import Context
from conversations.flows.base import Flow
from conversations.flows.common import MENU_ID
from conversations.meeting_format import card_text, demo_line, moved_place, next_held
from conversations.types import Button, Document, Pin, Reply
from conversations.upcoming import next_of
from storage import follows
from storage.edits import latest_note
from storage.meeting import Meeting, get_meeting
from storage.occurrences import Occurrence
from storage.support import forget_chat_if_unneeded

CARD_OCCURRENCES = 4
ICS_OCCURRENCES = 6


def parse_id(text: str) -> int | None:
    """A meeting id from a button or deep-link argument, or None."""
    text = text.strip().lstrip("m")
    return int(text) if text.isdigit() and len(text) < 12 else None


def not_found(ctx: Context) -> Reply:
    """A kind answer for an id that is not (or no longer) in the directory."""
    return Reply().add(ctx.t.t("dir.card.not_found"), [[Button(ctx.t.t("dir.btn.search"), "n:start")]])


def back_target(ctx: Context) -> str:
    """Where 'back' leads: the near-me listing if the person came from there, else the menu."""
    if ctx.flow == "near":
        return "n:list"
    if ctx.flow == "card":
        return str(ctx.data.get("back") or MENU_ID)
    return MENU_ID


def near_data(ctx: Context) -> dict | None:
    """The near-me listing's small state (filters, page, town id), so 'back' shows the same list."""
    if ctx.flow == "near":
        return {k: v for k, v in ctx.data.items() if k in ("program", "f", "page", "sort")}
    if ctx.flow == "card":
        return ctx.data.get("near")
    return None


class CardFlow(Flow):
    """Shows one meeting; 'back' returns to the listing the person came from."""

    name = "card"
    prefix = "c"

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        meeting_id = parse_id(arg)
        meeting = await get_meeting(ctx.db, meeting_id) if meeting_id is not None else None
        if meeting is None:
            return not_found(ctx)
        ctx.goto("card", "show", meeting=meeting.id, back=back_target(ctx), near=near_data(ctx))
        return await self.card(ctx, meeting)

    async def show(self, ctx: Context) -> Reply:
        meeting_id = ctx.data.get("meeting")
        meeting = await get_meeting(ctx.db, int(meeting_id)) if meeting_id else None
        if meeting is None:
            return not_found(ctx)
        return await self.card(ctx, meeting)

    async def card(self, ctx: Context, meeting: Meeting) -> Reply:
        t = ctx.t
        occurrences = await next_of(ctx.db, meeting, ctx.now, CARD_OCCURRENCES)
        text = card_text(t, meeting, occurrences, ctx.now)
        note = await latest_note(ctx.db, meeting.id) if meeting.id is not None else None
        if note:
            text += "\n" + t.t("dir.card.worker_note", note=note[0], date=t.short_date(_day(note[1])))
        pin = card_pin(meeting, occurrences)
        mid = meeting.id
        following = await follows.is_following(ctx.db, ctx.user_key, mid or 0)
        rows: list[list[Button]] = []
        if meeting.conference_url and meeting.conference_url.startswith(("https://", "http://")):
            rows.append([Button(t.t("dir.btn.open_link"), url=meeting.conference_url)])
        if meeting.active:
            rows.append([Button(t.t("dir.btn.calendar"), f"c:ics:{mid}")])
            if following:
                rows.append([Button(t.t("dir.btn.unfollow"), f"c:unfollow:{mid}")])
            else:
                rows.append([Button(t.t("dir.btn.follow"), f"c:follow:{mid}")])
            rows.append([Button(t.t("dir.btn.trial"), f"t:start:m{mid}")])
        elif following:
            rows.append([Button(t.t("dir.btn.unfollow"), f"c:unfollow:{mid}")])
        back = str(ctx.data.get("back") or MENU_ID)
        rows.append([Button(t.t("dir.btn.back"), back)] if back != MENU_ID else [])
        rows = [r for r in rows if r]
        return Reply().add(text, rows, pin=pin)

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        meeting_id = parse_id(args[0]) if args else None
        if meeting_id is None:
            return None
        meeting = await get_meeting(ctx.db, meeting_id)
        if meeting is None:
            return not_found(ctx)
        if ctx.flow != "card" or ctx.data.get("meeting") != meeting_id:
            ctx.goto("card", "show", meeting=meeting_id, back=back_target(ctx), near=near_data(ctx))
        if action == "ics":
            return await self.calendar(ctx, meeting)
        if action == "follow":
            await follows.follow(ctx.db, ctx.user_key, meeting_id, ctx.now)
            await ctx.remember_chat()
            reply = Reply().add(ctx.t.t("dir.follow.done"))
            return reply.extend(await self.card(ctx, meeting))
        if action == "unfollow":
            await follows.unfollow(ctx.db, ctx.user_key, meeting_id)
            await forget_chat_if_unneeded(ctx.db, ctx.user_key)
            reply = Reply().add(ctx.t.t("dir.follow.undone"))
            return reply.extend(await self.card(ctx, meeting))
        return None

    async def calendar(self, ctx: Context, meeting: Meeting) -> Reply:
        """The next occurrences as an .ics file with a neutral title."""
        occurrences = await next_of(ctx.db, meeting, ctx.now, ICS_OCCURRENCES)
        data = ics_for(meeting, occurrences, lang=ctx.lang, now=ctx.now)
        text = ctx.t.t("dir.ics.sent", count=sum(1 for o in occurrences if not o.cancelled))
        if meeting.is_demo:
            text = demo_line(ctx.t) + "\n" + text
        doc = Document(ics_filename(meeting), data, "text/calendar")
        back = [[Button(ctx.t.t("dir.btn.back_card"), f"c:start:{meeting.id}")]]
        return Reply().add(text, back, document=doc)


def card_pin(meeting: Meeting, occurrences: list[Occurrence]) -> Pin | None:
    """The map pin of where the next meeting that goes ahead is held.

    A date moved to another place shows that place's point when it is known, and no pin otherwise: the
    usual venue's pin would send a person to the wrong door. Approximate points (a town's centre) show none.
    """
    held = next_held(occurrences)
    change = held.change if held is not None and moved_place(held) else None
    if change is not None:
        if change.new_lat is None or change.new_lon is None:
            return None
        title = change.new_location or meeting.name
        return Pin(change.new_lat, change.new_lon, title, change.new_address or "")
    if meeting.in_person and meeting.lat is not None and meeting.lon is not None and not meeting.approximate:
        return Pin(meeting.lat, meeting.lon, meeting.location or meeting.name, meeting.formatted_address)
    return None


def _day(stamp: str) -> date:
    """The date part of a stored ISO timestamp."""
    return date.fromisoformat(stamp[:10])


FLOW = CardFlow()
