"""Meetings near me: from a shared location or a typed place, the next meetings in the coming week.

Privacy: the shared coordinates and the typed text are never put in the flow state (which is stored);
the last search location lives in an in-memory cache (conversations/location_cache.py). A chosen town's
geonames id may be kept, so a restart can show the list again.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from content.i18n import Translator
from conversations.buttons import button, grid
from conversations.context import Context
from conversations.flows.base import Action, Flow, Step, table
from conversations.flows.state import load_state
from conversations.location_cache import LOCATIONS
from conversations.meeting_format import (
    cut_label,
    demo_line,
    listing_line,
    program_label,
    program_short,
    weekday_name,
)
from conversations.near_order import order_listing, sort_of, unknown_language
from conversations.places import Place, by_id, resolve
from conversations.types import Button, Reply
from conversations.upcoming import within
from storage.directory import Filters, MeetingStore
from storage.geo import NEAR_NL_BOX, in_box
from storage.meeting import PROGRAMS, Meeting
from storage.occurrences import Occurrence
from storage.postcodes import parse_postcode, postcode_point

log = logging.getLogger(__name__)
PAGE = 6
CANDIDATES = 40
MAX_KM = 50.0
MAX_PLACE_TEXT = 60
BUTTON_TEXT = 40  # a meeting's name on a button: cut at a word beyond this
FILTER_OPTIONS: dict[str, tuple[str, ...]] = {
    "p": PROGRAMS,
    "d": ("1", "2", "3", "4", "5", "6", "7"),
    "t": ("morning", "afternoon", "evening"),
    "a": ("in_person", "online"),
    "l": ("nl", "en"),
    "g": ("W", "M", "Y"),
}


def filters_of(data: dict[str, Any]) -> Filters:
    """The query filters kept in the flow state."""
    f = data.get("f") or {}
    day = f.get("d")
    code = f.get("g")
    return Filters(
        program=data.get("program") or None,
        weekdays=(int(day),) if day else (),
        day_part=f.get("t"),
        language=f.get("l"),
        types_all=(code,) if code else (),
    )


def filter_text(t: Translator, data: dict[str, Any]) -> str:
    """The active filters in words, or ''."""
    f = data.get("f") or {}
    words = []
    if data.get("program"):
        words.append(program_label(t, data["program"]))
    if f.get("d"):
        words.append(weekday_name(t, int(f["d"])))
    for key in ("t", "a", "l", "g"):
        if f.get(key):
            words.append(t.t(f"dir.filter.{key}.{f[key]}"))
    return ", ".join(words)


@dataclass(slots=True)
class NearState:
    """Filters, page and sort of the listing (never the place itself), and the filter category open."""

    program: str = ""
    f: dict[str, str] = field(default_factory=dict)
    page: int = 0
    sort: str = ""
    cat: str = ""


@dataclass(slots=True)
class AskData:
    """What the 'where?' screen needs: a note, whether a search point is held, whether data is demo."""

    note: str = ""
    has_location: bool = False
    only_demo: bool = False


@dataclass(slots=True)
class ListData:
    """A listing, or why there is none ('ask', 'failed', 'none')."""

    outcome: str
    listed: list[tuple[Meeting, Occurrence]] = field(default_factory=list)
    distance: dict[int | None, float] = field(default_factory=dict)
    header: str = ""
    ask: AskData | None = None
    note: str = ""
    filters: bool = False


def listing_state(data: dict[str, Any]) -> dict[str, Any]:
    """The part of the near-me state a meeting card keeps, so 'back' shows the same list."""
    return {k: v for k, v in data.items() if k in ("program", "f", "page", "sort")}


class NearFlow(Flow[NearState]):
    """Ask where, then list; filters, paging, online meetings, and a way to a card."""

    name = "near"
    prefix = "n"
    State = NearState
    first = "ask"

    # --- entering -------------------------------------------------------------------------------

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        if ctx.flow not in ("near", "card"):
            LOCATIONS.forget(ctx.user_key)  # a location only lives while the person is searching
        program = arg.upper() if arg and arg.upper() in PROGRAMS else ""
        keep = dict(self.state(ctx).f) if self.at(ctx) else {}
        return await self.go(ctx, "ask", NearState(program=program, f=keep))

    async def on_location(self, ctx: Context, lat: float, lon: float) -> Reply | None:
        st = self.state(ctx)
        LOCATIONS.put(ctx.user_key, lat, lon, ctx.now)
        st.page = 0
        return await self.go(ctx, "results", st)

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        if ctx.flow not in ("near", "card"):
            LOCATIONS.forget(ctx.user_key)  # an old button (e.g. after /stop) must not reuse a location
        if not self.at(ctx):
            saved = ctx.data.get("near") if ctx.flow == "card" else None
            self.enter(ctx, "results", load_state(NearState, saved))
        return await super().on_button(ctx, action, args)

    # --- getters --------------------------------------------------------------------------------

    async def load_ask(self, ctx: Context, st: NearState, note: str = "") -> AskData:
        has = LOCATIONS.get(ctx.user_key, ctx.now) is not None
        return AskData(note, has, await MeetingStore(ctx.db).only_demo())

    async def load_results(self, ctx: Context, st: NearState) -> ListData:
        t = ctx.t
        if st.f.get("a") == "online":
            return await self.load_online(ctx, st)
        loc = LOCATIONS.get(ctx.user_key, ctx.now)
        if loc is None:
            return ListData("ask", ask=await self.load_ask(ctx, st, t.t("dir.near.ask_again")))
        lat, lon = loc
        if not in_box(lat, lon, NEAR_NL_BOX):
            return await self.load_failed(ctx, t.t("dir.near.outside"))
        try:
            store = MeetingStore(ctx.db)
            nearby = await store.near(lat, lon, filters_of(_plain(st)), limit=CANDIDATES, max_km=MAX_KM)
            items = await within(ctx.db, [n.meeting for n in nearby], ctx.now)
        except Exception as exc:  # logged by type only: a message could carry user data
            log.error("near-me search failed (%s)", type(exc).__name__)
            return await self.load_failed(ctx, t.t("dir.near.error"))
        distance: dict[int | None, float] = {n.meeting.id: n.km for n in nearby}
        listed = order_listing(
            first_per_meeting(items), distance, sort=sort_of(st.sort), language=st.f.get("l") or None
        )
        active = bool(filter_text(t, _plain(st)))
        if not listed:
            key = "dir.near.none_filters" if active else "dir.near.none"
            return await self.load_failed(ctx, t.t(key, km=int(MAX_KM)), filters=active)
        place_id = LOCATIONS.place_id(ctx.user_key, ctx.now)
        place = by_id(place_id) if place_id is not None else None
        postcode = LOCATIONS.postcode(ctx.user_key, ctx.now)
        if postcode:
            where = t.t("dir.near.postcode_place", postcode=postcode)
        else:
            where = place.name if place else t.t("dir.near.your_location")
        reach = min(int(MAX_KM), math.ceil(max(distance.get(m.id, 0.0) for m, _ in listed)))
        header = t.t("dir.near.header", place=where, km=max(1, reach))
        if postcode:
            header += "\n" + t.t("dir.near.postcode_approx")
        return ListData("ok", listed, distance, header)

    async def load_failed(self, ctx: Context, why: str, *, filters: bool = False) -> ListData:
        """Say what went wrong (and that the directory is made up, if it is)."""
        try:
            if await MeetingStore(ctx.db).only_demo():  # a small made-up directory: say so
                why = demo_line(ctx.t) + "\n" + why
        except Exception as exc:  # logged by type only: a message could carry user data
            log.error("could not check for demo data (%s)", type(exc).__name__)
        return ListData("failed", note=why, filters=filters)

    async def load_online(self, ctx: Context, st: NearState) -> ListData:
        try:
            meetings = await MeetingStore(ctx.db).online(filters_of(_plain(st)))
            listed = first_per_meeting(await within(ctx.db, meetings, ctx.now))
        except Exception as exc:  # logged by type only: a message could carry user data
            log.error("online search failed (%s)", type(exc).__name__)
            return ListData("error")
        if not listed:
            return ListData("none")
        return ListData("ok", listed, {}, ctx.t.t("dir.online.header"))

    async def load_choices(self, ctx: Context, st: NearState) -> list[Place]:
        return [p for p in (by_id(i) for i in LOCATIONS.choices(ctx.user_key, ctx.now)) if p]

    # --- views ----------------------------------------------------------------------------------

    def ask_view(self, ctx: Context, st: NearState, data: AskData) -> Reply:
        t = ctx.t
        text = (data.note + "\n\n" if data.note else "") + t.t("dir.near.ask")
        rows = []
        if data.has_location:
            rows.append([self.button(t.t("dir.btn.same_place"), "list")])
        rows.append([self.button(t.t("dir.btn.online"), "online")])
        reply = Reply(request_location=True)
        if data.only_demo:
            reply.add(demo_line(t))
        return reply.add(text, rows)

    def results_view(self, ctx: Context, st: NearState, data: ListData) -> Reply:
        t = ctx.t
        if data.outcome == "ask" and data.ask is not None:
            self.enter(ctx, "ask", st)
            return self.ask_view(ctx, st, data.ask)
        if data.outcome in ("error", "none"):
            self.enter(ctx, "online", st)
            return self.online_view(ctx, st, data)
        if data.outcome == "failed":
            rows = [[self.button(t.t("dir.btn.online"), "online")]]
            if data.filters:
                rows.append([self.button(t.t("dir.btn.clear_filters"), "fx")])
            rows.append([self.button(t.t("dir.btn.other_place"), "ask")])
            return Reply().add(data.note, rows)
        if st.f.get("a") == "online":
            self.enter(ctx, "online", st)
            return self.page_reply(ctx, st, data, "online")
        return self.page_reply(ctx, st, data, "page")

    def online_view(self, ctx: Context, st: NearState, data: ListData) -> Reply:
        t = ctx.t
        if data.outcome == "error":
            return Reply().add(t.t("dir.near.error"), [[self.button(t.t("dir.btn.other_place"), "ask")]])
        if data.outcome == "none":
            rows = [
                [self.button(t.t("dir.btn.clear_filters"), "fx")],
                [self.button(t.t("dir.btn.other_place"), "ask")],
            ]
            return Reply().add(t.t("dir.online.none"), rows)
        return self.page_reply(ctx, st, data, "online")

    def choose_view(self, ctx: Context, st: NearState, places: list[Place]) -> Reply:
        if not places:
            self.enter(ctx, "ask", st)
            return self.ask_view(ctx, st, AskData())
        rows = [[self.button(p.label, "place", p.id)] for p in places]
        rows.append([self.button(ctx.t.t("dir.btn.other_place"), "ask")])
        return Reply().add(ctx.t.t("dir.near.which_place"), rows)

    def filters_view(self, ctx: Context, st: NearState, data: Any) -> Reply:
        t = ctx.t
        current = filter_text(t, _plain(st))
        text = t.t("dir.filter.intro") + "\n" + (t.t("dir.filter.now", filters=current) if current else "")
        cat = [self.button(t.t(f"dir.filter.cat.{c}"), "fc", c) for c in FILTER_OPTIONS]
        rows = grid(cat, 2)
        rows.append(
            [
                self.button(t.t("dir.btn.clear_filters"), "fx"),
                self.button(t.t("dir.btn.show_results"), "list"),
            ]
        )
        return Reply().add(text.strip(), rows)

    def options_view(self, ctx: Context, st: NearState, data: Any) -> Reply:
        t, cat = ctx.t, st.cat
        if cat not in FILTER_OPTIONS:
            return self.filters_view(ctx, st, data)
        buttons = []
        for value in FILTER_OPTIONS[cat]:
            if cat == "p":
                label = program_short(t, value)
            elif cat == "d":
                label = weekday_name(t, int(value))
            else:
                label = t.t(f"dir.filter.{cat}.{value}")
            buttons.append(self.button(label, "f", cat, value))
        per_row = 3 if len(buttons) > 4 else 2
        rows = grid(buttons, per_row)
        rows.append([self.button(t.t("dir.filter.any"), "f", cat, "-")])
        return Reply().add(t.t(f"dir.filter.ask.{cat}"), rows)

    def page_reply(self, ctx: Context, st: NearState, data: ListData, page_action: str) -> Reply:
        t, listed = ctx.t, data.listed
        pages = max(1, (len(listed) + PAGE - 1) // PAGE)
        page = min(max(st.page, 0), pages - 1)
        if page != st.page:
            st.page = page
            self.enter(ctx, ctx.step, st)
        chunk = listed[page * PAGE : (page + 1) * PAGE]
        lines = []
        if all(m.is_demo for m, _ in chunk):
            lines.append(demo_line(t))
        elif any(m.is_demo for m, _ in chunk):  # a real meeting must not stand under "all made up"
            lines.append(t.t("dir.demo_some"))
        lines.append(data.header)
        active = filter_text(t, _plain(st))
        if active:
            lines.append(t.t("dir.filter.now", filters=active))
        lines.append("")
        rows: list[list[Button]] = []
        language = st.f.get("l") or None
        for i, (m, occ) in enumerate(chunk, start=page * PAGE + 1):
            unknown = unknown_language(m, language)
            km = data.distance.get(m.id)
            lines.append(listing_line(t, i, m, occ, ctx.now, km, language_unknown=unknown))
            rows.append([button(cut_label(f"{i}. {m.name}", BUTTON_TEXT), "c", "start", m.id or 0)])
        if pages > 1:
            lines.append("")
            lines.append(t.t("dir.page", page=page + 1, pages=pages))
            nav = []
            if page > 0:
                nav.append(self.button(t.t("dir.btn.prev"), page_action, page - 1))
            if page < pages - 1:
                nav.append(self.button(t.t("dir.btn.next"), page_action, page + 1))
            rows.append(nav)
        tools = [self.button(t.t("dir.btn.filters"), "fm")]
        if page_action == "page":
            sort_key = "dir.btn.sort_time" if sort_of(st.sort) == "dist" else "dir.btn.sort_dist"
            tools.append(self.button(t.t(sort_key), "sort"))
            rows.append(tools)
            rows.append(
                [self.button(t.t("dir.btn.online"), "online"), self.button(t.t("dir.btn.other_place"), "ask")]
            )
        else:
            rows.append(tools)
            rows.append([self.button(t.t("dir.btn.in_person"), "list")])
        return Reply().add("\n".join(lines), rows)

    # --- text -----------------------------------------------------------------------------------

    async def typed_place(self, ctx: Context, st: NearState, text: str) -> Reply | None:
        if len(text.strip()) > MAX_PLACE_TEXT:
            return await self.ask_with(ctx, st, ctx.t.t("dir.near.place_unknown"))
        if parse_postcode(text) is not None:
            return await self.use_postcode(ctx, st, text)
        match = await asyncio.to_thread(resolve, text)  # the first call loads the place table (~2 s)
        if match.unique is not None:
            return await self.use_place(ctx, st, match.unique)
        if match.ambiguous:
            LOCATIONS.put_choices(ctx.user_key, [p.id for p in match.places], ctx.now)
            return await self.go(ctx, "choose", st)
        return await self.ask_with(ctx, st, ctx.t.t("dir.near.place_unknown"))

    async def ask_with(self, ctx: Context, st: NearState, note: str) -> Reply:
        """The 'where?' screen with a note on top."""
        self.enter(ctx, "ask", st)
        return self.ask_view(ctx, st, await self.load_ask(ctx, st, note))

    async def use_postcode(self, ctx: Context, st: NearState, text: str) -> Reply:
        """A postcode: the approximate centre of its area, estimated from the directory."""
        point = await postcode_point(ctx.db, text)
        if point is None:
            return await self.ask_with(ctx, st, ctx.t.t("dir.near.postcode_unknown"))
        LOCATIONS.put(ctx.user_key, point.lat, point.lon, ctx.now, postcode=point.pc4)
        st.page = 0
        return await self.go(ctx, "results", st)

    async def use_place(self, ctx: Context, st: NearState, place: Place) -> Reply:
        LOCATIONS.put(ctx.user_key, place.lat, place.lon, ctx.now, place_id=place.id)
        st.page = 0
        return await self.go(ctx, "results", st)

    # --- actions --------------------------------------------------------------------------------

    async def on_place(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        place = by_id(int(args[0])) if args and args[0].isdigit() else None
        return await self.use_place(ctx, st, place) if place else await self.go(ctx, "ask", st)

    async def on_ask(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "ask", st)

    async def on_list(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "results", st)

    async def on_page(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        st.page = int(args[0])
        return await self.go(ctx, "results", st)

    async def on_online(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        st.page = int(args[0]) if args and args[0].isdigit() else 0
        return await self.go(ctx, "online", st)

    async def on_sort(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        st.page, st.sort = 0, ("time" if sort_of(st.sort) == "dist" else "dist")
        return await self.go(ctx, "results", st)

    async def on_filter_menu(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "filters", st)

    async def on_filter_category(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        if not args or args[0] not in FILTER_OPTIONS:
            return None
        st.cat = args[0]
        return await self.go(ctx, "options", st)

    async def on_filter(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        if len(args) != 2 or args[0] not in FILTER_OPTIONS:
            return None
        cat, value = args
        if value != "-" and value not in FILTER_OPTIONS[cat]:
            return await self.go(ctx, "filters", st)
        if cat == "p":
            st.program = "" if value == "-" else value
        elif value == "-":
            st.f.pop(cat, None)
        else:
            st.f[cat] = value
        st.page, st.cat = 0, ""
        return await self.go(ctx, "online" if st.f.get("a") == "online" else "results", st)

    async def on_clear(self, ctx: Context, st: NearState, args: list[str]) -> Reply | None:
        st.f, st.program, st.page = {}, "", 0
        return await self.go(ctx, "results", st)

    steps = table(
        {
            "ask": Step(ask_view, load=load_ask, text=typed_place),
            "results": Step(results_view, load=load_results, text=typed_place),
            "online": Step(online_view, load=load_online, text=typed_place),
            "choose": Step(choose_view, load=load_choices, text=typed_place),
            "filters": Step(filters_view),
            "options": Step(options_view),
        }
    )
    actions = table(
        {
            "place": Action(on_place),
            "ask": Action(on_ask),
            "list": Action(on_list),
            "page": Action(on_page),
            "online": Action(on_online),
            "sort": Action(on_sort),
            "fm": Action(on_filter_menu),
            "fc": Action(on_filter_category),
            "f": Action(on_filter),
            "fx": Action(on_clear),
        }
    )


def _plain(st: NearState) -> dict[str, Any]:
    """The state as the dict `filters_of` and `filter_text` read."""
    return {"program": st.program, "f": st.f, "sort": st.sort}


def first_per_meeting(items: list[tuple[Meeting, Occurrence]]) -> list[tuple[Meeting, Occurrence]]:
    """Each meeting once, at its first occurrence in the window (a running one counts)."""
    seen: set[int | None] = set()
    out = []
    for m, occ in items:
        if m.id not in seen:
            seen.add(m.id)
            out.append((m, occ))
    return out


FLOW = NearFlow()
