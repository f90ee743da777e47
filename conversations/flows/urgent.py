"""Urgent help: 113, 112 and the huisarts, reachable from every screen and after any crisis words.

Like settings, it never replaces the current step: 'go on' (h:back) shows that step again.
"""

from __future__ import annotations

from conversations.buttons import BACK_ID, MENU_ID
from conversations.context import Context
from conversations.flows.base import Action, Flow, table
from conversations.flows.state import NoState
from conversations.types import Button, Reply

NO_RETURN = ("menu", "urgent")


def urgent_reply(ctx: Context, *, offer_continue: bool) -> Reply:
    """The signposting messages; optionally a button to go on where the person was."""
    t = ctx.t
    buttons = [
        [Button(t.t("urgent.btn.113chat"), url="https://www.113.nl")],
    ]
    if offer_continue:
        buttons.append([Button(t.t("urgent.btn.continue"), BACK_ID)])
    buttons.append([Button(t.t("nav.menu"), MENU_ID)])
    return Reply().add(t.t("urgent.intro")).add(t.t("urgent.numbers")).add(t.t("urgent.after"), buttons)


def crisis_reply(ctx: Context) -> Reply:
    """Urgent help over the current step, with 'go on' unless there is nothing to go back to."""
    return urgent_reply(ctx, offer_continue=ctx.flow not in NO_RETURN)


class UrgentFlow(Flow[NoState]):
    """Shows urgent help; 'go on' (handled by the engine, which knows every flow) returns to the step."""

    name = "urgent"
    prefix = "h"
    commands = ("hulp", "help_nu", "crisis", "113")

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return urgent_reply(ctx, offer_continue=False)

    async def show(self, ctx: Context) -> Reply:
        return crisis_reply(ctx)

    async def on_command(self, ctx: Context, command: str, args: str) -> Reply | None:
        return crisis_reply(ctx)

    async def on_show(self, ctx: Context, st: NoState, args: list[str]) -> Reply | None:
        return crisis_reply(ctx)

    actions = table({"show": Action(on_show)})
