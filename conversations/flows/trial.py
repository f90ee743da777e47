"""The six-meeting trial (prefix 't'): start from a meeting card, choose reminders, see the next six dates,
answer check-ins, pause, stop, and decide at six. Reminders themselves come from conversations.reminders.
"""

from __future__ import annotations

import re
from datetime import datetime

from conversations import reminders  # noqa: F401  (registers the reminder source)
from conversations.calendar import ics_filename, ics_for
from conversations.context import Context
from conversations.flows.base import Flow
from conversations.flows.common import nav_row
from conversations.trial_schedule import REMIND_CHOICES, next_dates, reschedule, top_up, upcoming
from conversations.types import Button, Document, Reply
from storage import follows
from storage.meeting import Meeting, get_meeting
from storage.occurrences import Occurrence, slot_on
from storage.support import forget_chat_if_unneeded
from storage.trials import GOAL, Trial, TrialStore

MEETING_ARG = re.compile(r"^m(\d{1,12})$")
PROGRAM_ARG = re.compile(r"^[A-Z]{2,8}$")
MILESTONES = (1, 3)
TYPED_ANSWERS = {"ja": "yes", "yes": "yes", "j": "yes", "y": "yes", "nee": "no", "no": "no", "n": "no"}


class TrialFlow(Flow):
    """A gentle companion through six meetings."""

    name = "trial"
    prefix = "t"

    # --- entry ----------------------------------------------------------------------------------

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        """'m<id>': offer a trial for that meeting; '<PROGRAM>': pick a meeting first; '': my trial."""
        if m := MEETING_ARG.match(arg):
            return await self.offer(ctx, int(m.group(1)))
        if PROGRAM_ARG.match(arg):
            ctx.goto("trial", "pick", program=arg)
            return Reply().add(
                ctx.t.t("trial.pick.text"),
                [[Button(ctx.t.t("trial.btn.find_meeting"), f"n:start:{arg}")], self.home_row(ctx)],
            )
        return await self.mine(ctx)

    async def show(self, ctx: Context) -> Reply:
        if ctx.step == "offer" and isinstance(ctx.data.get("mid"), int):
            return await self.offer(ctx, ctx.data["mid"])
        if ctx.step == "pick" and isinstance(ctx.data.get("program"), str):
            return await self.start(ctx, ctx.data["program"])
        return await self.mine(ctx)

    def home_row(self, ctx: Context) -> list[Button]:
        """The way out: menu and urgent help."""
        return nav_row(ctx.t)

    def store(self, ctx: Context) -> TrialStore:
        return TrialStore(ctx.db)

    async def offer(self, ctx: Context, meeting_id: int) -> Reply:
        """Explain the trial and ask when to remind (or offer to switch an open trial to this meeting)."""
        meeting = await get_meeting(ctx.db, meeting_id)
        if meeting is None or meeting.attendance == "inactive":
            return self.not_found(ctx)
        current = await self.store(ctx).open_trial(ctx.user_key)
        if current is not None and current.meeting_id == meeting_id:
            return await self.mine(ctx)
        if current is not None:
            ctx.goto("trial", "switch", mid=meeting_id)
            same = current.program == meeting.program
            text = ctx.t.t("trial.switch.same" if same else "trial.switch.other", n=current.attended)
            return Reply().add(
                text,
                [
                    [self.button(ctx.t.t("trial.btn.switch"), "switch", meeting_id)],
                    [self.button(ctx.t.t("trial.btn.keep_current"), "start")],
                ],
            )
        ctx.goto("trial", "offer", mid=meeting_id)
        reply = Reply().add(ctx.t.t("trial.offer.intro"))
        rows = [[self.button(ctx.t.t(f"trial.btn.remind.{c}"), "new", meeting_id, c)] for c in REMIND_CHOICES]
        rows.append(self.home_row(ctx))
        text = ctx.t.t("trial.offer.when", when=ctx.t.day_time(_first_start(meeting, ctx)))
        return reply.add(_with_demo(ctx, meeting, text), rows)

    def not_found(self, ctx: Context) -> Reply:
        return Reply().add(
            ctx.t.t("trial.meeting_gone"),
            [[Button(ctx.t.t("trial.btn.find_meeting"), "n:start")], self.home_row(ctx)],
        )

    # --- my trial -------------------------------------------------------------------------------

    async def mine(self, ctx: Context, prefix: Reply | None = None) -> Reply:
        """Status, progress, next dates and what can be changed."""
        ctx.goto("trial", "mine")
        reply = prefix or Reply()
        trial = await self.store(ctx).open_trial(ctx.user_key)
        if trial is None:
            return reply.add(
                ctx.t.t("trial.none"),
                [
                    [Button(ctx.t.t("trial.btn.find_meeting"), "n:start")],
                    [Button(ctx.t.t("trial.btn.which"), "w:start")],
                    self.home_row(ctx),
                ],
            )
        meeting = await get_meeting(ctx.db, trial.meeting_id)
        if meeting is None:
            return reply.add(
                ctx.t.t("trial.meeting_gone"), [[self.button(ctx.t.t("trial.btn.stop"), "stop")]]
            )
        if trial.status == "done":
            return reply.extend(self.six_choice(ctx))
        if meeting.attendance == "inactive":
            return reply.add(
                ctx.t.t("trial.meeting_closed", n=trial.attended, goal=GOAL),
                [
                    [Button(ctx.t.t("trial.btn.same_program"), f"n:start:{trial.program}")],
                    [self.button(ctx.t.t("trial.btn.stop"), "stop")],
                    self.home_row(ctx),
                ],
            )
        lines = [
            ctx.t.t("trial.mine.meeting", name=meeting.name, when=ctx.t.day_time(_first_start(meeting, ctx))),
            ctx.t.t("trial.mine.progress", n=trial.attended, goal=GOAL),
            ctx.t.t(f"trial.mine.remind.{trial.remind}"),
        ]
        if trial.status == "paused":
            lines.append(ctx.t.t("trial.mine.paused"))
        elif trial.status == "ongoing":
            lines.append(ctx.t.t("trial.mine.ongoing"))
        lines.append(self.dates_text(ctx, await next_dates(ctx.db, meeting, ctx.now)))
        pause = (
            self.button(ctx.t.t("trial.btn.resume"), "resume")
            if trial.status == "paused"
            else self.button(ctx.t.t("trial.btn.pause"), "pause")
        )
        rows = [
            [self.button(ctx.t.t("trial.btn.timing"), "timing"), pause],
            [self.button(ctx.t.t("trial.btn.calendar"), "ics")],
            [self.button(ctx.t.t("trial.btn.stop"), "stop")],
            self.home_row(ctx),
        ]
        return reply.add(_with_demo(ctx, meeting, "\n".join(lines)), rows)

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

    async def on_text(self, ctx: Context, text: str) -> Reply | None:
        """A typed 'ja' or 'nee' answers the latest open check-in; anything else is not ours."""
        answer = TYPED_ANSWERS.get(text.strip().strip(".!").casefold())
        if answer is None:
            return None
        row_id = await self.store(ctx).open_checkin(ctx.user_key)
        if row_id is None:
            return None
        return await self.on_checkin(ctx, answer, [str(row_id)])

    # --- buttons --------------------------------------------------------------------------------

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        handler = {
            "new": self.on_new,
            "switch": self.on_switch,
            "timing": self.on_timing,
            "remind": self.on_remind,
            "pause": self.on_pause,
            "resume": self.on_resume,
            "stop": self.on_stop,
            "stopok": self.on_stop_ok,
            "ics": self.on_ics,
            "go": self.on_going,
            "skip": self.on_not_now,
            "yes": self.on_checkin,
            "no": self.on_checkin,
            "nofit": self.on_checkin,
            "keep": self.on_keep,
            "other": self.on_other,
            "end": self.on_end,
        }.get(action)
        if handler is None:
            return None
        try:
            return await handler(ctx, action, args)
        except (ValueError, IndexError):
            return None  # a forged or stale button: the engine answers kindly

    async def on_new(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        meeting_id, remind = int(args[0]), args[1]
        if remind not in REMIND_CHOICES:
            return None
        store = self.store(ctx)
        if await store.open_trial(ctx.user_key) is not None:
            return await self.mine(ctx)
        meeting = await get_meeting(ctx.db, meeting_id)
        if meeting is None or meeting.attendance == "inactive":
            return self.not_found(ctx)
        trial = await store.start(ctx.user_key, meeting.id, meeting.program, remind, ctx.now)
        await _remember_chat(ctx)
        await top_up(ctx.db, [trial.id], ctx.now)
        return await self.started(ctx, trial, meeting, "trial.started")

    async def started(self, ctx: Context, trial: Trial, meeting: Meeting, key: str) -> Reply:
        ctx.goto("trial", "mine")
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
            self.home_row(ctx),
        ]
        return Reply().add(_with_demo(ctx, meeting, text), rows)

    async def on_switch(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        meeting_id = int(args[0])
        store = self.store(ctx)
        current = await store.open_trial(ctx.user_key)
        meeting = await get_meeting(ctx.db, meeting_id)
        if meeting is None or meeting.attendance == "inactive":
            return self.not_found(ctx)
        if current is None:
            return await self.offer(ctx, meeting_id)
        if current.program == meeting.program and current.status != "done":
            await store.set_meeting(current.id, meeting_id)
            await reschedule(ctx.db, current.id, ctx.now)
            trial = await store.get(current.id)
            assert trial is not None
            return await self.started(ctx, trial, meeting, "trial.switched")
        await store.set_status(current.id, "stopped", ctx.now)
        return await self.offer(ctx, meeting_id)

    async def on_timing(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        ctx.goto("trial", "timing")
        rows = [[self.button(ctx.t.t(f"trial.btn.remind.{c}"), "remind", c)] for c in REMIND_CHOICES]
        rows.append([self.button(ctx.t.t("trial.btn.mine"), "start")])
        return Reply().add(ctx.t.t("trial.timing.ask"), rows)

    async def on_remind(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        if args[0] not in REMIND_CHOICES:
            return None
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        if trial is None:
            return await self.mine(ctx)
        await store.set_remind(trial.id, args[0])
        await reschedule(ctx.db, trial.id, ctx.now)
        return await self.mine(ctx, Reply().add(ctx.t.t("trial.timing.done")))

    async def on_pause(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        if trial is None or trial.status not in ("active", "ongoing"):
            return await self.mine(ctx)
        await store.set_status(trial.id, "paused", ctx.now)
        ctx.goto("trial", "mine")
        return Reply().add(
            ctx.t.t("trial.paused"),
            [
                [self.button(ctx.t.t("trial.btn.resume"), "resume")],
                [self.button(ctx.t.t("trial.btn.mine"), "start")],
                self.home_row(ctx),
            ],
        )

    async def on_resume(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        if trial is None or trial.status != "paused":
            return await self.mine(ctx)
        await store.set_status(trial.id, "ongoing" if trial.attended >= GOAL else "active", ctx.now)
        await reschedule(ctx.db, trial.id, ctx.now)
        await _remember_chat(ctx)
        return await self.mine(ctx, Reply().add(ctx.t.t("trial.resumed")))

    async def on_stop(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        if await self.store(ctx).open_trial(ctx.user_key) is None:
            return await self.mine(ctx)
        ctx.goto("trial", "stop")
        return Reply().add(
            ctx.t.t("trial.stop.ask"),
            [
                [self.button(ctx.t.t("trial.btn.stop_yes"), "stopok")],
                [self.button(ctx.t.t("trial.btn.stop_no"), "start")],
            ],
        )

    async def on_stop_ok(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        trial = await self.store(ctx).open_trial(ctx.user_key)
        if trial is not None:
            await self.end(ctx, trial, "stopped")
        ctx.goto("trial", "mine")
        return Reply().add(
            ctx.t.t("trial.stop.done"),
            [[Button(ctx.t.t("trial.btn.find_meeting"), "n:start")], self.home_row(ctx)],
        )

    async def end(self, ctx: Context, trial: Trial, status: str) -> None:
        """End a trial; without anything else to send, the sealed chat id is dropped too."""
        store = self.store(ctx)
        await store.set_status(trial.id, status, ctx.now)
        await forget_chat_if_unneeded(ctx.db, ctx.user_key)

    async def on_ics(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        info = await get_meeting(ctx.db, trial.meeting_id) if trial else None
        meeting = info
        if info is None or meeting is None:
            return await self.mine(ctx)
        occs = await next_dates(ctx.db, info, ctx.now, GOAL)
        doc = Document(
            ics_filename(meeting), ics_for(meeting, occs, lang=ctx.lang, now=ctx.now), "text/calendar"
        )
        return Reply().add(
            _with_demo(ctx, info, ctx.t.t("trial.ics.text")),
            [[self.button(ctx.t.t("trial.btn.mine"), "start")], self.home_row(ctx)],
            document=doc,
        )

    # --- answers to reminders and check-ins -----------------------------------------------------

    async def on_going(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        row = await self.store(ctx).answer_reminder(ctx.user_key, int(args[0]), "going")
        if row is None:
            return await self.mine(ctx, Reply().add(ctx.t.t("trial.answer.stale")))
        ctx.goto("trial", "mine")
        return Reply().add(ctx.t.t("trial.going"), [[self.button(ctx.t.t("trial.btn.mine"), "start")]])

    async def on_not_now(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        row = await self.store(ctx).answer_reminder(ctx.user_key, int(args[0]), "skip")
        if row is None:
            return await self.mine(ctx, Reply().add(ctx.t.t("trial.answer.stale")))
        ctx.goto("trial", "mine")
        return Reply().add(ctx.t.t("trial.not_now"), [[self.button(ctx.t.t("trial.btn.mine"), "start")]])

    async def on_checkin(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        """yes → progress and a warm word (milestones at 1, 3, 6); no → no blame; nofit → other options."""
        trial = await self.store(ctx).answer_checkin(ctx.user_key, int(args[0]), action, ctx.now)
        if trial is None:
            return await self.mine(ctx, Reply().add(ctx.t.t("trial.answer.stale")))
        ctx.goto("trial", "mine")
        mine = [self.button(ctx.t.t("trial.btn.mine"), "start")]
        if action == "no":
            return Reply().add(ctx.t.t("trial.checkin.no"), [mine])
        progress = ctx.t.t("trial.progress", n=trial.attended, goal=GOAL)
        if trial.attended >= GOAL and trial.status == "done":
            return Reply().add(progress).extend(self.six_choice(ctx))
        if action == "nofit":
            return Reply().add(
                "\n".join([ctx.t.t("trial.checkin.nofit"), progress]),
                [
                    [Button(ctx.t.t("trial.btn.same_program"), f"n:start:{trial.program}")],
                    [Button(ctx.t.t("trial.btn.which"), "w:start")],
                    mine,
                ],
            )
        lines = [progress, ctx.t.t(f"trial.warm.{trial.attended % 3}")]
        if trial.attended in MILESTONES:
            lines.append(ctx.t.t(f"trial.milestone.{trial.attended}"))
        return Reply().add("\n".join(lines), [mine])

    def six_choice(self, ctx: Context) -> Reply:
        """The reflection at six, and the choice: keep going, try another group, or stop."""
        ctx.goto("trial", "six")
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

    async def on_keep(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        store = self.store(ctx)
        trial = await store.open_trial(ctx.user_key)
        if trial is None or trial.status != "done":
            return await self.mine(ctx)
        await follows.follow(ctx.db, ctx.user_key, trial.meeting_id, ctx.now)
        if args[0] == "1":
            if trial.remind == "none":
                await store.set_remind(trial.id, "morning")
            await store.set_status(trial.id, "ongoing", ctx.now)
            await top_up(ctx.db, [trial.id], ctx.now)
            return await self.mine(ctx, Reply().add(ctx.t.t("trial.keep.remind")))
        await store.set_status(trial.id, "finished", ctx.now)
        ctx.goto("trial", "mine")
        return Reply().add(ctx.t.t("trial.keep.quiet"), [self.home_row(ctx)])

    async def on_other(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        trial = await self.store(ctx).open_trial(ctx.user_key)
        if trial is not None and trial.status == "done":
            await self.end(ctx, trial, "finished")
        ctx.goto("trial", "mine")
        rows = [[Button(ctx.t.t("trial.btn.which"), "w:start")], self.home_row(ctx)]
        if trial is not None:
            rows.insert(0, [Button(ctx.t.t("trial.btn.same_program"), f"n:start:{trial.program}")])
        return Reply().add(ctx.t.t("trial.other"), rows)

    async def on_end(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        trial = await self.store(ctx).open_trial(ctx.user_key)
        if trial is not None and trial.status == "done":
            await self.end(ctx, trial, "finished")
        ctx.goto("trial", "mine")
        return Reply().add(ctx.t.t("trial.ended"), [self.home_row(ctx)])


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


FLOW = TrialFlow()
