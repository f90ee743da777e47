"""Meetings near me: from a shared location or a typed place, the next meetings in the coming week.

Privacy: the shared coordinates and the typed text are never put in the flow state (which is stored);
the last search location lives in an in-memory cache (conversations/location_cache.py). A chosen town's
geonames id may be kept, so a restart can show the list again.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any

from content.i18n import Translator
from conversations.context import Context
from conversations.flows.base import Flow
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


class NearFlow(Flow):
    """Ask where, then list; filters, paging, online meetings, and a way to a card."""

    name = "near"
    prefix = "n"

    # --- entering -------------------------------------------------------------------------------

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        if ctx.flow not in ("near", "card"):
            LOCATIONS.forget(ctx.user_key)  # a location only lives while the person is searching
        program = arg.upper() if arg and arg.upper() in PROGRAMS else ""
        keep = dict(ctx.data.get("f") or {}) if ctx.flow == "near" else {}
        ctx.goto("near", "ask", program=program, f=keep, page=0)
        return await self.ask(ctx)

    async def ask(self, ctx: Context, note: str = "") -> Reply:
        t = ctx.t
        ctx.set_step("ask")
        text = (note + "\n\n" if note else "") + t.t("dir.near.ask")
        rows = []
        if LOCATIONS.get(ctx.user_key, ctx.now) is not None:
            rows.append([Button(t.t("dir.btn.same_place"), "n:list")])
        rows.append([Button(t.t("dir.btn.online"), "n:online")])
        reply = Reply(request_location=True)
        if await MeetingStore(ctx.db).only_demo():
            reply.add(demo_line(t))
        return reply.add(text, rows)

    async def show(self, ctx: Context) -> Reply:
        step = ctx.step
        if step == "results":
            return await self.results(ctx)
        if step == "online":
            return await self.online_list(ctx)
        if step == "filters":
            return self.filter_menu(ctx)
        if step == "choose":
            options = [p for p in (by_id(i) for i in LOCATIONS.choices(ctx.user_key, ctx.now)) if p]
            return self.choices(ctx, options) if options else await self.ask(ctx)
        return await self.ask(ctx)

    # --- input ----------------------------------------------------------------------------------

    async def on_location(self, ctx: Context, lat: float, lon: float) -> Reply | None:
        if ctx.flow != "near":
            ctx.goto("near", "ask", program="", f={}, page=0)
        LOCATIONS.put(ctx.user_key, lat, lon, ctx.now)
        ctx.set_step("results", page=0)
        return await self.results(ctx)

    async def on_text(self, ctx: Context, text: str) -> Reply | None:
        if ctx.step not in ("ask", "results", "choose", "online"):
            return None
        if len(text.strip()) > MAX_PLACE_TEXT:
            return await self.ask(ctx, ctx.t.t("dir.near.place_unknown"))
        if parse_postcode(text) is not None:
            return await self.use_postcode(ctx, text)
        match = await asyncio.to_thread(resolve, text)  # the first call loads the place table (~2 s)
        if match.unique is not None:
            return await self.use_place(ctx, match.unique)
        if match.ambiguous:
            return self.choices(ctx, list(match.places))
        return await self.ask(ctx, ctx.t.t("dir.near.place_unknown"))

    async def use_postcode(self, ctx: Context, text: str) -> Reply:
        """A postcode: the approximate centre of its area, estimated from the directory."""
        point = await postcode_point(ctx.db, text)
        if point is None:
            return await self.ask(ctx, ctx.t.t("dir.near.postcode_unknown"))
        LOCATIONS.put(ctx.user_key, point.lat, point.lon, ctx.now, postcode=point.pc4)
        ctx.set_step("results", page=0)
        return await self.results(ctx)

    async def use_place(self, ctx: Context, place: Place) -> Reply:
        LOCATIONS.put(ctx.user_key, place.lat, place.lon, ctx.now, place_id=place.id)
        ctx.set_step("results", page=0)
        return await self.results(ctx)

    def choices(self, ctx: Context, places: list[Place]) -> Reply:
        LOCATIONS.put_choices(ctx.user_key, [p.id for p in places], ctx.now)
        ctx.set_step("choose")
        rows = [[Button(p.label, f"n:place:{p.id}")] for p in places]
        rows.append([Button(ctx.t.t("dir.btn.other_place"), "n:ask")])
        return Reply().add(ctx.t.t("dir.near.which_place"), rows)

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        if ctx.flow not in ("near", "card"):
            LOCATIONS.forget(ctx.user_key)  # an old button (e.g. after /stop) must not reuse a location
        if ctx.flow != "near":
            saved = ctx.data.get("near") if ctx.flow == "card" else None
            ctx.goto("near", "results", **(saved or {"program": "", "f": {}, "page": 0}))
        arg = args[0] if args else ""
        if action == "place" and arg.isdigit():
            place = by_id(int(arg))
            return await self.use_place(ctx, place) if place else await self.ask(ctx)
        if action == "ask":
            return await self.ask(ctx)
        if action == "list":
            ctx.set_step("results")
            return await self.results(ctx)
        if action == "page" and arg.isdigit():
            ctx.set_step("results", page=int(arg))
            return await self.results(ctx)
        if action == "online":
            ctx.set_step("online", page=int(arg) if arg.isdigit() else 0)
            return await self.online_list(ctx)
        if action == "sort":
            ctx.set_step(
                "results", page=0, sort="time" if sort_of(ctx.data.get("sort")) == "dist" else "dist"
            )
            return await self.results(ctx)
        if action == "fm":
            return self.filter_menu(ctx)
        if action == "fc" and arg in FILTER_OPTIONS:
            return self.filter_options(ctx, arg)
        if action == "f" and len(args) == 2 and args[0] in FILTER_OPTIONS:
            return await self.set_filter(ctx, args[0], args[1])
        if action == "fx":
            ctx.set_step("results", f={}, program="", page=0)
            return await self.results(ctx)
        return None

    # --- filters --------------------------------------------------------------------------------

    def filter_menu(self, ctx: Context) -> Reply:
        t = ctx.t
        ctx.set_step("filters")
        current = filter_text(t, ctx.data)
        text = t.t("dir.filter.intro") + "\n" + (t.t("dir.filter.now", filters=current) if current else "")
        rows = [
            [Button(t.t("dir.filter.cat.p"), "n:fc:p"), Button(t.t("dir.filter.cat.d"), "n:fc:d")],
            [Button(t.t("dir.filter.cat.t"), "n:fc:t"), Button(t.t("dir.filter.cat.a"), "n:fc:a")],
            [Button(t.t("dir.filter.cat.l"), "n:fc:l"), Button(t.t("dir.filter.cat.g"), "n:fc:g")],
            [Button(t.t("dir.btn.clear_filters"), "n:fx"), Button(t.t("dir.btn.show_results"), "n:list")],
        ]
        return Reply().add(text.strip(), rows)

    def filter_options(self, ctx: Context, cat: str) -> Reply:
        t = ctx.t
        ctx.set_step("filters")
        buttons = []
        for value in FILTER_OPTIONS[cat]:
            if cat == "p":
                label = program_short(t, value)
            elif cat == "d":
                label = weekday_name(t, int(value))
            else:
                label = t.t(f"dir.filter.{cat}.{value}")
            buttons.append(Button(label, f"n:f:{cat}:{value}"))
        per_row = 3 if len(buttons) > 4 else 2
        rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
        rows.append([Button(t.t("dir.filter.any"), f"n:f:{cat}:-")])
        return Reply().add(t.t(f"dir.filter.ask.{cat}"), rows)

    async def set_filter(self, ctx: Context, cat: str, value: str) -> Reply:
        if value != "-" and value not in FILTER_OPTIONS[cat]:
            return self.filter_menu(ctx)
        f = dict(ctx.data.get("f") or {})
        if cat == "p":
            ctx.set_step("results", program="" if value == "-" else value)
        elif value == "-":
            f.pop(cat, None)
        else:
            f[cat] = value
        ctx.set_step("results", f=f, page=0)
        if f.get("a") == "online":
            ctx.set_step("online", page=0)
            return await self.online_list(ctx)
        return await self.results(ctx)

    # --- results --------------------------------------------------------------------------------

    def location(self, ctx: Context) -> tuple[float, float] | None:
        """The search point, held in memory only (a restart asks again)."""
        return LOCATIONS.get(ctx.user_key, ctx.now)

    async def results(self, ctx: Context) -> Reply:
        t = ctx.t
        ctx.set_step("results")
        if (ctx.data.get("f") or {}).get("a") == "online":
            return await self.online_list(ctx)
        loc = self.location(ctx)
        if loc is None:
            return await self.ask(ctx, t.t("dir.near.ask_again"))
        lat, lon = loc
        if not in_box(lat, lon, NEAR_NL_BOX):
            return await self.failed(ctx, t.t("dir.near.outside"))
        try:
            store = MeetingStore(ctx.db)
            nearby = await store.near(lat, lon, filters_of(ctx.data), limit=CANDIDATES, max_km=MAX_KM)
            items = await within(ctx.db, [n.meeting for n in nearby], ctx.now)
        except Exception as exc:  # logged by type only: a message could carry user data
            log.error("near-me search failed (%s)", type(exc).__name__)
            return await self.failed(ctx, t.t("dir.near.error"))
        distance = {n.meeting.id: n.km for n in nearby}
        language = filters_of(ctx.data).language
        listed = order_listing(
            first_per_meeting(items), distance, sort=sort_of(ctx.data.get("sort")), language=language
        )
        if not listed:
            key = "dir.near.none_filters" if filter_text(t, ctx.data) else "dir.near.none"
            return await self.failed(ctx, t.t(key, km=int(MAX_KM)), filters=bool(filter_text(t, ctx.data)))
        place_id = LOCATIONS.place_id(ctx.user_key, ctx.now)
        place = by_id(place_id) if place_id is not None else None
        postcode = LOCATIONS.postcode(ctx.user_key, ctx.now)
        if postcode:
            where = t.t("dir.near.postcode_place", postcode=postcode)
        else:
            where = place.name if place else t.t("dir.near.your_location")
        reach = min(int(MAX_KM), math.ceil(max(distance.get(m.id, 0.0) for m, _ in listed)))
        header = t.t("dir.near.header", place=where, km=max(1, reach))
        return self.page_reply(ctx, header, listed, distance, "page")

    async def online_list(self, ctx: Context) -> Reply:
        t = ctx.t
        ctx.set_step("online")
        try:
            meetings = await MeetingStore(ctx.db).online(filters_of(ctx.data))
            listed = first_per_meeting(await within(ctx.db, meetings, ctx.now))
        except Exception as exc:  # logged by type only: a message could carry user data
            log.error("online search failed (%s)", type(exc).__name__)
            return Reply().add(t.t("dir.near.error"), [[Button(t.t("dir.btn.other_place"), "n:ask")]])
        if not listed:
            rows = [
                [Button(t.t("dir.btn.clear_filters"), "n:fx")],
                [Button(t.t("dir.btn.other_place"), "n:ask")],
            ]
            return Reply().add(t.t("dir.online.none"), rows)
        return self.page_reply(ctx, t.t("dir.online.header"), listed, {}, "online")

    def page_reply(
        self,
        ctx: Context,
        header: str,
        listed: list[tuple[Meeting, Occurrence]],
        distance: dict[int | None, float],
        page_action: str,
    ) -> Reply:
        t = ctx.t
        pages = max(1, (len(listed) + PAGE - 1) // PAGE)
        page = min(max(int(ctx.data.get("page") or 0), 0), pages - 1)
        ctx.set_step(ctx.step, page=page)
        chunk = listed[page * PAGE : (page + 1) * PAGE]
        lines = []
        if all(m.is_demo for m, _ in chunk):
            lines.append(demo_line(t))
        elif any(m.is_demo for m, _ in chunk):  # a real meeting must not stand under "all made up"
            lines.append(t.t("dir.demo_some"))
        lines.append(header)
        if page_action == "page" and LOCATIONS.postcode(ctx.user_key, ctx.now):
            lines.append(t.t("dir.near.postcode_approx"))
        active = filter_text(t, ctx.data)
        if active:
            lines.append(t.t("dir.filter.now", filters=active))
        lines.append("")
        rows: list[list[Button]] = []
        language = filters_of(ctx.data).language
        for i, (m, occ) in enumerate(chunk, start=page * PAGE + 1):
            unknown = unknown_language(m, language)
            lines.append(listing_line(t, i, m, occ, ctx.now, distance.get(m.id), language_unknown=unknown))
            rows.append([Button(cut_label(f"{i}. {m.name}", BUTTON_TEXT), f"c:start:{m.id}")])
        if pages > 1:
            lines.append("")
            lines.append(t.t("dir.page", page=page + 1, pages=pages))
            nav = []
            if page > 0:
                nav.append(Button(t.t("dir.btn.prev"), f"n:{page_action}:{page - 1}"))
            if page < pages - 1:
                nav.append(Button(t.t("dir.btn.next"), f"n:{page_action}:{page + 1}"))
            rows.append(nav)
        tools = [Button(t.t("dir.btn.filters"), "n:fm")]
        if page_action == "page":
            sort_key = "dir.btn.sort_time" if sort_of(ctx.data.get("sort")) == "dist" else "dir.btn.sort_dist"
            tools.append(Button(t.t(sort_key), "n:sort"))
            rows.append(tools)
            rows.append(
                [Button(t.t("dir.btn.online"), "n:online"), Button(t.t("dir.btn.other_place"), "n:ask")]
            )
        else:
            rows.append(tools)
            rows.append([Button(t.t("dir.btn.in_person"), "n:list")])
        return Reply().add("\n".join(lines), rows)

    async def failed(self, ctx: Context, why: str, *, filters: bool = False) -> Reply:
        """Say what went wrong and offer online meetings (never a bare 'nothing near you')."""
        t = ctx.t
        try:
            if await MeetingStore(ctx.db).only_demo():  # a small made-up directory: say so
                why = demo_line(t) + "\n" + why
        except Exception as exc:  # logged by type only: a message could carry user data
            log.error("could not check for demo data (%s)", type(exc).__name__)
        rows = [[Button(t.t("dir.btn.online"), "n:online")]]
        if filters:
            rows.append([Button(t.t("dir.btn.clear_filters"), "n:fx")])
        rows.append([Button(t.t("dir.btn.other_place"), "n:ask")])
        return Reply().add(why, rows)


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
