"""Urgent help: 113, 112 and the huisarts, reachable from every screen and after any crisis words."""

from __future__ import annotations

from conversations.context import Context
from conversations.flows.base import Flow
from conversations.types import Button, Reply


def urgent_reply(ctx: Context, *, offer_continue: bool) -> Reply:
    """The signposting messages; optionally a button to go on where the person was."""
    t = ctx.t
    buttons = [
        [Button(t.t("urgent.btn.113chat"), url="https://www.113.nl")],
    ]
    if offer_continue:
        buttons.append([Button(t.t("urgent.btn.continue"), "h:back")])
    buttons.append([Button(t.t("nav.menu"), "m:home")])
    return Reply().add(t.t("urgent.intro")).add(t.t("urgent.numbers")).add(t.t("urgent.after"), buttons)


class UrgentFlow(Flow):
    """Shows urgent help; 'go on' returns to the flow the person was in."""

    name = "urgent"
    prefix = "h"
    commands = ("hulp", "help_nu", "crisis", "113")

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return urgent_reply(ctx, offer_continue=False)

    async def on_command(self, ctx: Context, command: str, args: str) -> Reply | None:
        return urgent_reply(ctx, offer_continue=ctx.flow not in ("menu", "urgent"))

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        if action == "show":
            return urgent_reply(ctx, offer_continue=ctx.flow not in ("menu", "urgent"))
        return None  # 'back' is handled by the engine, which knows every flow


FLOW = UrgentFlow()
