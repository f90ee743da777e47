"""Meetings near me (issue 4). Placeholder until its issue lands."""

from __future__ import annotations

from conversations.context import Context
from conversations.flows.base import Flow
from conversations.types import Reply


class NearFlow(Flow):
    """Not built yet."""

    name = "near"
    prefix = "n"

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return Reply().add(ctx.t.t("common.not_yet"))


FLOW = NearFlow()
