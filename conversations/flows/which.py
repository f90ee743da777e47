"""Which group fits (issue 3). Placeholder until its issue lands."""

from __future__ import annotations

from conversations.context import Context
from conversations.flows.base import Flow
from conversations.types import Reply


class WhichFlow(Flow):
    """Not built yet."""

    name = "which"
    prefix = "w"

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return Reply().add(ctx.t.t("common.not_yet"))


FLOW = WhichFlow()
