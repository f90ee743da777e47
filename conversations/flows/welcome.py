"""A welcome at the door (prefix 'o', command /opvang): a newcomer asks to be met at a first meeting, a
welcomer of that group accepts, and the two exchange a few short messages through the bot.

Newcomer: 'ask' (from a meeting card or the trial) → pick a date → optional nickname → 'mine'.
Welcomer (a role from an invite): 'home' with open offers and accepted welcomes, 'pick' meetings, pause.
Relayed texts and nicknames never enter the flow state (which is stored): a typed nickname creates the
request at once (sealed), a typed message is queued at once (sealed) for the other side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from conversations.broadcast_source import meeting_label
from conversations.buttons import MENU_ID, button, nav_row
from conversations.context import Context
from conversations.flows.base import Action, Flow, Step, table
from conversations.types import Button, Reply
from conversations.upcoming import next_of
from conversations.welcome_source import place_words
from storage import welcome as store
from storage.db import parse_utc
from storage.meeting import Meeting, get_meeting, get_meetings
from storage.occurrences import local_instant, zone
from storage.support import CODE_LENGTH, SupportStore, Worker, forget_chat_if_unneeded, normalise_code

MEETING_ARG = re.compile(r"^m(\d{1,12})$")
DATES_OFFERED = 3
LOOK_AHEAD = 5


@dataclass(slots=True)
class WelcomeState:
    """The meeting and date being asked for, or the request a message is written for."""

    mid: int | None = None
    day: str = ""
    rid: int | None = None
    side: str = ""  # 'welcomer' while a welcomer writes; the newcomer's screens otherwise


@dataclass(slots=True)
class AskData:
    """A meeting and the dates a welcome can still be asked for."""

    meeting: Meeting | None
    dates: list[datetime] = field(default_factory=list)


@dataclass(slots=True)
class MineData:
    """The newcomer's request, its meeting and the welcomer's 'how to find me'."""

    request: store.Request | None
    meeting: Meeting | None = None
    find: str | None = None


@dataclass(slots=True)
class HomeData:
    """A welcomer's screen: the role, chosen meetings, open offers and accepted welcomes."""

    worker: Worker
    meetings: dict[int, Meeting] = field(default_factory=dict)
    chosen: list[int] = field(default_factory=list)
    offers: list[store.Request] = field(default_factory=list)
    welcoming: list[store.Request] = field(default_factory=list)
    on: list[int] = field(default_factory=list)
    nicks: dict[int, str | None] = field(default_factory=dict)  # request id → nickname (in memory only)


def _day_arg(arg: str) -> date:
    if len(arg) != 8 or not arg.isdigit():
        raise ValueError("not a date")
    return date(int(arg[:4]), int(arg[4:6]), int(arg[6:8]))


def _int(arg: str) -> int:
    if not arg.isdigit() or len(arg) > 12:
        raise ValueError("not a number")
    return int(arg)


def keep_until(on_date: date, tz_name: str | None) -> datetime:
    """The end of the day after the meeting, in the meeting's zone (midnight two days on)."""
    return local_instant(on_date + timedelta(days=2), datetime.min.time(), zone(tz_name))


