"""Information: what a self-help group is, more topics, and a profile page per fellowship.

Buttons: l:start[:<topic>|groups|<PROGRAM>], l:t:<topic>:<part>, l:f:<PROGRAM>, l:topics, l:groups.
`start(ctx, "relatives")` and `start(ctx, "waitlist")` open those topics (deep links and the menu use them).
"""

from __future__ import annotations

from content.loader import PROGRAMS, Fellowship, Topic, fellowships, load_all, topics
from conversations.context import Context
from conversations.crisis import rules
from conversations.flows.base import Flow
from conversations.types import Button, Reply

FIRST_TOPIC = "what"

# Validate the guidance content and crisis phrases when the flows are loaded, so that a bad edit stops the
# bot at start-up with a clear ContentError instead of failing in the middle of a conversation.
load_all()
rules()


class LearnFlow(Flow):
    """Topics about self-help groups and the fellowship profiles."""

    name = "learn"
    prefix = "l"

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        arg = arg.strip()
        if arg in PROGRAMS:
            return self.profile(ctx, arg)
        if arg == "groups":
            return self.groups(ctx)
        if arg == "topics":
            return self.index(ctx)
        return self.topic(ctx, arg if arg in topics() else FIRST_TOPIC, 1)

    async def show(self, ctx: Context) -> Reply:
        data = ctx.data
        if ctx.step == "topic" and data.get("topic") in topics():
            return self.topic(ctx, str(data["topic"]), int(data.get("part", 1)))
        if ctx.step == "profile" and data.get("program") in PROGRAMS:
            return self.profile(ctx, str(data["program"]))
        if ctx.step == "groups":
            return self.groups(ctx)
        return self.index(ctx)

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        if action == "t" and len(args) == 2 and args[0] in topics() and args[1].isdigit():
            part = int(args[1])
            if 1 <= part <= topics()[args[0]].parts:
                return self.topic(ctx, args[0], part)
            return None
        if action == "f" and len(args) == 1 and args[0] in PROGRAMS:
            return self.profile(ctx, args[0])
        if action == "topics" and not args:
            return self.index(ctx)
        if action == "groups" and not args:
            return self.groups(ctx)
        return None

    # ------------------------------------------------------------------------------------- screens

    def index(self, ctx: Context) -> Reply:
        """The list of topics."""
        ctx.goto(self.name, "index")
        t = ctx.t
        rows = [[self.button(t.t(topic.title_key), "t", topic.id, 1)] for topic in topics().values()]
        rows.append([self.button(t.t("learn.btn.groups"), "groups")])
        rows.append([Button(t.t("learn.btn.which"), "w:start")])
        return Reply().add(t.t("learn.intro"), rows)

    def topic(self, ctx: Context, topic_id: str, part: int) -> Reply:
        """One part of a topic; the last part offers related topics (and groups, for relatives)."""
        topic = topics()[topic_id]
        ctx.goto(self.name, "topic", topic=topic_id, part=part)
        t = ctx.t
        reply = Reply()
        if part < topic.parts:
            rows = [[self.button(t.t("learn.btn.more"), "t", topic_id, part + 1)]]
            rows.append([self.button(t.t("learn.btn.topics"), "topics")])
            return reply.add(t.t(topic.part_key(part)), rows)
        reply.add(t.t(topic.part_key(part)))
        if topic.programs:
            reply.add(t.t("learn.relatives.programs"), self._program_rows(ctx, topic.programs))
        return reply.add(t.t("learn.related"), self._related_rows(ctx, topic))

    def _related_rows(self, ctx: Context, topic: Topic) -> list[list[Button]]:
        t = ctx.t
        rows = [[self.button(t.t(topics()[rel].title_key), "t", rel, 1)] for rel in topic.related]
        rows.append([Button(t.t("learn.btn.which"), "w:start")])
        rows.append(
            [self.button(t.t("learn.btn.topics"), "topics"), self.button(t.t("learn.btn.groups"), "groups")]
        )
        return rows

    def _program_rows(self, ctx: Context, programs: tuple[str, ...]) -> list[list[Button]]:
        profiles = fellowships()
        return [[self.button(profiles[p].text(ctx.lang, "name"), "f", p)] for p in programs]

    def groups(self, ctx: Context) -> Reply:
        """Every fellowship, as buttons to its profile."""
        ctx.goto(self.name, "groups")
        rows = self._program_rows(ctx, PROGRAMS)
        rows.append([self.button(ctx.t.t("learn.btn.topics"), "topics")])
        return Reply().add(ctx.t.t("learn.groups.intro"), rows)

    def profile(self, ctx: Context, program: str) -> Reply:
        """A fellowship's profile: for whom, approach, a meeting, how to reach it."""
        ctx.goto(self.name, "profile", program=program)
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
        rows.append([Button(t.t("learn.btn.meetings"), f"n:start:{program}")])
        rows.append([Button(t.t("learn.btn.trial"), f"t:start:{program}")])
        rows.append(
            [self.button(t.t("learn.btn.groups"), "groups"), self.button(t.t("learn.btn.topics"), "topics")]
        )
        return reply.add(contact_text(ctx, fellowship), rows)


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


FLOW = LearnFlow()


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
