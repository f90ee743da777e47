"""Support workers under /beheer: redeem an invite, find a meeting, change it, tell its followers.

Every input re-checks the role; for anyone without one the flow answers nothing (the engine then gives its
usual 'unknown command' / 'expired button' answer), so these menus stay invisible. The state holds only
what a support worker types about a meeting (directory data), and only until the change is confirmed.
Every step of the add-a-meeting form and the change forms is declared, so a sticker or /taal mid-form
shows the same question again with everything typed so far kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from conversations.broadcast_source import meeting_label, render
from conversations.buttons import MENU_ID, button_id, grid
from conversations.context import Context
from conversations.flows.base import Action, Flow, Step, table
from conversations.flows.menu import menu_reply
from conversations.meeting_format import cut_label, program_label, program_short, weekday_name
from conversations.places import town_in
from conversations.support_actions import (
    HTTP_RE,
    HTTPS_RE,
    URL_RE,
    is_cancelled,
    parse_time,
    parse_times,
    publish,
    refusal,
    split_place,
    split_town,
)
from conversations.types import Button, Reply
from storage import broadcasts as bstore
from storage import edits, welcome
from storage import reports as rstore
from storage.feeds import FeedState, feed_states, read_problem
from storage.meeting import PROGRAMS, Meeting, get_meeting
from storage.occurrences import DEFAULT_ZONE, next_slots, zone
from storage.support import (
    CODE_LENGTH,
    AuditEntry,
    SupportStore,
    Worker,
    figures,
    normalise_code,
    welcomer_labels,
    write_audit,
)

MAX_TEXT = 500
MAX_SHORT = 150
DATES_SHOWN = 6
FIELDS = ("time", "place", "url")
SOURCE_TROUBLE = ("held", "failed")
MEETING_STEPS = ("meeting", "date", "mv_time", "mv_place", "edit", "ed_value", "note", "preview")


def _arg(args: list[str], n: int) -> str:
    return args[n] if n < len(args) else "?"


def log_time(stamp: str) -> str:
    """A stored UTC instant as Amsterdam time with its zone: '2026-03-23 11:00 CET'."""
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(zone(DEFAULT_ZONE))
    return f"{local:%Y-%m-%d %H:%M %Z}"


@dataclass(slots=True)
class SupportState:
    """The meeting being changed and the change so far, or the new meeting's fields so far."""

    mid: int | None = None
    kind: str = ""
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""
    aud: str = "m"
    prog: str = ""
    name: str = ""
    day: int = 1
    start: str = ""
    end: str | None = None
    place: str = ""
    cast: int | None = None


@dataclass(slots=True)
class SupportData:
    """What a support screen shows: the worker, the meeting, and per screen a little more."""

    worker: Worker
    meeting: Meeting | None = None
    recipients: tuple[int, int] = (0, 0)
    dates: list[date] = field(default_factory=list)
    refused: str | None = None
    casts: list[bstore.Broadcast] = field(default_factory=list)
    log: list[AuditEntry] = field(default_factory=list)
    figures: dict[str, list[str]] = field(default_factory=dict)
    reported: dict[str, int] = field(default_factory=dict)  # the meeting's open reports, per reason
    reports: list[rstore.MeetingReports] = field(default_factory=list)
    region: str | None = None
    regions: list[tuple[str, int]] = field(default_factory=list)
    sources: list[FeedState] = field(default_factory=list)
    welcome: tuple[bool, list[int]] = (False, [])