class WelcomeFlow(Flow[WelcomeState]):
    """Newcomers ask for a welcome; welcomers accept; both can send a few short messages."""

    name = "welcome"
    prefix = "o"
    commands = ("opvang",)
    State = WelcomeState
    first = "mine"

    def timeout(self, ctx: Context) -> timedelta:
        return ctx.services.settings.welcome_timeout

    async def role(self, ctx: Context) -> Worker | None:
        return await SupportStore(ctx.db, ctx.services.keys).role_of(ctx.user_key, store.WELCOMER)

    # --- entry ----------------------------------------------------------------------------------

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        if m := MEETING_ARG.match(arg):
            return await self.ask(ctx, int(m.group(1)))
        if await self.role(ctx) is not None and await store.active_request(ctx.db, ctx.user_key) is None:
            return await self.go(ctx, "home")
        return await self.go(ctx, "mine")

    async def on_command(self, ctx: Context, command: str, args: str) -> Reply | None:
        arg = args.strip()
        if arg and len(normalise_code(arg)) == CODE_LENGTH:
            return await self.redeem(ctx, arg)
        return await self.start(ctx)

    async def redeem(self, ctx: Context, code: str) -> Reply:
        async with ctx.db.transaction():
            result = await SupportStore(ctx.db, ctx.services.keys).redeem(ctx.user_key, code, ctx.now)
            if result.status == "ok":
                await ctx.services.users.save(ctx.user_key, ctx.lang, ctx.state, ctx.now)
                await ctx.remember_chat()  # offers must reach a welcomer
        if result.status == "limited":
            return Reply().add(ctx.t.t("support.redeem.limited"))
        if result.status != "ok" or result.worker is None:
            return Reply().add(ctx.t.t("support.redeem.invalid"))
        if result.worker.role != store.WELCOMER:
            return Reply().add(
                ctx.t.t("support.redeem.ok", role=result.worker.id),
                [[button(ctx.t.t("support.btn.menu"), "b", "menu")]],
            )
        reply = Reply().add(ctx.t.t("welcome.redeemed", role=result.worker.id))
        return reply.extend(await self.go(ctx, "pick"))

    async def ask(self, ctx: Context, meeting_id: int) -> Reply:
        """'Wil je dat iemand je opvangt?': the dates, or where the person's request stands."""
        current = await store.active_request(ctx.db, ctx.user_key)
        if current is not None:
            return Reply().add(ctx.t.t("welcome.ask.one_at_a_time")).extend(await self.go(ctx, "mine"))
        return await self.go(ctx, "dates", WelcomeState(mid=meeting_id))

    # --- getters --------------------------------------------------------------------------------

    async def load_dates(self, ctx: Context, st: WelcomeState) -> AskData:
        meeting = await get_meeting(ctx.db, st.mid) if st.mid is not None else None
        if (
            meeting is None
            or meeting.id is None
            or not meeting.active
            or not await store.is_on(ctx.db, meeting.id)
        ):
            return AskData(None)
        occs = await next_of(ctx.db, meeting, ctx.now, LOOK_AHEAD)
        limit = ctx.now + self.timeout(ctx)
        dates = [o.begins for o in occs if not o.cancelled and o.begins > limit][:DATES_OFFERED]
        return AskData(meeting, dates)

    async def load_mine(self, ctx: Context, st: WelcomeState) -> MineData:
        req = await store.active_request(ctx.db, ctx.user_key)
        if req is None:
            return MineData(None)
        meeting = await get_meeting(ctx.db, req.meeting_id)
        find = await store.find_text(ctx.db, ctx.services.keys, req.id) if req.has_find else None
        return MineData(req, meeting, find)

    async def load_home(self, ctx: Context, st: WelcomeState) -> HomeData:
        worker = await self.role(ctx)
        if worker is None:
            raise LookupError("no welcomer role")  # the engine then shows the main menu
        data = HomeData(worker)
        data.chosen = await store.chosen(ctx.db, worker.id)
        data.offers = await store.open_offers(ctx.db, worker.id, ctx.now)
        data.welcoming = await store.welcoming(ctx.db, worker.id)
        data.nicks = {r.id: store.nickname(ctx.services.keys, r) for r in data.welcoming}
        data.on = await store.meetings_on(ctx.db)
        ids = {*data.chosen, *data.on, *(r.meeting_id for r in data.offers + data.welcoming)}
        data.meetings = {k: v for k, v in (await get_meetings(ctx.db, ids)).items() if v is not None}
        return data

    # --- views ----------------------------------------------------------------------------------

    def dates_view(self, ctx: Context, st: WelcomeState, data: AskData) -> Reply:
        t = ctx.t
        if data.meeting is None:
            return Reply().add(t.t("welcome.ask.not_here"), [nav_row(t)])
        if not data.dates:
            return Reply().add(t.t("welcome.ask.no_dates"), [nav_row(t)])
        rows = [[self.button(t.date(d), "d", d.strftime("%Y%m%d"))] for d in data.dates]
        rows.append([button(t.t("welcome.btn.back_card"), "c", "start", data.meeting.id or 0)])
        rows.append(nav_row(t))
        text = "\n".join([t.t("welcome.ask.intro"), t.t("welcome.ask.which_date")])
        return Reply().add(text, rows)

    def nick_view(self, ctx: Context, st: WelcomeState, data: Any) -> Reply:
        rows = [[self.button(ctx.t.t("welcome.btn.no_nick"), "nonick")], nav_row(ctx.t)]
        return Reply().add(ctx.t.t("welcome.ask.nick", max=store.NICK_MAX), rows)

    def mine_view(self, ctx: Context, st: WelcomeState, data: MineData) -> Reply:
        t, req = ctx.t, data.request
        if req is None:
            return Reply().add(
                t.t("welcome.mine.none"), [[button(t.t("trial.btn.find_meeting"), "n", "start")], nav_row(t)]
            )
        when = t.date(req.day)
        lines = [t.t("welcome.mine.head", date=when, place=place_words(t, data.meeting))]
        rows: list[list[Button]] = []
        if req.status == "open":
            lines.append(t.t("welcome.mine.open"))
            rows.append([self.button(t.t("welcome.btn.cancel"), "end", req.id)])
        else:
            lines.append(t.t("welcome.mine.accepted"))
            lines.append(
                t.t("welcome.mine.find", text=data.find) if data.find else t.t("welcome.mine.no_find")
            )
            rows.append([self.button(t.t("welcome.btn.write"), "re", req.id)])
            rows.append(
                [self.button(t.t("welcome.btn.stop_contact"), "end", req.id),
                 self.button(t.t("welcome.btn.abuse"), "abuse", req.id)]
            )  # fmt: skip
        rows.append(nav_row(t))
        return Reply().add("\n".join(lines), rows)

    def write_view(self, ctx: Context, st: WelcomeState, data: Any) -> Reply:
        back = "home" if st.side == "welcomer" else "mine"
        rows = [[self.button(ctx.t.t("welcome.btn.back"), back)], nav_row(ctx.t)]
        return Reply().add(ctx.t.t("welcome.write.ask", max=store.RELAY_MAX), rows)

    def find_view(self, ctx: Context, st: WelcomeState, data: Any) -> Reply:
        return Reply().add(ctx.t.t("welcome.find.ask"), [[self.button(ctx.t.t("welcome.btn.back"), "home")]])

    def home_view(self, ctx: Context, st: WelcomeState, data: HomeData) -> Reply:
        t = ctx.t
        lines = [t.t("welcome.home.head", role=data.worker.id)]
        if data.worker.paused:
            lines.append(t.t("welcome.home.paused"))
        chosen = [meeting_label(t, data.meetings[m]) for m in data.chosen if m in data.meetings]
        lines.append(
            t.t("welcome.home.chosen", meetings=", ".join(chosen)) if chosen else t.t("welcome.home.none")
        )
        rows: list[list[Button]] = []
        for r in data.offers:
            m = data.meetings.get(r.meeting_id)
            label = t.t("welcome.btn.accept_on", date=t.date(r.day), time=m.start_time[:5] if m else "")
            rows.append([self.button(label, "acc", r.id)])
        for r in data.welcoming:
            nick = data.nicks.get(r.id)
            lines.append(
                t.t(
                    "welcome.home.welcoming",
                    date=t.date(r.day),
                    place=place_words(t, data.meetings.get(r.meeting_id)),
                )
            )
            lines.append(t.t("welcome.accept.nick", nick=nick) if nick else t.t("welcome.accept.no_nick"))
            rows.append([self.button(t.t("welcome.btn.write_on", date=t.date(r.day)), "rw", r.id)])
            rows.append(
                [self.button(t.t("welcome.btn.stop_contact"), "end", r.id),
                 self.button(t.t("welcome.btn.abuse"), "abuse", r.id)]
            )  # fmt: skip
        rows.append([self.button(t.t("welcome.btn.pick"), "pick")])
        pause = "resume" if data.worker.paused else "pause"
        rows.append([self.button(t.t(f"welcome.btn.{pause}"), pause)])
        rows.append([Button(t.t("nav.menu"), MENU_ID)])
        return Reply().add("\n".join(lines), rows)

    def pick_view(self, ctx: Context, st: WelcomeState, data: HomeData) -> Reply:
        t = ctx.t
        if not data.on:
            return Reply().add(t.t("welcome.pick.none"), [[self.button(t.t("welcome.btn.back"), "home")]])
        rows = []
        for mid in data.on:
            m = data.meetings.get(mid)
            if m is None:
                continue
            mark = "✓ " if mid in data.chosen else ""
            rows.append([self.button(f"{mark}{meeting_label(t, m)}"[:60], "tg", mid)])
        rows.append([self.button(t.t("welcome.btn.done"), "home")])
        return Reply().add(t.t("welcome.pick.ask"), rows)

    # --- newcomer actions -----------------------------------------------------------------------

    async def on_ask(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        return await self.ask(ctx, _int(args[0]))

    async def on_date(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        day = _day_arg(args[0])
        data = await self.load_dates(ctx, st)
        if day not in {d.date() for d in data.dates}:
            return Reply().add(ctx.t.t("welcome.ask.date_gone")).extend(await self.go(ctx, "dates", st))
        st.day = day.isoformat()
        return await self.go(ctx, "nick", st)

    async def typed_nick(self, ctx: Context, st: WelcomeState, text: str) -> Reply | None:
        nick = " ".join(text.split())
        if not nick:
            return None
        if len(nick) > store.NICK_MAX:
            return (
                Reply()
                .add(ctx.t.t("welcome.ask.nick_long", max=store.NICK_MAX))
                .extend(self.nick_view(ctx, st, None))
            )
        return await self.create(ctx, st, nick)

    async def on_no_nick(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        return await self.create(ctx, st, None)

    async def create(self, ctx: Context, st: WelcomeState, nick: str | None) -> Reply:
        """Store the request (nickname sealed) and ask the welcomers; one transaction."""
        data = await self.load_dates(ctx, st)
        chosen = [d for d in data.dates if d.date().isoformat() == st.day]
        if data.meeting is None or data.meeting.id is None or not chosen:
            return Reply().add(ctx.t.t("welcome.ask.date_gone")).extend(await self.go(ctx, "dates", st))
        m, starts = data.meeting, chosen[0]
        occs = [o for o in await next_of(ctx.db, m, ctx.now, LOOK_AHEAD) if o.begins == starts]
        ends = occs[0].ends if occs else starts + timedelta(hours=1, minutes=30)
        new = store.NewRequest(
            meeting_id=m.id or 0,
            program=m.program,
            on_date=starts.date(),
            starts=starts,
            ends=ends,
            deadline=starts - self.timeout(ctx),
            keep_until=keep_until(starts.date(), m.timezone),
        )
        async with ctx.db.transaction():
            await ctx.services.users.save(ctx.user_key, ctx.lang, ctx.state, ctx.now)
            await ctx.remember_chat()
            _, asked = await store.create_request(ctx.db, ctx.services.keys, ctx.user_key, new, nick, ctx.now)
        key = "welcome.asked" if asked else "welcome.asked_nobody"
        return Reply().add(ctx.t.t(key)).extend(await self.go(ctx, "mine"))

    async def on_mine(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "mine")

    async def on_write(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        """'Antwoorden' / 'Bericht sturen': the next typed text goes to the other side."""
        rid = _int(args[0])
        req = await store.get_request(ctx.db, rid)
        side = await store.side_of(ctx.db, req, ctx.user_key) if req is not None else None
        if req is None or side is None or req.status != "accepted" or ctx.now >= parse_utc(req.keep_until):
            return Reply().add(ctx.t.t("welcome.closed")).extend(menu_or_home(self, ctx, side))
        return await self.go(ctx, "write", WelcomeState(rid=rid, side=side))

    async def typed_relay(self, ctx: Context, st: WelcomeState, text: str) -> Reply | None:
        """Pass a typed message on (sealed, deleted once delivered); it is never kept or logged."""
        body = text.strip()
        if not body or st.rid is None:
            return None
        if len(body) > store.RELAY_MAX:
            return (
                Reply()
                .add(ctx.t.t("welcome.write.long", max=store.RELAY_MAX))
                .extend(self.write_view(ctx, st, None))
            )
        result = await store.relay(ctx.db, ctx.services.keys, st.rid, ctx.user_key, body, ctx.now)
        back = "home" if st.side == "welcomer" else "mine"
        if result == "limit":
            return (
                Reply()
                .add(ctx.t.t("welcome.write.limit", n=store.RELAY_PER_DAY))
                .extend(await self.go(ctx, back))
            )
        if result == "closed":
            return Reply().add(ctx.t.t("welcome.closed")).extend(await self.go(ctx, back))
        return Reply().add(ctx.t.t("welcome.write.sent")).extend(await self.go(ctx, back))

    async def on_end(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        return await self.ending(ctx, _int(args[0]), abuse=False)

    async def on_abuse(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        return await self.ending(ctx, _int(args[0]), abuse=True)

    async def ending(self, ctx: Context, rid: int, *, abuse: bool) -> Reply:
        req = await store.get_request(ctx.db, rid)
        side = await store.side_of(ctx.db, req, ctx.user_key) if req is not None else None
        async with ctx.db.transaction():
            ended = await store.end(ctx.db, rid, ctx.user_key, ctx.now, abuse=abuse)
            await forget_chat_if_unneeded(ctx.db, ctx.user_key)  # nothing left to send them: no chat id
        if not ended:
            return Reply().add(ctx.t.t("welcome.closed")).extend(menu_or_home(self, ctx, side))
        key = "welcome.reported" if abuse else f"welcome.stopped_{side}"
        if req is not None and req.status == "open":  # not accepted yet: the newcomer withdrew it
            key = "welcome.withdrawn"
        self.enter(ctx, "home" if side == "welcomer" else "mine")
        return Reply().add(ctx.t.t(key), [nav_row(ctx.t)])

    async def on_met(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        """'Ben je opgevangen?': one more tap, counted anonymously."""
        rid, met = _int(args[0]), args[1] == "1"
        if args[1] not in ("0", "1"):
            return None
        done = await store.answer_met(ctx.db, rid, ctx.user_key, met)
        key = ("welcome.met.yes" if met else "welcome.met.no") if done else "trial.answer.stale"
        return Reply().add(ctx.t.t(key), [nav_row(ctx.t)])

    # --- welcomer actions -----------------------------------------------------------------------

    async def on_home(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        if await self.role(ctx) is None:
            return None
        return await self.go(ctx, "home")

    async def on_pick(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        if await self.role(ctx) is None:
            return None
        return await self.go(ctx, "pick")

    async def on_toggle(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        worker = await self.role(ctx)
        mid = _int(args[0])
        if worker is None or not await store.is_on(ctx.db, mid):
            return None
        on = mid not in await store.chosen(ctx.db, worker.id)
        async with ctx.db.transaction():
            await store.choose(ctx.db, worker.id, ctx.user_key, mid, on)
            await ctx.remember_chat()
            if on and not worker.paused:
                await store.offer_open(ctx.db, worker.id, ctx.now)  # requests made before they ticked it
        return await self.go(ctx, "pick")

    async def on_pause(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        return await self.pausing(ctx, True)

    async def on_resume(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        return await self.pausing(ctx, False)

    async def pausing(self, ctx: Context, paused: bool) -> Reply | None:
        worker = await self.role(ctx)
        if worker is None:
            return None
        async with ctx.db.transaction():
            await store.set_paused(ctx.db, worker.id, paused)
            if not paused:
                await store.offer_open(ctx.db, worker.id, ctx.now)  # what came in during the pause
        key = "welcome.paused" if paused else "welcome.resumed"
        return Reply().add(ctx.t.t(key)).extend(await self.go(ctx, "home"))

    async def on_accept(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        """The first to accept gets it; the others hear it is taken."""
        worker = await self.role(ctx)
        rid = _int(args[0])
        if worker is None:
            return None
        result = await store.accept(ctx.db, rid, worker.id, ctx.now)
        if result != "ok":
            return Reply().add(ctx.t.t(f"welcome.accept.{result}")).extend(await self.go(ctx, "home"))
        req = await store.get_request(ctx.db, rid)
        if req is None:
            return await self.go(ctx, "home")
        m = await get_meeting(ctx.db, req.meeting_id)
        nick = store.nickname(ctx.services.keys, req)
        lines = [ctx.t.t("welcome.accept.ok", date=ctx.t.date(req.day), place=place_words(ctx.t, m))]
        lines.append(ctx.t.t("welcome.accept.nick", nick=nick) if nick else ctx.t.t("welcome.accept.no_nick"))
        self.enter(ctx, "find", WelcomeState(rid=rid, side="welcomer"))
        return Reply().add("\n".join(lines)).extend(self.find_view(ctx, WelcomeState(rid=rid), None))

    async def on_decline(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        worker = await self.role(ctx)
        if worker is None:
            return None
        await store.decline(ctx.db, _int(args[0]), worker.id)
        return Reply().add(ctx.t.t("welcome.declined")).extend(await self.go(ctx, "home"))

    async def typed_find(self, ctx: Context, st: WelcomeState, text: str) -> Reply | None:
        """'Ik sta om 19:20 bij de deur, met een rode sjaal.': sealed, and the newcomer hears it at once."""
        worker = await self.role(ctx)
        body = text.strip()
        if worker is None or not body or st.rid is None:
            return None
        if len(body) > store.FIND_MAX:
            return (
                Reply()
                .add(ctx.t.t("welcome.write.long", max=store.FIND_MAX))
                .extend(self.find_view(ctx, st, None))
            )
        if not await store.set_find(ctx.db, ctx.services.keys, st.rid, worker.id, body):
            return Reply().add(ctx.t.t("welcome.closed")).extend(await self.go(ctx, "home"))
        return Reply().add(ctx.t.t("welcome.find.sent")).extend(await self.go(ctx, "home"))

    async def on_write_welcomer(self, ctx: Context, st: WelcomeState, args: list[str]) -> Reply | None:
        return await self.on_write(ctx, st, args)

    steps = table(
        {
            "mine": Step(mine_view, load=load_mine),
            "dates": Step(dates_view, load=load_dates),
            "nick": Step(nick_view, text=typed_nick),
            "write": Step(write_view, text=typed_relay),
            "home": Step(home_view, load=load_home),
            "pick": Step(pick_view, load=load_home),
            "find": Step(find_view, text=typed_find),
        }
    )
    actions = table(
        {
            "ask": Action(on_ask),
            "d": Action(on_date, only_from=("dates",)),
            "nonick": Action(on_no_nick, only_from=("nick",)),
            "mine": Action(on_mine),
            "re": Action(on_write),
            "rw": Action(on_write_welcomer),
            "end": Action(on_end),
            "abuse": Action(on_abuse),
            "met": Action(on_met),
            "home": Action(on_home),
            "pick": Action(on_pick),
            "tg": Action(on_toggle, only_from=("pick",)),
            "pause": Action(on_pause),
            "resume": Action(on_resume),
            "acc": Action(on_accept),
            "dec": Action(on_decline),
        }
    )


def menu_or_home(flow: WelcomeFlow, ctx: Context, side: str | None) -> Reply:
    """After a closed contact: the way back (the welcomer's screen or the menu)."""
    if side == "welcomer":
        return Reply().add(
            ctx.t.t("welcome.back_home"), [[flow.button(ctx.t.t("welcome.btn.home"), "home")], nav_row(ctx.t)]
        )
    return Reply().add(ctx.t.t("welcome.back_menu"), [nav_row(ctx.t)])
