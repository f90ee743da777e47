"""The six-meeting trial (prefix 't'): start from a meeting card, choose reminders, see the next six dates,
answer check-ins, pause, stop, and decide at six. Reminders themselves come from conversations.reminders.

Every action that writes more than one row does so in one transaction (`ctx.db.transaction()`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from conversations.arrivals import ARRIVALS
from conversations.buttons import button, nav_row
from conversations.calendar import ics_filename, ics_for
from conversations.context import Context
from conversations.flows.base import Action, Flow, Step, table
from conversations.trial_schedule import REMIND_CHOICES, next_dates, reschedule, top_up, upcoming
from conversations.types import Document, Reply
from storage import follows, welcome
from storage.meeting import Meeting, get_meeting
from storage.occurrences import Occurrence, slot_on
from storage.support import forget_chat_if_unneeded
from storage.trials import GOAL, Trial, TrialStore

MEETING_ARG = re.compile(r"^m(\d{1,12})$")
PROGRAM_ARG = re.compile(r"^[A-Z]{2,8}$")
MILESTONES = (1, 3)
TYPED_ANSWERS = {"ja": "yes", "yes": "yes", "j": "yes", "y": "yes", "nee": "no", "no": "no", "n": "no"}
ALCOHOL_PROGRAMS = frozenset({"AA"})  # a trial of these starts with the warning about stopping abruptly


@dataclass(slots=True)
class TrialState:
    """The meeting offered (or switched to), or the programme to pick a meeting of."""

    mid: int | None = None
    program: str = ""


@dataclass(slots=True)
class MineData:
    """What 'my trial' shows: the open trial, its meeting and the next dates."""

    trial: Trial | None
    meeting: Meeting | None = None
    dates: list[Occurrence] = field(default_factory=list)
    welcoming: bool = False


@dataclass(slots=True)
class OfferData:
    """The meeting on offer, and the trial already open (for the switch question)."""

    meeting: Meeting
    current: Trial | None


class TrialFlow(Flow[TrialState]):
    """A gentle companion through six meetings."""

    name = "trial"
    prefix = "t"
    State = TrialState
    first = "mine"

    def store(self, ctx: Context) -> TrialStore:
        return TrialStore(ctx.db)

    # --- entry ----------------------------------------------------------------------------------

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        """'m<id>': offer a trial for that meeting; '<PROGRAM>': pick a meeting first; '': my trial."""
        if m := MEETING_ARG.match(arg):
            return await self.offer(ctx, int(m.group(1)))
        if PROGRAM_ARG.match(arg):
            return await self.go(ctx, "pick", TrialState(program=arg))
        return await self.go(ctx, "mine")

    async def offer(self, ctx: Context, meeting_id: int) -> Reply:
        """Offer a trial for a meeting: my trial if it is already that one, else ask to switch or when."""
        store = self.store(ctx)
        meeting = await get_meeting(ctx.db, meeting_id)
        if meeting is None or meeting.attendance == "inactive":
            return self.not_found(ctx)
        current = await store.open_trial(ctx.user_key)
        if current is not None and current.meeting_id == meeting_id:
            return await self.go(ctx, "mine")
        step = "offer" if current is None else "switch"
        return await self.go(ctx, step, TrialState(mid=meeting_id))

    def not_found(self, ctx: Context) -> Reply:
        return Reply().add(
            ctx.t.t("trial.meeting_gone"),
            [[button(ctx.t.t("trial.btn.find_meeting"), "n", "start")], nav_row(ctx.t)],
        )

    # --- getters --------------------------------------------------------------------------------

    async def load_offer(self, ctx: Context, st: TrialState) -> OfferData | None:
        store = self.store(ctx)
        meeting = await get_meeting(ctx.db, st.mid) if st.mid is not None else None
        if meeting is None or meeting.attendance == "inactive":
            return None
        return OfferData(meeting, await store.open_trial(ctx.user_key))

    async def load_mine(self, ctx: Context, st: TrialState) -> MineData:
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        if trial is None:
            return MineData(None)
        meeting = await get_meeting(ctx.db, trial.meeting_id)
        dates = await next_dates(ctx.db, meeting, ctx.now) if meeting is not None else []
        return MineData(trial, meeting, dates, await welcome.is_on(ctx.db, trial.meeting_id))

    # --- views ----------------------------------------------------------------------------------

    def pick_view(self, ctx: Context, st: TrialState, data: Any) -> Reply:
        return Reply().add(
            ctx.t.t("trial.pick.text"),
            [[button(ctx.t.t("trial.btn.find_meeting"), "n", "start", st.program)], nav_row(ctx.t)]
            if st.program
            else [[button(ctx.t.t("trial.btn.find_meeting"), "n", "start")], nav_row(ctx.t)],
        )

    def offer_view(self, ctx: Context, st: TrialState, data: OfferData | None) -> Reply:
        """Explain the trial and ask when to remind."""
        if data is None:
            return self.not_found(ctx)
        intro = ctx.t.t("trial.offer.intro")
        if data is not None and data.meeting.program in ALCOHOL_PROGRAMS:  # a person may stop drinking alone
            intro += "\n\n" + ctx.t.t("withdrawal.warning")
        reply = Reply().add(intro)
        mid = data.meeting.id or 0
        rows = [[self.button(ctx.t.t(f"trial.btn.remind.{c}"), "new", mid, c)] for c in REMIND_CHOICES]
        rows.append(nav_row(ctx.t))
        place = data.meeting.city or ctx.t.t("trial.online")
        which = ctx.t.t("trial.offer.meeting", name=data.meeting.name, place=place)
        text = ctx.t.t("trial.offer.when", when=ctx.t.day_time(_first_start(data.meeting, ctx)))
        return reply.add(_with_demo(ctx, data.meeting, f"{which}\n{text}"), rows)

    def switch_view(self, ctx: Context, st: TrialState, data: OfferData | None) -> Reply:
        """A trial is open already: switch it to this meeting, or keep it."""
        if data is None:
            return self.not_found(ctx)
        if data.current is None:
            return self.offer_view(ctx, st, data)
        same = data.current.program == data.meeting.program
        text = ctx.t.t("trial.switch.same" if same else "trial.switch.other", n=data.current.attended)
        return Reply().add(
            text,
            [
                [self.button(ctx.t.t("trial.btn.switch"), "switch", data.meeting.id or 0)],
                [self.button(ctx.t.t("trial.btn.keep_current"), "start")],
            ],
        )

    def mine_view(self, ctx: Context, st: TrialState, data: MineData) -> Reply:
        """Status, progress, next dates and what can be changed."""
        t, trial, meeting = ctx.t, data.trial, data.meeting
        if trial is None:
            return Reply().add(
                t.t("trial.none"),
                [
                    [button(t.t("trial.btn.find_meeting"), "n", "start")],
                    [button(t.t("trial.btn.which"), "w", "start")],
                    nav_row(t),
                ],
            )
        if meeting is None:
            return Reply().add(t.t("trial.meeting_gone"), [[self.button(t.t("trial.btn.stop"), "stop")]])
        if trial.status == "done":
            self.enter(ctx, "six", st)
            return self.six_view(ctx, st, None)
        if meeting.attendance == "inactive":
            return Reply().add(
                t.t("trial.meeting_closed", n=trial.attended, goal=GOAL),
                [
                    [button(t.t("trial.btn.same_program"), "n", "start", trial.program)],
                    [self.button(t.t("trial.btn.stop"), "stop")],
                    nav_row(t),
                ],
            )
        lines = [
            t.t("trial.mine.meeting", name=meeting.name, when=t.day_time(_first_start(meeting, ctx))),
            t.t("trial.mine.progress", n=trial.attended, goal=GOAL),
            t.t(f"trial.mine.remind.{trial.remind}"),
        ]
        if trial.status == "paused":
            lines.append(t.t("trial.mine.paused"))
        elif trial.status == "ongoing":
            lines.append(t.t("trial.mine.ongoing"))
        lines.append(self.dates_text(ctx, data.dates))
        pause = (
            self.button(t.t("trial.btn.resume"), "resume")
            if trial.status == "paused"
            else self.button(t.t("trial.btn.pause"), "pause")
        )
        rows = [
            [self.button(t.t("trial.btn.timing"), "timing"), pause],
            [self.button(t.t("trial.btn.calendar"), "ics")],
            *([[button(t.t("welcome.btn.ask"), "o", "ask", meeting.id or 0)]] if data.welcoming else []),
            [self.button(t.t("pro.progress.button"), "share")],
            [self.button(t.t("trial.btn.stop"), "stop")],
            nav_row(t),
        ]
        return Reply().add(_with_demo(ctx, meeting, "\n".join(lines)), rows)

    def timing_view(self, ctx: Context, st: TrialState, data: Any) -> Reply:
        rows = [[self.button(ctx.t.t(f"trial.btn.remind.{c}"), "remind", c)] for c in REMIND_CHOICES]
        rows.append([self.button(ctx.t.t("trial.btn.mine"), "start")])
        return Reply().add(ctx.t.t("trial.timing.ask"), rows)

    def stop_view(self, ctx: Context, st: TrialState, data: Any) -> Reply:
        return Reply().add(
            ctx.t.t("trial.stop.ask"),
            [
                [self.button(ctx.t.t("trial.btn.stop_yes"), "stopok")],
                [self.button(ctx.t.t("trial.btn.stop_no"), "start")],
            ],
        )

    def six_view(self, ctx: Context, st: TrialState, data: Any) -> Reply:
        """The reflection at six, and the choice: keep going, try another group, or stop."""
        return (
            Reply()
            .add(ctx.t.t("trial.milestone.6"))
            .add(
                ctx.t.t("trial.six.ask"),
                [
                    [self.button(ctx.t.t("trial.btn.keep_remind"), "keep", 1)],
                    [self.button(ctx.t.t("trial.btn.keep_quiet"), "keep", 0)],
                    [self.button(ctx.t.t("trial.btn.other_group"), "other")],
                    [self.button(ctx.t.t("trial.btn.end"), "end")],
                ],
            )
        )

    def dates_text(self, ctx: Context, occs: list[Occurrence]) -> str:
        """The next dates, one a line; cancelled and moved dates say so."""
        lines = [ctx.t.t("trial.dates.title")]
        for occ in occs:
            when = ctx.t.t("trial.dates.when", date=ctx.t.date(occ.begins), time=ctx.t.time(occ.begins))
            if occ.cancelled:
                when = ctx.t.t("trial.dates.cancelled", date=ctx.t.date(occ.slot.start))
            elif occ.status == "moved":
                when = ctx.t.t("trial.dates.moved", when=when)
            lines.append(f"• {when}")
        return "\n".join(lines)

    async def mine(self, ctx: Context, prefix: Reply | None = None) -> Reply:
        """Go to 'my trial', after an optional message."""
        return (prefix or Reply()).extend(await self.go(ctx, "mine"))

    # --- text -----------------------------------------------------------------------------------

    async def typed_answer(self, ctx: Context, st: TrialState, text: str) -> Reply | None:
        """A typed 'ja' or 'nee' answers the latest open check-in; anything else is not ours."""
        answer = TYPED_ANSWERS.get(text.strip().strip(".!").casefold())
        if answer is None:
            return None
        row_id = await self.store(ctx).open_checkin(ctx.user_key)
        if row_id is None:
            return None
        return await self.checkin(ctx, answer, row_id)

    # --- actions --------------------------------------------------------------------------------

    async def on_new(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        meeting_id, remind = int(args[0]), args[1]
        if remind not in REMIND_CHOICES:
            return None
        store = self.store(ctx)
        if await store.open_trial(ctx.user_key) is not None:
            return await self.mine(ctx)
        meeting = await get_meeting(ctx.db, meeting_id)
        if meeting is None or meeting.id is None or meeting.attendance == "inactive":
            return self.not_found(ctx)
        async with ctx.db.transaction():
            tag = ARRIVALS.take(ctx.user_key, ctx.now)
            trial = await store.start(ctx.user_key, meeting.id, meeting.program, remind, ctx.now, tag)
            await _remember_chat(ctx)
            await top_up(ctx.db, [trial.id], ctx.now)
        return await self.started(ctx, trial, meeting, "trial.started")

    async def offer_again(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        """An old 'remind me' button (e.g. after /stop): ask first, with the offer for that meeting."""
        return Reply().add(ctx.t.t("common.ask_again")).extend(await self.offer(ctx, int(args[0])))

    async def started(self, ctx: Context, trial: Trial, meeting: Meeting, key: str) -> Reply:
        self.enter(ctx, "mine")
        text = "\n\n".join(
            [
                ctx.t.t(key, n=trial.attended, goal=GOAL),
                ctx.t.t(f"trial.mine.remind.{trial.remind}"),
                self.dates_text(ctx, await next_dates(ctx.db, meeting, ctx.now)),
            ]
        )
        rows = [
            [self.button(ctx.t.t("trial.btn.calendar"), "ics")],
            [self.button(ctx.t.t("trial.btn.mine"), "start")],
            nav_row(ctx.t),
        ]
        return Reply().add(_with_demo(ctx, meeting, text), rows)

    async def on_switch(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        meeting_id = int(args[0])
        store = self.store(ctx)
        current = await store.open_trial(ctx.user_key)
        meeting = await get_meeting(ctx.db, meeting_id)
        if meeting is None or meeting.attendance == "inactive":
            return self.not_found(ctx)
        if current is None:
            return await self.offer(ctx, meeting_id)
        if current.program == meeting.program and current.status != "done":
            async with ctx.db.transaction():
                await store.set_meeting(current.id, meeting_id)
                await reschedule(ctx.db, current.id, ctx.now)
            trial = await store.get(current.id)
            if trial is None:
                return await self.mine(ctx)
            return await self.started(ctx, trial, meeting, "trial.switched")
        await store.set_status(current.id, "stopped", ctx.now)
        return await self.offer(ctx, meeting_id)

    async def on_timing(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        return await self.go(ctx, "timing")

    async def on_remind(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        if args[0] not in REMIND_CHOICES:
            return None
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        if trial is None:
            return await self.mine(ctx)
        async with ctx.db.transaction():
            await store.set_remind(trial.id, args[0])
            await reschedule(ctx.db, trial.id, ctx.now)
        return await self.mine(ctx, Reply().add(ctx.t.t("trial.timing.done")))

    async def on_pause(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        if trial is None or trial.status not in ("active", "ongoing"):
            return await self.mine(ctx)
        await store.set_status(trial.id, "paused", ctx.now)
        self.enter(ctx, "mine")
        return Reply().add(
            ctx.t.t("trial.paused"),
            [
                [self.button(ctx.t.t("trial.btn.resume"), "resume")],
                [self.button(ctx.t.t("trial.btn.mine"), "start")],
                nav_row(ctx.t),
            ],
        )

    async def on_resume(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        if trial is None or trial.status != "paused":
            return await self.mine(ctx)
        async with ctx.db.transaction():
            await store.set_status(trial.id, "ongoing" if trial.attended >= GOAL else "active", ctx.now)
            await reschedule(ctx.db, trial.id, ctx.now)
            await _remember_chat(ctx)
        return await self.mine(ctx, Reply().add(ctx.t.t("trial.resumed")))

    async def on_stop(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        if await self.store(ctx).open_trial(ctx.user_key) is None:
            return await self.mine(ctx)
        return await self.go(ctx, "stop")

    async def on_stop_ok(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        trial = await self.store(ctx).open_trial(ctx.user_key)
        if trial is not None:
            await self.end(ctx, trial, "stopped")
        self.enter(ctx, "mine")
        return Reply().add(
            ctx.t.t("trial.stop.done"),
            [[button(ctx.t.t("trial.btn.find_meeting"), "n", "start")], nav_row(ctx.t)],
        )

    async def end(self, ctx: Context, trial: Trial, status: str) -> None:
        """End a trial; without anything else to send, the sealed chat id is dropped too (one transaction)."""
        async with ctx.db.transaction():
            await self.store(ctx).set_status(trial.id, status, ctx.now)
            await forget_chat_if_unneeded(ctx.db, ctx.user_key)

    async def on_ics(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        meeting = await get_meeting(ctx.db, trial.meeting_id) if trial else None
        if meeting is None:
            return await self.mine(ctx)
        occs = await next_dates(ctx.db, meeting, ctx.now, GOAL)
        doc = Document(
            ics_filename(meeting), ics_for(meeting, occs, lang=ctx.lang, now=ctx.now), "text/calendar"
        )
        return Reply().add(
            _with_demo(ctx, meeting, ctx.t.t("trial.ics.text")),
            [[self.button(ctx.t.t("trial.btn.mine"), "start")], nav_row(ctx.t)],
            document=doc,
        )

    # --- answers to reminders and check-ins -----------------------------------------------------

    async def on_going(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        return await self.reminder_answer(ctx, int(args[0]), "going", "trial.going")

    async def on_not_now(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        return await self.reminder_answer(ctx, int(args[0]), "skip", "trial.not_now")

    async def reminder_answer(self, ctx: Context, row_id: int, answer: str, key: str) -> Reply:
        row = await self.store(ctx).answer_reminder(ctx.user_key, row_id, answer)
        if row is None:
            return await self.mine(ctx, Reply().add(ctx.t.t("trial.answer.stale")))
        self.enter(ctx, "mine")
        if answer == "going":
            trial = (await self.store(ctx).trials([row.trial_id])).get(row.trial_id)
            if trial is not None and trial.status != "active":  # weekly mode after six: no check-in comes
                key = "trial.going_weekly"
        return Reply().add(ctx.t.t(key), [[self.button(ctx.t.t("trial.btn.mine"), "start")]])

    async def on_yes(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        return await self.checkin(ctx, "yes", int(args[0]))

    async def on_no(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        return await self.checkin(ctx, "no", int(args[0]))

    async def on_nofit(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        return await self.checkin(ctx, "nofit", int(args[0]))

    async def checkin(self, ctx: Context, answer: str, row_id: int) -> Reply:
        """yes → progress and a warm word (milestones at 1, 3, 6); no → no blame; nofit → other options."""
        trial = await self.store(ctx).answer_checkin(ctx.user_key, row_id, answer, ctx.now)
        if trial is None:
            return await self.mine(ctx, Reply().add(ctx.t.t("trial.answer.stale")))
        self.enter(ctx, "mine")
        mine = [self.button(ctx.t.t("trial.btn.mine"), "start")]
        if answer == "no":
            return Reply().add(ctx.t.t("trial.checkin.no"), [mine])
        progress = ctx.t.t("trial.progress", n=trial.attended, goal=GOAL)
        if trial.attended >= GOAL and trial.status == "done":
            return Reply().add(progress).extend(await self.go(ctx, "six"))
        if answer == "nofit":
            nofit = Reply().add(
                "\n".join([ctx.t.t("trial.checkin.nofit"), progress]),
                [
                    [button(ctx.t.t("trial.btn.same_program"), "n", "start", trial.program)],
                    [button(ctx.t.t("trial.btn.which"), "w", "start")],
                    mine,
                ],
            )
            return await self.met_question(ctx, trial, nofit)
        lines = [progress, ctx.t.t(f"trial.warm.{trial.attended % 3}")]
        if trial.attended in MILESTONES:
            lines.append(ctx.t.t(f"trial.milestone.{trial.attended}"))
        return await self.met_question(ctx, trial, Reply().add("\n".join(lines), [mine]))

    async def met_question(self, ctx: Context, trial: Trial, reply: Reply) -> Reply:
        """After a welcome at this meeting: 'Ben je opgevangen?' is one more tap (counted anonymously)."""
        req = await welcome.met_question(ctx.db, ctx.user_key, trial.meeting_id, ctx.now)
        if req is None:
            return reply
        rows = [
            [button(ctx.t.t("welcome.btn.met_yes"), "o", "met", req.id, 1),
             button(ctx.t.t("welcome.btn.met_no"), "o", "met", req.id, 0)]
        ]  # fmt: skip
        return reply.add(ctx.t.t("welcome.ask.after_checkin"), rows)

    async def on_keep(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        if trial is None or trial.status != "done":
            return await self.mine(ctx)
        if args[0] == "1":
            async with ctx.db.transaction():
                await follows.follow(ctx.db, ctx.user_key, trial.meeting_id, ctx.now)
                if trial.remind == "none":
                    await store.set_remind(trial.id, "morning")
                await store.set_status(trial.id, "ongoing", ctx.now)
                await top_up(ctx.db, [trial.id], ctx.now)
            return await self.mine(ctx, Reply().add(ctx.t.t("trial.keep.remind")))
        async with ctx.db.transaction():
            await follows.follow(ctx.db, ctx.user_key, trial.meeting_id, ctx.now)
            await store.set_status(trial.id, "finished", ctx.now)
        self.enter(ctx, "mine")
        return Reply().add(ctx.t.t("trial.keep.quiet"), [nav_row(ctx.t)])

    async def on_other(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        trial = await self.store(ctx).open_trial(ctx.user_key)
        if trial is not None and trial.status == "done":
            await self.end(ctx, trial, "finished")
        self.enter(ctx, "mine")
        rows = [[button(ctx.t.t("trial.btn.which"), "w", "start")], nav_row(ctx.t)]
        if trial is not None:
            rows.insert(0, [button(ctx.t.t("trial.btn.same_program"), "n", "start", trial.program)])
        return Reply().add(ctx.t.t("trial.other"), rows)

    async def on_end(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        trial = await self.store(ctx).open_trial(ctx.user_key)
        if trial is not None and trial.status == "done":
            await self.end(ctx, trial, "finished")
        self.enter(ctx, "mine")
        return Reply().add(ctx.t.t("trial.ended"), [nav_row(ctx.t)])

    async def on_share(self, ctx: Context, st: TrialState, args: list[str]) -> Reply | None:
        """A message the person can forward to their care worker: made now, with no link back to us."""
        trial = await self.store(ctx).open_trial(ctx.user_key)
        if args or trial is None:
            return None
        card = ctx.t.t("pro.progress.card", n=trial.attended)
        return (
            Reply()
            .add(card, [])
            .add(ctx.t.t("pro.progress.howto"), [[self.button(ctx.t.t("pro.btn.back"), "start")]])
        )

    steps = table(
        {
            "pick": Step(pick_view, text=typed_answer),
            "offer": Step(offer_view, load=load_offer, text=typed_answer),
            "switch": Step(switch_view, load=load_offer, text=typed_answer),
            "mine": Step(mine_view, load=load_mine, text=typed_answer),
            "timing": Step(timing_view, text=typed_answer),
            "stop": Step(stop_view, text=typed_answer),
            "six": Step(six_view, text=typed_answer),
        }
    )
    actions = table(
        {
            "new": Action(on_new, only_from=("offer",), reenter=offer_again),
            "switch": Action(on_switch),
            "timing": Action(on_timing),
            "remind": Action(on_remind),
            "pause": Action(on_pause),
            "resume": Action(on_resume),
            "stop": Action(on_stop),
            "stopok": Action(on_stop_ok),
            "ics": Action(on_ics),
            "go": Action(on_going),
            "skip": Action(on_not_now),
            "yes": Action(on_yes),
            "no": Action(on_no),
            "nofit": Action(on_nofit),
            "keep": Action(on_keep),
            "other": Action(on_other),
            "end": Action(on_end),
            "share": Action(on_share),
        }
    )


def _first_start(meeting: Meeting, ctx: Context) -> datetime:
    """The meeting's next start, for 'dinsdag 19:30'."""
    day = upcoming(meeting, ctx.now, 1)[0]
    return slot_on(day, meeting.start_time, meeting.end_time, meeting.timezone).start


async def _remember_chat(ctx: Context) -> None:
    """Keep the sealed chat id; the user row is saved first, since a first-ever input has none yet."""
    await ctx.services.users.save(ctx.user_key, ctx.lang, ctx.state, ctx.now)
    await ctx.remember_chat()


def _with_demo(ctx: Context, meeting: Meeting, text: str) -> str:
    """Demo meetings are labelled as such in every message that shows them."""
    return f"{text}\n\n{ctx.t.t('trial.demo')}" if meeting.is_demo else text