class SupportFlow(Flow[SupportState]):
    """The support-worker menus."""

    name = "support"
    prefix = "b"
    commands = ("beheer",)
    State = SupportState
    first = "menu"

    def store(self, ctx: Context) -> SupportStore:
        return SupportStore(ctx.db, ctx.services.keys)

    async def role(self, ctx: Context) -> Worker | None:
        return await self.store(ctx).role_of(ctx.user_key)

    def b(self, ctx: Context, key: str, action: str, *args: str | int, **params: object) -> Button:
        return self.button(ctx.t.t(key, **params), action, *args)

    def back_row(self, ctx: Context) -> list[Button]:
        return [self.b(ctx, "support.btn.menu", "menu"), Button(ctx.t.t("nav.menu"), MENU_ID)]

    def ask(self, ctx: Context, key: str, extra: list[list[Button]] | None = None, **kw: Any) -> Reply:
        """A question with optional buttons, and the way back."""
        return Reply().add(ctx.t.t(key, **kw), [*(extra or []), self.back_row(ctx)])

    # --- entry points: every one checks the role first ------------------------------------------

    async def on_command(self, ctx: Context, command: str, args: str) -> Reply | None:
        arg = args.strip()
        worker = await self.role(ctx)
        if arg.lower() == "log" and worker is not None:
            return await self.go(ctx, "log")
        if arg and arg.lower() != "log" and (worker is None or len(normalise_code(arg)) == CODE_LENGTH):
            return await self.redeem(ctx, arg)
        if worker is None:
            return None
        return await self.go(ctx, "menu")  # '/beheer' or '/beheer menu'; typos are no failed guesses

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        if await self.role(ctx) is None:
            return menu_reply(ctx)
        return await self.go(ctx, "menu")

    async def show(self, ctx: Context) -> Reply:
        if await self.role(ctx) is None:
            return menu_reply(ctx)
        return await super().show(ctx)

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        if await self.role(ctx) is None:
            return None
        return await super().on_button(ctx, action, args)

    async def on_text(self, ctx: Context, text: str) -> Reply | None:
        if await self.role(ctx) is None:
            return None
        return await super().on_text(ctx, text.strip())

    async def redeem(self, ctx: Context, code: str) -> Reply:
        async with ctx.db.transaction():  # the role and the user row that keeps its chat id, together
            result = await self.store(ctx).redeem(ctx.user_key, code, ctx.now)
            if result.status == "ok" and result.worker is not None:
                await self.ensure_user(ctx)
        if result.status == "limited":
            return Reply().add(ctx.t.t("support.redeem.limited"))
        if result.status != "ok" or result.worker is None:
            return Reply().add(ctx.t.t("support.redeem.invalid"))
        if result.worker.role == welcome.WELCOMER:  # a welcomer's code sent to /beheer: their own screen
            rows = [
                [Button(ctx.t.t("welcome.btn.pick"), button_id("o", "pick"))],
                [Button(ctx.t.t("nav.menu"), MENU_ID)],
            ]
            return Reply().add(ctx.t.t("welcome.redeemed", role=result.worker.id), rows)
        reply = Reply().add(ctx.t.t("support.redeem.ok", role=result.worker.id))
        return reply.extend(await self.go(ctx, "menu"))

    async def ensure_user(self, ctx: Context) -> None:
        """Store the user row now, so the sealed chat id can be kept for the broadcast summaries."""
        await ctx.services.users.save(ctx.user_key, ctx.lang, ctx.state, ctx.now)
        await ctx.remember_chat()

    # --- getters --------------------------------------------------------------------------------

    async def load(self, ctx: Context, st: SupportState) -> SupportData:
        worker = await self.role(ctx)
        if worker is None:
            raise LookupError("no support role")  # the engine then shows the main menu
        meeting = await get_meeting(ctx.db, st.mid) if st.mid is not None else None
        data = SupportData(worker, meeting)
        if meeting is not None and meeting.id is not None:
            on = await welcome.is_on(ctx.db, meeting.id)
            data.welcome = (on, [w for w, _ in await welcome.welcomers_at(ctx.db, meeting.id)])
            data.reported = await rstore.reports_of(ctx.db, meeting.id)
        return data

    async def load_reports(self, ctx: Context, st: SupportState) -> SupportData:
        """The open reports of the worker's region (all regions if they chose none)."""
        data = await self.load(ctx, st)
        data.region = await rstore.worker_region(ctx.db, data.worker.id)
        data.reports = await rstore.open_reports(ctx.db, data.region)
        return data

    async def load_menu(self, ctx: Context, st: SupportState) -> SupportData:
        """The menu says when reports wait or a source needs a look."""
        data = await self.load_reports(ctx, st)
        data.sources = [f for f in await feed_states(ctx.db) if f.status in SOURCE_TROUBLE]
        return data

    async def load_regions(self, ctx: Context, st: SupportState) -> SupportData:
        data = await self.load(ctx, st)
        data.region = await rstore.worker_region(ctx.db, data.worker.id)
        data.regions = await rstore.report_regions(ctx.db)
        return data

    async def load_sources(self, ctx: Context, st: SupportState) -> SupportData:
        data = await self.load(ctx, st)
        data.sources = await feed_states(ctx.db)
        return data

    async def load_dates(self, ctx: Context, st: SupportState) -> SupportData:
        """The next dates to cancel or move; a date that is already cancelled is not offered."""
        data = await self.load(ctx, st)
        m = data.meeting
        if m is not None:
            slots = next_slots(
                m.weekday,
                m.start_time,
                m.end_time,
                m.timezone,
                ctx.now,
                DATES_SHOWN + 4,
                include_running=False,
            )
            days = [s.local_date for s in slots]
            data.dates = [d for d in days if not await is_cancelled(ctx.db, m, d)][:DATES_SHOWN]
        return data

    async def refusal_of(self, ctx: Context, st: SupportState, m: Meeting) -> str | None:
        """The shared refusal (past date, second cancel, empty text, http link) as a text key, or None."""
        return await refusal(ctx.db, m, st.kind, dict(st.params), st.text or None, ctx.now)

    async def load_preview(self, ctx: Context, st: SupportState) -> SupportData:
        data = await self.load(ctx, st)
        if data.meeting is not None:
            data.refused = await self.refusal_of(ctx, st, data.meeting)
        if data.meeting is not None and data.refused is None:
            data.recipients = await bstore.count_recipients(ctx.db, self.audience(st, data.meeting))
        return data

    async def load_progress(self, ctx: Context, st: SupportState) -> SupportData:
        data = await self.load(ctx, st)
        one = await bstore.get_broadcast(ctx.db, st.cast) if st.cast else None
        data.casts = [one] if one else await bstore.recent_broadcasts(ctx.db, 5)
        return data

    async def load_log(self, ctx: Context, st: SupportState) -> SupportData:
        data = await self.load(ctx, st)
        data.log = await self.store(ctx).audit_log(20)
        return data

    async def load_figures(self, ctx: Context, st: SupportState) -> SupportData:
        data = await self.load(ctx, st)
        data.figures = await figures(ctx.db, name=lambda p: program_short(ctx.t, p))
        return data

    # --- views: menu, find, a meeting -----------------------------------------------------------

    def menu_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        rows = [
            [self.b(ctx, "support.btn.find", "find")],
            [self.b(ctx, "support.btn.add", "add")],
            [self.b(ctx, "support.btn.reports", "rps", count=len(data.reports))],
            [self.b(ctx, "support.btn.progress", "pg"), self.b(ctx, "support.btn.sources", "src")],
            [self.b(ctx, "support.btn.log", "log"), self.b(ctx, "support.btn.figures", "fig")],
            [Button(ctx.t.t("nav.menu"), MENU_ID)],
        ]
        lines = [ctx.t.t("support.menu", role=data.worker.id)]
        if data.sources:
            lines.append(ctx.t.t("support.sources.attention", count=len(data.sources)))
        return Reply().add("\n".join(lines), rows)

    def reported_line(self, ctx: Context, counts: dict[str, int]) -> str:
        """'3 meldingen: andere tijd (2), andere plek (1)'."""
        parts = [
            f"{ctx.t.t(f'dir.report.{r}').lower()} ({counts[r]})" for r in rstore.REASONS if counts.get(r)
        ]
        return ctx.t.t("support.reports.line", count=sum(counts.values()), reasons=", ".join(parts))

    def reports_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        t = ctx.t
        head = (
            t.t("support.reports.region", region=data.region) if data.region else t.t("support.reports.all")
        )
        lines = [head]
        rows: list[list[Button]] = []
        for item in data.reports:
            place = f" ({item.city})" if item.city else ""
            lines.append(f"• {item.name}{place}: {self.reported_line(ctx, item.counts)}")
            rows.append([self.button(cut_label(item.name + place, 60), "m", item.meeting_id)])
        if not data.reports:
            lines.append(t.t("support.reports.none"))
        rows.append([self.b(ctx, "support.btn.region", "rgn")])
        return Reply().add("\n".join(lines), [*rows, self.back_row(ctx)])

    def regions_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        rows = [
            [self.button(f"{name} ({count})", "rg", name)]
            for name, count in data.regions
            if ":" not in name and len(name.encode()) <= 40
        ]
        rows.append([self.b(ctx, "support.btn.all_regions", "rg")])
        return self.ask(ctx, "support.reports.pick_region", rows)

    def sources_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        t = ctx.t
        lines = [t.t("support.sources.head")]
        for f in data.sources:
            when = log_time(f.checked_at)
            line = t.t(f"support.sources.{f.status}", name=f.name, when=when)
            if f.status in SOURCE_TROUBLE:
                code, args = read_problem(f.detail)
                line += "\n  " + t.t(f"support.sources.why.{code}", a=_arg(args, 0), b=_arg(args, 1))
            if f.status == "held":
                line += "\n  " + t.t("support.sources.accept", name=f.name)
            lines.append(line)
        if not data.sources:
            lines.append(t.t("support.sources.none"))
        return Reply().add("\n".join(lines), [self.back_row(ctx)])

    def find_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        return self.ask(ctx, "support.find.ask")

    def meeting_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        m = data.meeting
        if m is None:
            self.enter(ctx, "menu")
            return self.menu_view(ctx, SupportState(), data)
        t = ctx.t
        place = ", ".join(p for p in (m.location, m.formatted_address) if p) or "—"
        lines = [
            meeting_label(t, m),
            t.t(
                "support.meeting.info",
                program=program_label(t, m.program),
                place=place,
                url=m.conference_url or "—",
            ),
        ]
        if m.attendance == "inactive":
            lines.append(t.t("support.meeting.closed"))
        on, welcomers = data.welcome
        if on:
            names = welcomer_labels(welcomers) or t.t("support.meeting.welcome_none")
            lines.append(t.t("support.meeting.welcome_on", welcomers=names))
        else:
            lines.append(t.t("support.meeting.welcome_off"))
        if m.is_demo:
            lines.append(t.t("support.demo_label"))
        if data.reported:
            lines.append(self.reported_line(ctx, data.reported))
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
            *([[self.welcome_switch(ctx, on)]] if on or m.attendance != "inactive" else []),
            *([[self.b(ctx, "support.btn.dismiss", "rd")]] if data.reported else []),
            self.back_row(ctx),
        ]
        return Reply().add("\n".join(lines), rows)

    def welcome_switch(self, ctx: Context, on: bool) -> Button:
        """'Opvang aanzetten' / 'Opvang uitzetten' (a closed meeting can only be switched off)."""
        return self.b(
            ctx, "support.btn.welcome_off" if on else "support.btn.welcome_on", "wel", 0 if on else 1
        )

    # --- views: the change forms ----------------------------------------------------------------

    def needs_meeting(self, ctx: Context, data: SupportData) -> Meeting | None:
        """The meeting a change form is about; without it the form falls back to the support menu."""
        if data.meeting is None:
            self.enter(ctx, "menu")
        return data.meeting

    def date_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        m = self.needs_meeting(ctx, data)
        if m is None:
            return self.menu_view(ctx, st, data)
        action = "md" if st.kind == "move" else "cd"
        rows = [[self.button(ctx.t.date(day), action, day.strftime("%Y%m%d"))] for day in data.dates]
        return self.ask(ctx, "support.date.ask", rows)

    def mv_time_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        return self.ask(ctx, "support.move.time", [[self.b(ctx, "support.btn.same_time", "mt")]])

    def mv_place_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        return self.ask(ctx, "support.move.place", [[self.b(ctx, "support.btn.same_place", "mp")]])

    def edit_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        rows = [
            [
                self.b(ctx, "support.btn.f_time", "ef", "time"),
                self.b(ctx, "support.btn.f_place", "ef", "place"),
            ],
            [self.b(ctx, "support.btn.f_url", "ef", "url")],
        ]
        return self.ask(ctx, "support.edit.ask", rows)

    def ed_value_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        field_name = st.params.get("field")
        return self.ask(ctx, f"support.edit.{field_name if field_name in FIELDS else 'time'}")

    def note_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        return self.ask(ctx, "support.announce.ask" if st.kind == "announce" else "support.note.ask")

    def audience(self, st: SupportState, m: Meeting) -> bstore.Audience:
        region = m.region or m.city
        if st.aud == "r" and region and st.kind != "announce":
            return bstore.Audience(program=m.program, region=region)
        return bstore.Audience(meeting_id=m.id)

    def preview_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        m = self.needs_meeting(ctx, data)
        if m is None:
            return self.menu_view(ctx, st, data)
        if data.refused is not None:  # the reason, then the meeting (the change is not kept)
            self.enter(ctx, "meeting", SupportState(mid=m.id))
            return Reply().add(ctx.t.t(data.refused)).extend(self.meeting_view(ctx, st, data))
        aud = self.audience(st, m)
        message = render(ctx.t, {"kind": st.kind, "params": st.params, "text": st.text or None}, m)
        count, unreachable = data.recipients
        key = "support.preview.region" if aud.meeting_id is None else "support.preview.meeting"
        rows = [[self.b(ctx, "support.btn.send", "ok")]]
        region = m.region or m.city
        if st.kind != "announce" and region:
            if aud.meeting_id is None:
                rows.append([self.b(ctx, "support.btn.aud_meeting", "aud", "m")])
            else:
                rows.append(
                    [
                        self.b(
                            ctx,
                            "support.btn.aud_region",
                            "aud",
                            "r",
                            program=program_short(ctx.t, m.program),
                            region=region,
                        )
                    ]
                )
        rows.append([self.b(ctx, "support.btn.cancel_action", "m", m.id or 0)])
        reply = Reply().add(ctx.t.t("support.preview.head"))
        reply.add(message.messages[0].text)
        reply.add(
            ctx.t.t(
                key,
                count=count - unreachable,
                unreachable=unreachable,
                program=program_short(ctx.t, m.program),
                region=region,
            ),
            rows,
        )
        return reply

    # --- views: progress, log, figures ----------------------------------------------------------

    def progress_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        if not data.casts:
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
            for b in data.casts
        ]
        refresh = [self.b(ctx, "support.btn.refresh", "pg", *([st.cast] if st.cast else []))]
        return Reply().add("\n".join(lines), [refresh, self.back_row(ctx)])

    def log_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        if not data.log:
            return Reply().add(ctx.t.t("support.log.empty"), [self.back_row(ctx)])
        lines = [ctx.t.t("support.log.head")]
        for e in data.log:
            meeting = f" #{e.meeting_id}" if e.meeting_id else ""
            role = f"B{e.role_id}" if e.role_id else "cli"
            lines.append(f"{log_time(e.at)} {role} {e.action}{meeting} {e.summary}".rstrip())
        return Reply().add("\n".join(lines), [self.back_row(ctx)])

    def figures_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        lines = [ctx.t.t("support.figures.head")]
        for section, rows in data.figures.items():
            lines.append(ctx.t.t(f"support.figures.{section}"))
            lines += [f"  {r}" for r in rows] or [f"  {ctx.t.t('support.figures.none')}"]
        return Reply().add("\n".join(lines), [self.back_row(ctx)])

    # --- views: add a meeting -------------------------------------------------------------------

    def add_prog_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        names = [self.button(program_short(ctx.t, p), "ap", p) for p in PROGRAMS]
        return self.ask(ctx, "support.add.program", grid(names, 3))

    def add_name_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        return self.ask(ctx, "support.add.name")

    def add_day_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        days = [self.button(weekday_name(ctx.t, d), "ad", d) for d in range(1, 8)]
        return self.ask(ctx, "support.add.day", grid(days, 4))

    def add_time_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        return self.ask(ctx, "support.add.time")

    def add_place_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        return self.ask(ctx, "support.add.place")

    def add_ok_view(self, ctx: Context, st: SupportState, data: SupportData) -> Reply:
        summary = ctx.t.t(
            "support.add.check",
            program=st.prog,
            name=st.name,
            day=weekday_name(ctx.t, min(max(st.day, 1), 7)),
            time=st.start,
            place=st.place,
        )
        return Reply().add(summary, [[self.b(ctx, "support.btn.save", "aok")], self.back_row(ctx)])

    # --- actions: menu and finding ----------------------------------------------------------------

    async def on_menu(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "menu")

    async def on_find(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "find")

    async def on_meeting(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        if not args or not args[0].isdigit():
            return None
        return await self.go(ctx, "meeting", SupportState(mid=int(args[0])))

    async def on_log(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "log", st)

    async def on_figures(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "figures", st)

    async def on_reports(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "reports")

    async def on_regions(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "regions")

    async def on_region(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        """Choose the region whose reports come first (no argument: all regions)."""
        worker = await self.role(ctx)
        if worker is None:
            return None
        region = args[0] if args else None
        if region is not None and region not in {name for name, _ in await rstore.report_regions(ctx.db)}:
            region = None  # a region without reports, or a forged one: show all
        await rstore.set_worker_region(ctx.db, worker.id, region)
        return await self.go(ctx, "reports")

    async def on_dismiss(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        """The reports of this meeting are dealt with (fixed, closed, or not right): clear them."""
        worker = await self.role(ctx)
        if worker is None or st.mid is None:
            return await self.go(ctx, "menu")
        async with ctx.db.tx() as tx:
            await rstore.dismiss_reports(tx, st.mid)
            await write_audit(tx, ctx.now, worker.id, "reports_cleared", st.mid)
        return Reply().add(ctx.t.t("support.reports.cleared")).extend(await self.go(ctx, "meeting", st))

    async def on_sources(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "sources")

    async def on_progress(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        st.cast = int(args[0]) if args and args[0].isdigit() else None
        return await self.go(ctx, "progress", st)

    async def find(self, ctx: Context, st: SupportState, text: str) -> Reply | None:
        found = await edits.search_meetings(ctx.db, text[:MAX_SHORT])
        if not found:
            return self.ask(ctx, "support.find.none")
        rows = [[self.button(find_label(ctx, m), "m", m.id or 0)] for m in found]
        reply_text = ctx.t.t("support.find.pick")
        if any(m.is_demo for m in found):
            reply_text += "\n" + ctx.t.t("support.demo_list")
        return Reply().add(reply_text, [*rows, self.back_row(ctx)])

    # --- actions: changing a meeting ------------------------------------------------------------

    async def change(self, ctx: Context, st: SupportState, step: str, **kw: Any) -> Reply:
        """Go to a step of a change form of the current meeting (or to the menu if there is none)."""
        if st.mid is None:
            return await self.go(ctx, "menu")
        for key, value in kw.items():
            setattr(st, key, value)
        return await self.go(ctx, step, st)

    async def on_cancel(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.change(ctx, st, "date", kind="cancel", params={})

    async def on_move(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.change(ctx, st, "date", kind="move", params={})

    async def on_cancel_date(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        day = _day(args[0])
        return await self.change(ctx, st, "preview", kind="cancel", params={"date": day.isoformat()}, aud="m")

    async def on_move_date(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        day = _day(args[0])
        return await self.change(ctx, st, "mv_time", kind="move", params={"date": day.isoformat()})

    async def on_same_time(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "mv_place", st)

    async def on_same_place(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        if not st.params.get("start"):
            self.enter(ctx, "mv_time", st)
            return self.ask(ctx, "support.move.nothing", [[self.b(ctx, "support.btn.same_time", "mt")]])
        return await self.change(ctx, st, "preview", aud="m")

    async def on_edit(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.change(ctx, st, "edit")

    async def on_edit_field(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        if args[0] not in FIELDS:
            return None
        return await self.change(ctx, st, "ed_value", kind="edit", params={"field": args[0]})

    async def on_close(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.change(ctx, st, "preview", kind="close", params={}, aud="m")

    async def on_reopen(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.change(ctx, st, "preview", kind="reopen", params={}, aud="m")

    async def on_note(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.change(ctx, st, "note", kind="note", params={})

    async def on_announce(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.change(ctx, st, "note", kind="announce", params={})

    async def on_audience(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        if args[0] not in ("m", "r"):
            return None
        return await self.change(ctx, st, "preview", aud=args[0])

    async def on_send(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        worker = await self.role(ctx)
        m = await get_meeting(ctx.db, st.mid) if st.mid is not None else None
        if worker is None or m is None:
            return await self.go(ctx, "menu")
        if (why := await self.refusal_of(ctx, st, m)) is not None:
            return Reply().add(ctx.t.t(why)).extend(await self.go(ctx, "meeting", SupportState(mid=m.id)))
        cast = await publish(
            ctx.services, worker.id, m, st.kind, dict(st.params), st.text or None, self.audience(st, m)
        )
        self.enter(ctx, "meeting", SupportState(mid=m.id))
        rows = [[self.b(ctx, "support.btn.progress", "pg", cast.id)], self.back_row(ctx)]
        return Reply().add(ctx.t.t("support.sent", id=cast.id, count=cast.total, skipped=cast.skipped), rows)

    # --- text parsers: the change forms ---------------------------------------------------------

    async def typed_move_time(self, ctx: Context, st: SupportState, text: str) -> Reply | None:
        at = parse_time(text)
        if at is None:
            return self.ask(ctx, "support.bad_time", [[self.b(ctx, "support.btn.same_time", "mt")]])
        st.params["start"] = at
        return await self.go(ctx, "mv_place", st)

    async def typed_move_place(self, ctx: Context, st: SupportState, text: str) -> Reply | None:
        st.params["place"] = text[:MAX_SHORT]
        return await self.change(ctx, st, "preview", aud="m")

    async def typed_value(self, ctx: Context, st: SupportState, text: str) -> Reply | None:
        field_name = st.params.get("field")
        value: str | None = text[:MAX_SHORT]
        if field_name == "time":
            value = parse_time(text)
        elif field_name == "url" and HTTP_RE.match(text):
            return self.ask(ctx, "support.refuse.http")
        elif field_name == "url" and not HTTPS_RE.match(text):
            value = None
        if value is None or field_name not in FIELDS:
            return self.ask(ctx, f"support.edit.bad_{field_name if field_name in FIELDS else 'time'}")
        st.params["value"] = value
        return await self.change(ctx, st, "preview", aud="m")

    async def typed_note(self, ctx: Context, st: SupportState, text: str) -> Reply | None:
        if not text:
            return self.ask(ctx, "support.refuse.empty")
        return await self.change(ctx, st, "preview", text=text[:MAX_TEXT], aud="m")

    # --- add a meeting: buttons and text --------------------------------------------------------

    async def on_welcome(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        """Switch welcoming at the door on or off for this meeting (the group's own choice)."""
        worker = await self.role(ctx)
        m = await get_meeting(ctx.db, st.mid) if st.mid is not None else None
        if worker is None or m is None or m.id is None or args[0] not in ("0", "1"):
            return await self.go(ctx, "menu")
        on = args[0] == "1" and m.attendance != "inactive"
        await welcome.set_meeting(ctx.db, m.id, on, ctx.now, worker.id)
        key = "support.welcome.switched_on" if on else "support.welcome.switched_off"
        return Reply().add(ctx.t.t(key)).extend(await self.go(ctx, "meeting", SupportState(mid=m.id)))

    async def on_add(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "add_prog")

    async def on_add_program(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        if args[0] not in PROGRAMS:
            return None
        st.prog = args[0]
        return await self.go(ctx, "add_name", st)

    async def on_add_day(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        if not args[0].isdigit() or not 1 <= int(args[0]) <= 7:
            return None
        st.day = int(args[0])
        return await self.go(ctx, "add_time", st)

    async def typed_name(self, ctx: Context, st: SupportState, text: str) -> Reply | None:
        if not text:
            return None
        st.name = text[:100]
        return await self.go(ctx, "add_day", st)

    async def typed_add_time(self, ctx: Context, st: SupportState, text: str) -> Reply | None:
        times = parse_times(text)
        if times is None:
            return self.ask(ctx, "support.bad_time")
        st.start, st.end = times
        return await self.go(ctx, "add_place", st)

    async def typed_add_place(self, ctx: Context, st: SupportState, text: str) -> Reply | None:
        if HTTP_RE.match(text):
            return self.ask(ctx, "support.refuse.http")
        if not text:
            return None
        st.place = text[:MAX_SHORT]
        return await self.go(ctx, "add_ok", st)

    async def on_add_save(self, ctx: Context, st: SupportState, args: list[str]) -> Reply | None:
        """Write the new meeting and its audit line in one transaction."""
        worker = await self.role(ctx)
        if worker is None or not (st.prog and st.name and st.start):
            return await self.go(ctx, "menu")
        url = st.place if URL_RE.match(st.place) else None
        location, address = (None, None) if url else split_place(st.place)
        town = town_in(address) if not url else None
        street, city = split_town(address) if town else (address, None)
        async with ctx.db.tx() as tx:
            mid = await edits.add_meeting(
                tx,
                ctx.now,
                program=st.prog,
                name=st.name,
                weekday=st.day,
                start_time=st.start,
                end_time=st.end,
                location=location,
                address=street,
                city=city,
                conference_url=url,
                lat=town.lat if town else None,
                lon=town.lon if town else None,
                approximate=town is not None,
            )
            await write_audit(tx, ctx.now, worker.id, "add", mid, st.prog)
        reply = Reply().add(ctx.t.t("support.add.saved"))
        return reply.extend(await self.go(ctx, "meeting", SupportState(mid=mid)))

    steps = table(
        {
            "menu": Step(menu_view, load=load_menu),
            "reports": Step(reports_view, load=load_reports),
            "regions": Step(regions_view, load=load_regions),
            "sources": Step(sources_view, load=load_sources),
            "find": Step(find_view, load=load, text=find),
            "meeting": Step(meeting_view, load=load),
            "date": Step(date_view, load=load_dates),
            "mv_time": Step(mv_time_view, load=load, text=typed_move_time),
            "mv_place": Step(mv_place_view, load=load, text=typed_move_place),
            "edit": Step(edit_view, load=load),
            "ed_value": Step(ed_value_view, load=load, text=typed_value),
            "note": Step(note_view, load=load, text=typed_note),
            "preview": Step(preview_view, load=load_preview),
            "progress": Step(progress_view, load=load_progress),
            "log": Step(log_view, load=load_log),
            "figures": Step(figures_view, load=load_figures),
            "add_prog": Step(add_prog_view, load=load),
            "add_name": Step(add_name_view, load=load, text=typed_name),
            "add_day": Step(add_day_view, load=load),
            "add_time": Step(add_time_view, load=load, text=typed_add_time),
            "add_place": Step(add_place_view, load=load, text=typed_add_place),
            "add_ok": Step(add_ok_view, load=load),
        }
    )
    actions = table(
        {
            "menu": Action(on_menu),
            "find": Action(on_find),
            "m": Action(on_meeting),
            "log": Action(on_log),
            "fig": Action(on_figures),
            "pg": Action(on_progress),
            "rps": Action(on_reports),
            "rgn": Action(on_regions),
            "rg": Action(on_region, only_from=("regions",), reenter=on_regions),
            "rd": Action(on_dismiss, only_from=("meeting",)),
            "src": Action(on_sources),
            "cx": Action(on_cancel, only_from=MEETING_STEPS),
            "mv": Action(on_move, only_from=MEETING_STEPS),
            "cd": Action(on_cancel_date, only_from=MEETING_STEPS),
            "md": Action(on_move_date, only_from=MEETING_STEPS),
            "mt": Action(on_same_time, only_from=("mv_time",)),
            "mp": Action(on_same_place, only_from=("mv_place",)),
            "ed": Action(on_edit, only_from=MEETING_STEPS),
            "ef": Action(on_edit_field, only_from=("edit",)),
            "cl": Action(on_close, only_from=MEETING_STEPS),
            "ro": Action(on_reopen, only_from=MEETING_STEPS),
            "nt": Action(on_note, only_from=MEETING_STEPS),
            "an": Action(on_announce, only_from=MEETING_STEPS),
            "wel": Action(on_welcome, only_from=MEETING_STEPS),
            "aud": Action(on_audience, only_from=("preview",)),
            "ok": Action(on_send, only_from=("preview",)),
            "add": Action(on_add),
            "ap": Action(on_add_program, only_from=("add_prog",)),
            "ad": Action(on_add_day, only_from=("add_day",)),
            "aok": Action(on_add_save, only_from=("add_ok",)),
        }
    )


def _day(arg: str) -> date:
    """A date from a button's 'YYYYMMDD' (ValueError if it is not one)."""
    if len(arg) != 8 or not arg.isdigit():
        raise ValueError("not a date")
    return date(int(arg[:4]), int(arg[4:6]), int(arg[6:8]))


def find_label(ctx: Context, m: Meeting) -> str:
    """A found meeting on a button: cut at a word, '(voorbeeld)' kept for a demo meeting."""
    mark = " " + ctx.t.t("dir.mark.demo") if m.is_demo else ""
    return cut_label(meeting_label(ctx.t, m), 60 - len(mark)) + mark
