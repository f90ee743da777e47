"""Information: what a self-help group is, and more topics (filled in by the guidance issue)."""

from __future__ import annotations

from conversations.context import Context
from conversations.flows.base import Flow
from conversations.types import Reply


class LearnFlow(Flow):
    """Topics about self-help groups."""

    name = "learn"
    prefix = "l"

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        ctx.goto(self.name, "what")
        t = ctx.t
        return Reply().add(t.t("learn.what.1")).add(t.t("learn.what.2"))

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        if action == "start":
            return await self.start(ctx, args[0] if args else "")
        return None


FLOW = LearnFlow()
