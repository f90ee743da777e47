"""For professionals in addiction care (prefix 'p'): practical information, referral links for a team,
and anonymous figures per link. The maker of a link is a pseudonymous "verwijzer": no invite, no name.

Buttons: p:start, p:topic:<id>, p:phase, p:make:<phase>, p:figures.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from conversations.buttons import button
from conversations.context import Context
from conversations.flows.base import Action, Flow, Step, table
from conversations.types import Button, Document, Reply
from storage.referrers import PHASES, TagFigures, create_tag, tag_figures, tags_of

TOPICS = ("what", "refer", "doubts", "which", "anonymous")
Figures = tuple[list[tuple[str, str]], list[TagFigures]]  # (tag, phase) of my links, and their months
PHASE_PAYLOADS = {"intake": "intake", "wachtlijst": "wachtlijst", "nazorg": "nazorg"}


@dataclass(slots=True)
class ProState:
    """Which topic shows, and the tag just made (to show its link again)."""

    topic: str = ""
    tag: str = ""
    phase: str = ""


def link_for(ctx: Context, phase: str, tag: str) -> str:
    """The team's t.me link: it opens the entry for that moment of care and counts the tag."""
    username = ctx.services.settings.bot_username.lstrip("@")
    return f"https://t.me/{username}?start={PHASE_PAYLOADS[phase]}--{tag}"


def qr_png(url: str) -> bytes:
    """A QR code image of a link, for a poster or a leaflet."""
    import segno  # only when a QR code is made (issue 13: RSS)

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=10, border=4)
    return buf.getvalue()


class ProFlow(Flow[ProState]):
    """What a professional needs to refer well, and to hear back without breaking anyone's anonymity."""

    name = "pro"
    prefix = "p"
    State = ProState
    first = "home"

    # --- actions --------------------------------------------------------------------------------

    async def on_topic(self, ctx: Context, st: ProState, args: list[str]) -> Reply | None:
        if len(args) == 1 and args[0] in TOPICS:
            return await self.go(ctx, "topic", ProState(topic=args[0]))
        return None

    async def on_home(self, ctx: Context, st: ProState, args: list[str]) -> Reply | None:
        return None if args else await self.go(ctx, "home")

    async def on_phase(self, ctx: Context, st: ProState, args: list[str]) -> Reply | None:
        return None if args else await self.go(ctx, "phase")

    async def on_make(self, ctx: Context, st: ProState, args: list[str]) -> Reply | None:
        if len(args) != 1 or args[0] not in PHASES:
            return None
        tag = await create_tag(ctx.db, ctx.user_key, args[0], ctx.now)
        if tag is None:
            return Reply().add(ctx.t.t("pro.link.too_many")).extend(await self.go(ctx, "figures"))
        return await self.go(ctx, "link", ProState(tag=tag, phase=args[0]))

    async def on_figures(self, ctx: Context, st: ProState, args: list[str]) -> Reply | None:
        return None if args else await self.go(ctx, "figures")

    # --- getters --------------------------------------------------------------------------------

    async def load_figures(
        self, ctx: Context, st: ProState
    ) -> tuple[list[tuple[str, str]], list[TagFigures]]:
        tags = await tags_of(ctx.db, ctx.user_key)
        return tags, await tag_figures(ctx.db, [t for t, _ in tags])

    # --- screens --------------------------------------------------------------------------------

    def home_view(self, ctx: Context, st: ProState, data: Any) -> Reply:
        t = ctx.t
        rows = [[self.button(t.t(f"pro.topic.{k}.title"), "topic", k)] for k in TOPICS]
        rows.append([self.button(t.t("pro.btn.make_link"), "phase")])
        rows.append([self.button(t.t("pro.btn.figures"), "figures")])
        return Reply().add(t.t("pro.home"), rows)

    def topic_view(self, ctx: Context, st: ProState, data: Any) -> Reply:
        t = ctx.t
        topic = st.topic if st.topic in TOPICS else TOPICS[0]
        rows = [[self.button(t.t("pro.btn.make_link"), "phase")], [self.button(t.t("pro.btn.back"), "home")]]
        return Reply().add(t.t(f"pro.topic.{topic}.text"), rows)

    def phase_view(self, ctx: Context, st: ProState, data: Any) -> Reply:
        t = ctx.t
        rows = [[self.button(t.t(f"pro.phase.{p}"), "make", p)] for p in PHASES]
        rows.append([self.button(t.t("pro.btn.back"), "home")])
        return Reply().add(t.t("pro.phase.ask"), rows)

    def link_view(self, ctx: Context, st: ProState, data: Any) -> Reply:
        t = ctx.t
        if st.phase not in PHASES or not st.tag:
            return self.phase_view(ctx, st, data)
        url = link_for(ctx, st.phase, st.tag)
        rows = [[self.button(t.t("pro.btn.figures"), "figures")], [self.button(t.t("pro.btn.back"), "home")]]
        reply = Reply().add(t.t("pro.link.made", url=url, tag=st.tag, phase=t.t(f"pro.phase.{st.phase}")))
        qr = Document(f"eerstestap-{st.tag}.png", qr_png(url), "image/png")
        return reply.add(t.t("pro.link.qr"), rows, document=qr)

    def figures_view(self, ctx: Context, st: ProState, data: Any) -> Reply:
        t = ctx.t
        tags, figures = data
        rows = [[self.button(t.t("pro.btn.make_link"), "phase")], [self.button(t.t("pro.btn.back"), "home")]]
        if not tags:
            return Reply().add(t.t("pro.figures.none"), rows)
        lines = [t.t("pro.figures.intro")]
        by_tag: dict[str, list[TagFigures]] = {}
        for f in figures:
            by_tag.setdefault(f.tag, []).append(f)
        for tag, phase in tags:
            lines.append(t.t("pro.figures.tag", tag=tag, phase=t.t(f"pro.phase.{phase}")))
            months = by_tag.get(tag) or []
            if not months:
                lines.append(t.t("pro.figures.nothing_yet"))
            for f in months[:6]:
                lines.append(t.t("pro.figures.month", month=f.month, **f.masked()))
        return Reply().add("\n".join(lines), rows)

    steps = table(
        {
            "home": Step(home_view),
            "topic": Step(topic_view),
            "phase": Step(phase_view),
            "link": Step(link_view),
            "figures": Step(figures_view, load=load_figures),
        }
    )
    actions = table(
        {
            "topic": Action(on_topic),
            "home": Action(on_home),
            "phase": Action(on_phase),
            "make": Action(on_make),
            "figures": Action(on_figures),
        }
    )


def pro_entry_button(ctx: Context) -> Button:
    """'Ik ben hulpverlener': the way in from the privacy/about screen."""
    return button(ctx.t.t("pro.btn.iam"), "p", "start")
