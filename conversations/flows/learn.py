"""Information: what a self-help group is, more topics, and a profile page per fellowship.

Buttons: l:start[:<topic>|groups|topics|<PROGRAM>], l:t:<topic>:<part>, l:f:<PROGRAM>, l:topics, l:groups.
`start(ctx, "relatives")` and `start(ctx, "waitlist")` open those topics (deep links and the menu use them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from content.loader import PROGRAMS, Fellowship, Topic, fellowships, topics
from conversations.buttons import button
from conversations.context import Context
from conversations.flows.base import Action, Flow, Step, table
from conversations.types import Button, Reply

FIRST_TOPIC = "what"


@dataclass(slots=True)
class LearnState:
    """Which topic part or profile is showing."""

    topic: str = FIRST_TOPIC
    part: int = 1
    program: str = ""


class LearnFlow(Flow[LearnState]):
    """Topics about self-help groups and the fellowship profiles."""

    name = "learn"
    prefix = "l"
    State = LearnState
    first = "index"

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        arg = arg.strip()
        if arg in PROGRAMS:
            return await self.go(ctx, "profile", LearnState(program=arg))
        if arg == "groups":
            return await self.go(ctx, "groups")
        if arg == "topics":
            return await self.go(ctx, "index")
        return await self.go(ctx, "topic", LearnState(topic=arg if arg in topics() else FIRST_TOPIC))

    # --- actions --------------------------------------------------------------------------------

    async def on_topic(self, ctx: Context, st: LearnState, args: list[str]) -> Reply | None:
        if len(args) == 2 and args[0] in topics() and args[1].isdigit():
            part = int(args[1])
            if 1 <= part <= topics()[args[0]].parts:
                return await self.go(ctx, "topic", LearnState(topic=args[0], part=part))
        return None

    async def on_profile(self, ctx: Context, st: LearnState, args: list[str]) -> Reply | None:
        if len(args) == 1 and args[0] in PROGRAMS:
            return await self.go(ctx, "profile", LearnState(program=args[0]))
        return None

    async def on_topics(self, ctx: Context, st: LearnState, args: list[str]) -> Reply | None:
        return None if args else await self.go(ctx, "index")

    async def on_groups(self, ctx: Context, st: LearnState, args: list[str]) -> Reply | None:
        return None if args else await self.go(ctx, "groups")

    # --- screens --------------------------------------------------------------------------------

    def index(self, ctx: Context, st: LearnState, data: Any) -> Reply:
        """The list of topics."""
        t = ctx.t
        rows = [[self.button(t.t(topic.title_key), "t", topic.id, 1)] for topic in topics().values()]
        rows.append([self.button(t.t("learn.btn.groups"), "groups")])
        rows.append([button(t.t("learn.btn.which"), "w", "start")])
        return Reply().add(t.t("learn.intro"), rows)

    def topic(self, ctx: Context, st: LearnState, data: Any) -> Reply:
        """One part of a topic; the last part offers related topics (and groups, for relatives)."""
        if st.topic not in topics():
            return self.index(ctx, st, data)
        topic = topics()[st.topic]
        part = min(max(st.part, 1), topic.parts)
        t = ctx.t
        reply = Reply()
        if part < topic.parts:
            rows = [[self.button(t.t("learn.btn.more"), "t", topic.id, part + 1)]]
            rows.append([self.button(t.t("learn.btn.topics"), "topics")])
            return reply.add(t.t(topic.part_key(part)), rows)
        reply.add(t.t(topic.part_key(part)))
        if topic.programs:
            reply.add(t.t("learn.relatives.programs"), self._program_rows(ctx, topic.programs))
        return reply.add(t.t("learn.related"), self._related_rows(ctx, topic))

    def _related_rows(self, ctx: Context, topic: Topic) -> list[list[Button]]:
        t = ctx.t
        rows = [[self.button(t.t(topics()[rel].title_key), "t", rel, 1)] for rel in topic.related]
        rows.append([button(t.t("learn.btn.which"), "w", "start")])
        rows.append(
            [self.button(t.t("learn.btn.topics"), "topics"), self.button(t.t("learn.btn.groups"), "groups")]
        )
        return rows

    def _program_rows(self, ctx: Context, programs: tuple[str, ...]) -> list[list[Button]]:
        profiles = fellowships()
        return [[self.button(profiles[p].text(ctx.lang, "name"), "f", p)] for p in programs]

    def groups(self, ctx: Context, st: LearnState, data: Any) -> Reply:
        """Every fellowship, as buttons to its profile."""
        rows = self._program_rows(ctx, PROGRAMS)
        rows.append([self.button(ctx.t.t("learn.btn.topics"), "topics")])
        return Reply().add(ctx.t.t("learn.groups.intro"), rows)

    def profile(self, ctx: Context, st: LearnState, data: Any) -> Reply:
        """A fellowship's profile: for whom, approach, a meeting, how to reach it."""
        if st.program not in PROGRAMS:
            return self.groups(ctx, st, data)
        program = st.program
        fellowship = fellowships()[program]
        t, lang = ctx.t, ctx.lang
        reply = Reply().add(
            t.t(
                "learn.profile.title",
                name=fellowship.text(lang, "name"),
                for_whom=fellowship.text(lang, "for_whom"),
            )
        )
        reply.add(fellowship.text(lang, "approach") + medication_line(ctx, program))
        reply.add(fellowship.text(lang, "meeting"))
        rows: list[list[Button]] = []
        if fellowship.contact.website:
            rows.append([Button(t.t("learn.btn.website"), url=fellowship.contact.website)])
        rows.append([button(t.t("learn.btn.meetings"), "n", "start", program)])
        rows.append([button(t.t("learn.btn.trial"), "t", "start", program)])
        rows.append(
            [self.button(t.t("learn.btn.groups"), "groups"), self.button(t.t("learn.btn.topics"), "topics")]
        )
        return reply.add(contact_text(ctx, fellowship), rows)

    steps = table(
        {
            "index": Step(index),
            "topic": Step(topic),
            "groups": Step(groups),
            "profile": Step(profile),
        }
    )
    actions = table(
        {
            "t": Action(on_topic),
            "f": Action(on_profile),
            "topics": Action(on_topics),
            "groups": Action(on_groups),
        }
    )


def contact_text(ctx: Context, fellowship: Fellowship) -> str:
    """Website and phone, and an honest word about how current they are."""
    t, contact = ctx.t, fellowship.contact
    lines = []
    if contact.website:
        lines.append(t.t("learn.profile.website", url=contact.website.removeprefix("https://")))
    if contact.phone:
        lines.append(t.t("learn.profile.phone", phone=contact.phone))
    if not lines:
        return t.t("learn.profile.no_contact")
    if contact.verified and contact.verified_on is not None:
        lines.append(t.t("learn.profile.verified", date=t.short_date(contact.verified_on)))
    else:
        key = "learn.profile.unverified" if contact.website else "learn.profile.unverified_no_site"
        lines.append("")
        lines.append(t.t(key))
    return "\n".join(lines)


# NA groups differ on substitution medication such as methadone (source 000); the others leave it to
# the doctor.
MEDICATION = {"NA": "learn.profile.medication.NA"}


def medication_line(ctx: Context, program: str) -> str:
    """What a group thinks of medication from a doctor, per fellowship (not for relatives' groups)."""
    fellowship = fellowships()[program]
    if fellowship.for_relatives and fellowship.abstinence == "none":
        return ""
    if program == "DD":  # its approach says it already
        return ""
    return "\n" + ctx.t.t(MEDICATION.get(program, "learn.profile.medication.any"))
