"""Support workers under /beheer: redeem an invite, find a meeting, change it, tell its followers.

Every input re-checks the role; for anyone without one the flow answers nothing (the engine then gives its
usual 'unknown command' / 'expired button' answer), so these menus stay invisible. The state holds only
what a support worker types about a meeting (directory data), and only until the change is confirmed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from conversations import broadcast_source
from conversations.broadcast_source import render
from conversations.context import Context
from conversations.flows.base import Flow
from conversations.flows.menu import FLOW as MENU
from conversations.places import town_in
from conversations.support_actions import (
    HTTP_RE,
    HTTPS_RE,
    is_cancelled,
    publish,
    refusal,
    split_place,
    split_town,
)
from conversations.types import Button, Reply
from storage import broadcasts as bstore
from storage import edits
from storage.meeting import Meeting, get_meeting
from storage.occurrences import DEFAULT_ZONE, next_slots, zone
from storage.support import CODE_LENGTH, SupportStore, Worker, figures, normalise_code

PROGRAMS = ("AA", "NA", "CA", "AGOG", "ALANON", "ALATEEN", "ACA", "LSOVD", "BV", "SMART", "OA", "DD")
MAX_TEXT = 500
MAX_SHORT = 150
TIME_RE = re.compile(r"^\s*(\d{1,2})\s*(?:[:.uh]\s*(\d{2})|(\d{2}))?\s*$", re.IGNORECASE)
URL_RE = re.compile(r"^https?://\S+$")
DATES_SHOWN = 6


def parse_time(text: str) -> str | None:
    """'19:30', '19.30', '19u30', '1930', '19' → '19:30' / '19:00'; None if it is not a time."""
    m = TIME_RE.match(text)
    if not m:
        return None
    hh, mm = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
    if hh > 24 or mm > 59 or (hh == 24 and mm):
        return None
    return f"{hh % 24:02d}:{mm:02d}"


def parse_times(text: str) -> tuple[str, str | None] | None:
    """'19:30' or '19:30-21:00' → (start, end)."""
    start, _, end = text.partition("-")
    s = parse_time(start)
    e = parse_time(end) if end.strip() else None
    if s is None or (end.strip() and e is None):
        return None
    return s, e


def log_time(stamp: str) -> str:
    """A stored UTC instant as Amsterdam time with its zone: '2026-03-23 11:00 CET'."""
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(zone(DEFAULT_ZONE))
    return f"{local:%Y-%m-%d %H:%M %Z}"


class SupportFlow(Flow):
    """The support-worker menus."""

    name = "support"
    commands = ("beheer",)
    prefix = "b"

    def store(self, ctx: Context) -> SupportStore:
        return SupportStore(ctx.db, ctx.services.keys)

    async def role(self, ctx: Context) -> Worker | None:
        return await self.store(ctx).role_of(ctx.user_key)

    def b(self, ctx: Context, key: str, action: str, *args: object, **params: object) -> Button:
        return self.button(ctx.t.t(key, **params), action, *args)

    def back_row(self, ctx: Context) -> list[Button]:
        return [self.b(ctx, "support.btn.menu", "menu"), Button(ctx.t.t("nav.menu"), "m:home")]

    # -- entry points -------------------------------------------------------------------------------

    async def on_command(self, ctx: Context, command: str, args: str) -> Reply | None:
        arg = args.strip()
        worker = await self.role(ctx)
        if arg.lower() == "log" and worker is not None:
            return await self.log(ctx)
        if arg and arg.lower() != "log" and (worker is None or len(normalise_code(arg)) == CODE_LENGTH):
            return await self.redeem(ctx, arg)
        if worker is None:
            return None
        return self.menu(ctx, worker)  # '/beheer' or '/beheer menu'; typos are no failed guesses

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        worker = await self.role(ctx)
        if worker is None:
            return MENU.menu(ctx)
        return self.menu(ctx, worker)

    async def show(self, ctx: Context) -> Reply:
        worker = await self.role(ctx)
        if worker is None:
            return MENU.menu(ctx)
        mid = ctx.data.get("mid")
        if ctx.step in ("find",):
            return self.ask(ctx, "support.find.ask", "find")
        if mid and ctx.step not in ("menu", ""):
            meeting = await get_meeting(ctx.db, int(mid))
            if meeting is not None:
                return self.meeting_screen(ctx, meeting)
        return self.menu(ctx, worker)

    async def redeem(self, ctx: Context, code: str) -> Reply:
        result = await self.store(ctx).redeem(ctx.user_key, code, ctx.now)
        if result.status == "limited":
            return Reply().add(ctx.t.t("support.redeem.limited"))
        if result.status != "ok" or result.worker is None:
            return Reply().add(ctx.t.t("support.redeem.invalid"))
        await self.ensure_user(ctx)
        reply = Reply().add(ctx.t.t("support.redeem.ok", role=result.worker.id))
        return reply.extend(self.menu(ctx, result.worker))

    async def ensure_user(self, ctx: Context) -> None:
        """Store the user row now, so the sealed chat id can be kept for the broadcast summaries."""
        await ctx.services.users.save(ctx.user_key, ctx.lang, ctx.state, ctx.now)
        await ctx.remember_chat()

    # -- screens --------------------------------------------------------------------------------------

    def menu(self, ctx: Context, worker: Worker) -> Reply:
        ctx.goto(self.name, "menu")
        rows = [
            [self.b(ctx, "support.btn.find", "find")],
            [self.b(ctx, "support.btn.add", "add")],
            [self.b(ctx, "support.btn.progress", "pg")],
            [self.b(ctx, "support.btn.log", "log"), self.b(ctx, "support.btn.figures", "fig")],
            [Button(ctx.t.t("nav.menu"), "m:home")],
        ]
        return Reply().add(ctx.t.t("support.menu", role=worker.id), rows)

    def ask(
        self, ctx: Context, key: str, step: str, extra: list[list[Button]] | None = None, **kw: Any
    ) -> Reply:
        ctx.set_step(step)
        return Reply().add(ctx.t.t(key, **kw), [*(extra or []), self.back_row(ctx)])

    def meeting_screen(self, ctx: Context, m: Meeting) -> Reply:
        ctx.goto(self.name, "meeting", mid=m.id)
        t = ctx.t
        place = ", ".join(p for p in (m.location, m.formatted_address) if p) or "—"
        lines = [
            broadcast_source.meeting_label(t, m),
            t.t("support.meeting.info", program=m.program, place=place, url=m.conference_url or "—"),
        ]
        if m.attendance == "inactive":
            lines.append(t.t("support.meeting.closed"))
        if m.is_demo:
            lines.append(t.t("support.demo_label"))
        rows = [
            [self.b(ctx, "support.btn.cancel", "cx"), self.b(ctx, "support.btn.move", "mv")],
            [self.b(ctx, "support.btn.edit", "ed")],
            [
                self.b(ctx, "support.btn.reopen", "ro")
                if m.attendance == "inactive"
                else self.b(ctx, "support.btn.close", "cl"),
                self.b(ctx, "support.btn.note", "nt"),
            ],
            [self.b(ctx, "support.btn.announce", "an")],
            self.back_row(ctx),
        ]
        return Reply().add("\n".join(lines), rows)

    async def meeting(self, ctx: Context) -> Meeting | None:
        mid = ctx.data.get("mid")
        return await get_meeting(ctx.db, int(mid)) if mid else None

    async def dates(self, ctx: Context, m: Meeting, action: str) -> Reply:
        """The next dates to cancel or move; a date that is already cancelled is not offered."""
        slots = next_slots(
            m.weekday, m.start_time, m.end_time, m.timezone, ctx.now, DATES_SHOWN + 4, include_running=False
        )
        slots = [s for s in slots if not await is_cancelled(ctx.db, m, s.local_date)][:DATES_SHOWN]
        rows = [
            [self.button(ctx.t.date(s.local_date), action, s.local_date.strftime("%Y%m%d"))] for s in slots
        ]
        ctx.set_step("date")
        return Reply().add(ctx.t.t("support.date.ask"), [*rows, self.back_row(ctx)])

    # -- buttons --------------------------------------------------------------------------------------

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        worker = await self.role(ctx)
        if worker is None:
            return None
        arg = args[0] if args else ""
        if action == "menu":
            return self.menu(ctx, worker)
        if action == "find":
            ctx.goto(self.name, "find")
            return self.ask(ctx, "support.find.ask", "find")
        if action == "m" and arg.isdigit():
            m = await get_meeting(ctx.db, int(arg))
            return self.meeting_screen(ctx, m) if m else self.menu(ctx, worker)
        if action == "log":
            return await self.log(ctx)
        if action == "fig":
            return await self.figures(ctx)
        if action == "pg":
            return await self.progress(ctx, int(arg) if arg.isdigit() else None)
        if action in ("add", "ap", "ad", "aok"):
            return await self.add_button(ctx, worker, action, arg)
        m = await self.meeting(ctx)
        if m is None:
            return self.menu(ctx, worker)
        return await self.meeting_button(ctx, worker, m, action, arg)

    async def meeting_button(
        self, ctx: Context, worker: Worker, m: Meeting, action: str, arg: str
    ) -> Reply | None:
        if action == "cx":
            return await self.dates(ctx, m, "cd")
        if action == "mv":
            return await self.dates(ctx, m, "md")
        if action in ("cd", "md"):
            try:
                day = date(int(arg[:4]), int(arg[4:6]), int(arg[6:8]))
            except ValueError:
                return None
            if action == "cd":
                ctx.set_step("preview", kind="cancel", params={"date": day.isoformat()}, aud="m")
                return await self.preview(ctx, m)
            ctx.set_step("mv_time", kind="move", params={"date": day.isoformat()})
            return self.ask(
                ctx, "support.move.time", "mv_time", [[self.b(ctx, "support.btn.same_time", "mt")]]
            )
        if action == "mt" and ctx.step == "mv_time":
            return self.ask(
                ctx, "support.move.place", "mv_place", [[self.b(ctx, "support.btn.same_place", "mp")]]
            )
        if action == "mp" and ctx.step == "mv_place":
            if not ctx.data.get("params", {}).get("start"):
                return self.ask(
                    ctx, "support.move.nothing", "mv_time", [[self.b(ctx, "support.btn.same_time", "mt")]]
                )
            ctx.set_step("preview", aud="m")
            return await self.preview(ctx, m)
        if action == "ed":
            rows = [
                [
                    self.b(ctx, "support.btn.f_time", "ef", "time"),
                    self.b(ctx, "support.btn.f_place", "ef", "place"),
                ],
                [self.b(ctx, "support.btn.f_url", "ef", "url")],
            ]
            return self.ask(ctx, "support.edit.ask", "edit", rows)
        if action == "ef" and arg in ("time", "place", "url"):
            ctx.set_step("ed_value", kind="edit", params={"field": arg})
            return self.ask(ctx, f"support.edit.{arg}", "ed_value")
        if action in ("cl", "ro"):
            ctx.set_step("preview", kind="close" if action == "cl" else "reopen", params={}, aud="m")
            return await self.preview(ctx, m)
        if action == "nt":
            ctx.set_step("note", kind="note", params={})
            return self.ask(ctx, "support.note.ask", "note")
        if action == "an":
            ctx.set_step("note", kind="announce", params={})
            return self.ask(ctx, "support.announce.ask", "note")
        if action == "aud" and ctx.step == "preview" and arg in ("m", "r"):
            ctx.set_step("preview", aud=arg)
            return await self.preview(ctx, m)
        if action == "ok" and ctx.step == "preview":
            return await self.confirm(ctx, worker, m)
        return None

    # -- typed text -----------------------------------------------------------------------------------

    async def on_text(self, ctx: Context, text: str) -> Reply | None:
        worker = await self.role(ctx)
        if worker is None:
            return None
        text = text.strip()
        step = ctx.step
        if step == "find":
            return await self.find(ctx, text)
        if step.startswith("add_"):
            return await self.add_text(ctx, step, text)
        m = await self.meeting(ctx)
        if m is None:
            return None
        params: dict[str, Any] = dict(ctx.data.get("params") or {})
        if step == "mv_time":
            at = parse_time(text)
            if at is None:
                return self.ask(
                    ctx, "support.bad_time", "mv_time", [[self.b(ctx, "support.btn.same_time", "mt")]]
                )
            params["start"] = at
            ctx.set_step("mv_place", params=params)
            return self.ask(
                ctx, "support.move.place", "mv_place", [[self.b(ctx, "support.btn.same_place", "mp")]]
            )
        if step == "mv_place":
            params["place"] = text[:MAX_SHORT]
            ctx.set_step("preview", params=params, aud="m")
            return await self.preview(ctx, m)
        if step == "ed_value":
            value: str | None = text[:MAX_SHORT]
            if params.get("field") == "time":
                value = parse_time(text)
            elif params.get("field") == "url" and HTTP_RE.match(text):
                return self.ask(ctx, "support.refuse.http", "ed_value")
            elif params.get("field") == "url" and not HTTPS_RE.match(text):
                value = None
            if value is None:
                return self.ask(ctx, f"support.edit.bad_{params.get('field')}", "ed_value")
            params["value"] = value
            ctx.set_step("preview", params=params, aud="m")
            return await self.preview(ctx, m)
        if step == "note":
            if not text:
                return self.ask(ctx, "support.refuse.empty", "note")
            ctx.set_step("preview", text=text[:MAX_TEXT], aud="m")
            return await self.preview(ctx, m)
        return None

    async def find(self, ctx: Context, text: str) -> Reply:
        found = await edits.search_meetings(ctx.db, text[:MAX_SHORT])
        if not found:
            return self.ask(ctx, "support.find.none", "find")
        rows = [[self.button(broadcast_source.meeting_label(ctx.t, m)[:60], "m", m.id)] for m in found]
        text = ctx.t.t("support.find.pick")
        if any(m.is_demo for m in found):
            text += "\n" + ctx.t.t("support.demo_list")
        return Reply().add(text, [*rows, self.back_row(ctx)])

    # -- preview and confirm --------------------------------------------------------------------------

    def audience(self, ctx: Context, m: Meeting) -> bstore.Audience:
        region = m.region or m.city
        if ctx.data.get("aud") == "r" and region and ctx.data.get("kind") != "announce":
            return bstore.Audience(program=m.program, region=region)
        return bstore.Audience(meeting_id=m.id)

    async def refused(self, ctx: Context, m: Meeting) -> Reply | None:
        """The shared refusal (past date, second cancel, empty text, http link), then the meeting."""
        kind = str(ctx.data.get("kind"))
        params = dict(ctx.data.get("params") or {})
        why = await refusal(ctx.db, m, kind, params, ctx.data.get("text"), ctx.now)
        if why is None:
            return None
        return Reply().add(ctx.t.t(why)).extend(self.meeting_screen(ctx, m))

    async def preview(self, ctx: Context, m: Meeting) -> Reply:
        if (no := await self.refused(ctx, m)) is not None:
            return no
        kind = str(ctx.data.get("kind"))
        aud = self.audience(ctx, m)
        message = render(
            ctx.t, {"kind": kind, "params": ctx.data.get("params") or {}, "text": ctx.data.get("text")}, m
        )
        count, unreachable = await bstore.count_recipients(ctx.db, aud)
        key = "support.preview.region" if aud.meeting_id is None else "support.preview.meeting"
        rows = [[self.b(ctx, "support.btn.send", "ok")]]
        region = m.region or m.city
        if kind != "announce" and region:
            if aud.meeting_id is None:
                rows.append([self.b(ctx, "support.btn.aud_meeting", "aud", "m")])
            else:
                rows.append(
                    [self.b(ctx, "support.btn.aud_region", "aud", "r", program=m.program, region=region)]
                )
        rows.append([self.b(ctx, "support.btn.cancel_action", "m", m.id)])
        reply = Reply().add(ctx.t.t("support.preview.head"))
        reply.add(message.messages[0].text)
        reply.add(
            ctx.t.t(
                key, count=count - unreachable, unreachable=unreachable, program=m.program, region=region
            ),
            rows,
        )
        return reply

    async def confirm(self, ctx: Context, worker: Worker, m: Meeting) -> Reply:
        if (no := await self.refused(ctx, m)) is not None:
            return no
        kind = str(ctx.data.get("kind"))
        params: dict[str, Any] = dict(ctx.data.get("params") or {})
        text = ctx.data.get("text")
        aud = self.audience(ctx, m)
        cast = await publish(ctx.services, worker.id, m, kind, params, text, aud)
        ctx.goto(self.name, "meeting", mid=m.id)
        rows = [[self.b(ctx, "support.btn.progress", "pg", cast.id)], self.back_row(ctx)]
        return Reply().add(ctx.t.t("support.sent", id=cast.id, count=cast.total, skipped=cast.skipped), rows)

    # -- progress, log, figures -----------------------------------------------------------------------

    async def progress(self, ctx: Context, broadcast_id: int | None) -> Reply:
        casts = (
            [b] if broadcast_id and (b := await bstore.get_broadcast(ctx.db, broadcast_id)) else
            await bstore.recent_broadcasts(ctx.db, 5)
        )  # fmt: skip
        if not casts:
            return Reply().add(ctx.t.t("support.progress.none"), [self.back_row(ctx)])
        lines = [
            ctx.t.t(
                "support.progress.line",
                id=b.id,
                status=ctx.t.t(f"support.status.{b.status}"),
                sent=b.sent,
                blocked=b.blocked,
                failed=b.failed,
                pending=b.pending,
                skipped=b.skipped,
            )
            for b in casts
        ]
        refresh = [self.b(ctx, "support.btn.refresh", "pg", *([broadcast_id] if broadcast_id else []))]
        return Reply().add("\n".join(lines), [refresh, self.back_row(ctx)])

    async def log(self, ctx: Context) -> Reply:
        entries = await self.store(ctx).audit_log(20)
        if not entries:
            return Reply().add(ctx.t.t("support.log.empty"), [self.back_row(ctx)])
        lines = [ctx.t.t("support.log.head")]
        for e in entries:
            meeting = f" #{e.meeting_id}" if e.meeting_id else ""
            role = f"B{e.role_id}" if e.role_id else "cli"
            lines.append(f"{log_time(e.at)} {role} {e.action}{meeting} {e.summary}".rstrip())
        return Reply().add("\n".join(lines), [self.back_row(ctx)])

    async def figures(self, ctx: Context) -> Reply:
        fig = await figures(ctx.db)
        lines = [ctx.t.t("support.figures.head")]
        for section, rows in fig.items():
            lines.append(ctx.t.t(f"support.figures.{section}"))
            lines += [f"  {r}" for r in rows] or [f"  {ctx.t.t('support.figures.none')}"]
        return Reply().add("\n".join(lines), [self.back_row(ctx)])

    # -- add a meeting --------------------------------------------------------------------------------

    async def add_button(self, ctx: Context, worker: Worker, action: str, arg: str) -> Reply | None:
        if action == "add":
            ctx.goto(self.name, "add_prog")
            rows = [
                [self.button(p, "ap", p) for p in PROGRAMS[i : i + 4]] for i in range(0, len(PROGRAMS), 4)
            ]
            return self.ask(ctx, "support.add.program", "add_prog", rows)
        if action == "ap" and arg in PROGRAMS:
            ctx.set_step("add_name", prog=arg)
            return self.ask(ctx, "support.add.name", "add_name")
        if action == "ad" and arg.isdigit() and 1 <= int(arg) <= 7 and ctx.step == "add_day":
            ctx.set_step("add_time", day=int(arg))
            return self.ask(ctx, "support.add.time", "add_time")
        if action == "aok" and ctx.step == "add_ok":
            return await self.add_save(ctx, worker)
        return None

    async def add_text(self, ctx: Context, step: str, text: str) -> Reply | None:
        if step == "add_name" and text:
            ctx.set_step("add_day", name=text[:100])
            monday = date(2024, 1, 1)
            rows = [
                [
                    self.button(ctx.t.weekday(monday + timedelta(days=d)), "ad", d + 1)
                    for d in range(i, min(i + 4, 7))
                ]
                for i in (0, 4)
            ]
            return self.ask(ctx, "support.add.day", "add_day", rows)
        if step == "add_time":
            times = parse_times(text)
            if times is None:
                return self.ask(ctx, "support.bad_time", "add_time")
            ctx.set_step("add_place", start=times[0], end=times[1])
            return self.ask(ctx, "support.add.place", "add_place")
        if step == "add_place" and HTTP_RE.match(text):
            return self.ask(ctx, "support.refuse.http", "add_place")
        if step == "add_place" and text:
            d = ctx.data
            ctx.set_step("add_ok", place=text[:MAX_SHORT])
            summary = ctx.t.t(
                "support.add.check",
                program=d.get("prog"),
                name=d.get("name"),
                day=ctx.t.weekday(date(2024, 1, int(d.get("day", 1)))),
                time=d.get("start"),
                place=text[:MAX_SHORT],
            )
            return Reply().add(summary, [[self.b(ctx, "support.btn.save", "aok")], self.back_row(ctx)])
        return None

    async def add_save(self, ctx: Context, worker: Worker) -> Reply:
        d = ctx.data
        place = str(d.get("place", ""))
        url = place if URL_RE.match(place) else None
        location, address = (None, None) if url else split_place(place)
        town = town_in(address) if not url else None
        street, city = split_town(address) if town else (address, None)
        async with ctx.db.tx() as tx:
            mid = await edits.add_meeting(
                tx,
                ctx.now,
                program=str(d["prog"]),
                name=str(d["name"]),
                weekday=int(d["day"]),
                start_time=str(d["start"]),
                end_time=d.get("end"),
                location=location,
                address=street,
                city=city,
                conference_url=url,
                lat=town.lat if town else None,
                lon=town.lon if town else None,
                approximate=town is not None,
            )
        await self.store(ctx).audit(ctx.now, worker.id, "add", mid, str(d["prog"]))
        m = await get_meeting(ctx.db, mid)
        assert m is not None
        reply = Reply().add(ctx.t.t("support.add.saved"))
        return reply.extend(self.meeting_screen(ctx, m))


FLOW = SupportFlow()
