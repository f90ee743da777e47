"""The meeting card: when and where, in plain words, with calendar, follow, trial and back buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from conversations.buttons import MENU_ID, button, button_id
from conversations.calendar import ics_filename, ics_for
from conversations.context import Context
from conversations.flows.base import Action, Flow, Step, table
from conversations.meeting_format import card_text, demo_line, moved_place, next_held
from conversations.types import Button, Document, Pin, Reply
from conversations.upcoming import next_of
from storage import follows, welcome
from storage.edits import latest_note
from storage.meeting import Meeting, get_meeting
from storage.occurrences import Occurrence
from storage.reports import REASONS, add_report
from storage.support import forget_chat_if_unneeded

CARD_OCCURRENCES = 4
ICS_OCCURRENCES = 6


@dataclass(slots=True)
class CardState:
    """The meeting shown, where 'back' leads, and the near-me listing to go back to."""

    meeting: int | None = None
    back: str = MENU_ID
    near: dict[str, Any] | None = None


@dataclass(slots=True)
class CardData:
    """What the card screen shows, loaded before it is built."""

    meeting: Meeting
    occurrences: list[Occurrence]
    note: tuple[str, str] | None = None
    following: bool = False
    prefix: list[str] = field(default_factory=list)
    welcoming: bool = False


def parse_id(text: str) -> int | None:
    """A meeting id from a button or deep-link argument, or None."""
    text = text.strip().lstrip("m")
    return int(text) if text.isdigit() and len(text) < 12 else None


def not_found(ctx: Context) -> Reply:
    """A kind answer for an id that is not (or no longer) in the directory."""
    return Reply().add(ctx.t.t("dir.card.not_found"), [[button(ctx.t.t("dir.btn.search"), "n", "start")]])


def came_from(ctx: Context) -> CardState:
    """Where 'back' leads: the near-me listing (and its filters) if the person came from there."""
    if ctx.flow == "near":
        listing = {k: v for k, v in ctx.data.items() if k in ("program", "f", "page", "sort")}
        return CardState(back=button_id("n", "list"), near=listing)
    if ctx.flow == "card":
        back, kept = ctx.data.get("back"), ctx.data.get("near")
        return CardState(
            back=back if isinstance(back, str) else MENU_ID, near=kept if isinstance(kept, dict) else None
        )
    return CardState()


class CardFlow(Flow[CardState]):
    """Shows one meeting; 'back' returns to the listing the person came from."""

    name = "card"
    prefix = "c"
    State = CardState
    first = "show"

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        st = came_from(ctx)
        st.meeting = parse_id(arg)
        return await self.go(ctx, "show", st)

    # --- getter and view ------------------------------------------------------------------------

    async def load(self, ctx: Context, st: CardState) -> CardData | None:
        meeting = await get_meeting(ctx.db, st.meeting) if st.meeting is not None else None
        if meeting is None or meeting.id is None:
            return None
        return CardData(
            meeting=meeting,
            occurrences=await next_of(ctx.db, meeting, ctx.now, CARD_OCCURRENCES),
            note=await latest_note(ctx.db, meeting.id),
            following=await follows.is_following(ctx.db, ctx.user_key, meeting.id),
            welcoming=await welcome.is_on(ctx.db, meeting.id),
        )

    def card(self, ctx: Context, st: CardState, data: CardData | None) -> Reply:
        if data is None:
            return not_found(ctx)
        t, meeting = ctx.t, data.meeting
        text = card_text(t, meeting, data.occurrences, ctx.now)
        if data.note:
            note, stamp = data.note
            text += "\n" + t.t("dir.card.worker_note", note=note, date=t.short_date(_day(stamp)))
        pin = card_pin(meeting, data.occurrences)
        mid = meeting.id or 0
        rows: list[list[Button]] = []
        if meeting.conference_url and meeting.conference_url.startswith(("https://", "http://")):
            rows.append([Button(t.t("dir.btn.open_link"), url=meeting.conference_url)])
        if meeting.active:
            rows.append([self.button(t.t("dir.btn.calendar"), "ics", mid)])
            if data.following:
                rows.append([self.button(t.t("dir.btn.unfollow"), "unfollow", mid)])
            else:
                rows.append([self.button(t.t("dir.btn.follow"), "follow", mid)])
            rows.append([button(t.t("dir.btn.trial"), "t", "start", f"m{mid}")])
            if data.welcoming:
                rows.append([button(t.t("welcome.btn.ask"), "o", "ask", mid)])
            if not meeting.is_demo:
                rows.append([self.button(t.t("dir.btn.report"), "rep", mid)])
        elif data.following:
            rows.append([self.button(t.t("dir.btn.unfollow"), "unfollow", mid)])
        if st.back != MENU_ID:
            rows.append([Button(t.t("dir.btn.back"), st.back)])
        reply = Reply()
        for line in data.prefix:
            reply.add(line)
        return reply.add(text, rows, pin=pin)

    def report_view(self, ctx: Context, st: CardState, data: CardData | None) -> Reply:
        """'Klopt er iets niet?': four reasons as buttons (no free text), and back to the card."""
        if data is None:
            return not_found(ctx)
        mid = data.meeting.id or 0
        rows = [[self.button(ctx.t.t(f"dir.report.{reason}"), "rr", mid, reason)] for reason in REASONS]
        rows.append([self.button(ctx.t.t("dir.btn.back_card"), "start", mid)])
        return Reply().add(ctx.t.t("dir.report.ask"), rows)

    # --- actions --------------------------------------------------------------------------------

    async def meeting_of(
        self, ctx: Context, st: CardState, args: list[str]
    ) -> tuple[CardState, Meeting | None]:
        """The meeting a card button names; the state moves to that meeting's card."""
        mid = parse_id(args[0]) if args else None
        if mid is None:
            raise ValueError("no meeting id")
        if not self.at(ctx) or st.meeting != mid:
            st = came_from(ctx)
            st.meeting = mid
        return st, await get_meeting(ctx.db, mid)

    async def on_ics(self, ctx: Context, st: CardState, args: list[str]) -> Reply | None:
        """The next occurrences as an .ics file with a neutral title."""
        st, meeting = await self.meeting_of(ctx, st, args)
        if meeting is None:
            return not_found(ctx)
        self.enter(ctx, "show", st)
        occurrences = await next_of(ctx.db, meeting, ctx.now, ICS_OCCURRENCES)
        data = ics_for(meeting, occurrences, lang=ctx.lang, now=ctx.now)
        text = ctx.t.t("dir.ics.sent", count=sum(1 for o in occurrences if not o.cancelled))
        if meeting.is_demo:
            text = demo_line(ctx.t) + "\n" + text
        doc = Document(ics_filename(meeting), data, "text/calendar")
        back = [[self.button(ctx.t.t("dir.btn.back_card"), "start", meeting.id or 0)]]
        return Reply().add(text, back, document=doc)

    async def on_follow(self, ctx: Context, st: CardState, args: list[str]) -> Reply | None:
        """Follow, but only from this meeting's card: an old button (after /stop) shows the card first."""
        here = self.at(ctx, "show") and bool(args) and st.meeting == parse_id(args[0])
        st, meeting = await self.meeting_of(ctx, st, args)
        if meeting is None or meeting.id is None:
            return not_found(ctx)
        if not here:
            self.enter(ctx, "show", st)
            return Reply().add(ctx.t.t("common.ask_again")).extend(await self.render(ctx, "show", st))
        async with ctx.db.transaction():
            await follows.follow(ctx.db, ctx.user_key, meeting.id, ctx.now)
            await ctx.remember_chat()
        return Reply().add(ctx.t.t("dir.follow.done")).extend(await self.go(ctx, "show", st))

    async def on_unfollow(self, ctx: Context, st: CardState, args: list[str]) -> Reply | None:
        st, meeting = await self.meeting_of(ctx, st, args)
        if meeting is None or meeting.id is None:
            return not_found(ctx)
        async with ctx.db.transaction() as tx:
            await follows.unfollow(tx, ctx.user_key, meeting.id)
            await forget_chat_if_unneeded(tx, ctx.user_key)
        return Reply().add(ctx.t.t("dir.follow.undone")).extend(await self.go(ctx, "show", st))

    async def on_report(self, ctx: Context, st: CardState, args: list[str]) -> Reply | None:
        """Ask what is wrong with the meeting on this card."""
        st, meeting = await self.meeting_of(ctx, st, args)
        if meeting is None or meeting.id is None:
            return not_found(ctx)
        return await self.go(ctx, "report", st)

    async def on_reason(self, ctx: Context, st: CardState, args: list[str]) -> Reply | None:
        """Count one report (at most one per meeting and reason a day, a few a day per person)."""
        if len(args) != 2 or args[1] not in REASONS:
            raise ValueError("forged reason")
        st, meeting = await self.meeting_of(ctx, st, args)
        if meeting is None or meeting.id is None or meeting.is_demo:
            return not_found(ctx)
        result = await add_report(ctx.db, ctx.services.keys, ctx.user_key, meeting.id, args[1], ctx.now)
        return Reply().add(ctx.t.t(f"dir.report.{result}")).extend(await self.go(ctx, "show", st))

    steps = table({"show": Step(card, load=load), "report": Step(report_view, load=load)})
    actions = table(
        {
            "ics": Action(on_ics),
            "follow": Action(on_follow),
            "unfollow": Action(on_unfollow),
            "rep": Action(on_report),
            "rr": Action(on_reason, only_from=("report",), reenter=on_report),
        }
    )


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
