"""Six-meeting trial (issue 5). Placeholder until its issue lands."""

from __future__ import annotations

from conversations.context import Context
from conversations.flows.base import Flow
from conversations.types import Reply


class TrialFlow(Flow):
    """Not built yet."""

    name = "trial"
    prefix = "t"

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return Reply().add(ctx.t.t("common.not_yet"))


FLOW = TrialFlow()
