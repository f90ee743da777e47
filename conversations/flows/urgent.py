"""Urgent help: a screen per kind of emergency (first things first), reachable from every screen and after
any crisis words; the general screen (113, 112, huisarts) from the menu and /hulp.

Like settings, it never replaces the current step: 'go on' (h:back) shows that step again.
"""

from __future__ import annotations

from content.loader import help_numbers
from conversations.buttons import BACK_ID, MENU_ID
from conversations.context import Context
from conversations.flows.base import Action, Flow, table
from conversations.flows.state import NoState
from conversations.types import Button, Reply

NO_RETURN = ("menu", "urgent")
# Per kind of emergency: the texts of its screen, in order. The first names the first number to call.
KIND_TEXTS: dict[str, tuple[str, ...]] = {
    "overdose": ("urgent.overdose.first", "urgent.overdose.wait", "urgent.overdose.on_purpose"),
    "suicide": ("urgent.suicide.first", "urgent.suicide.danger"),
    "selfharm": ("urgent.selfharm.first", "urgent.selfharm.doctor", "urgent.selfharm.bleeding"),
    "withdrawal": ("urgent.withdrawal.first", "urgent.withdrawal.today", "withdrawal.warning"),
    "violence": ("urgent.violence.first", "urgent.violence.veilig_thuis"),
    "child": ("urgent.child.first", "urgent.child.danger", "urgent.child.adult"),
}
CHAT_113 = frozenset({"overdose", "suicide", "selfharm"})


def numbers() -> dict[str, str]:
    """Placeholder values for the screens: {n112}, {n113}, ... from content/crisis_help.toml."""
    return {sid: n.number for sid, n in help_numbers().items()}


def _buttons(ctx: Context, *, chat_113: bool, offer_continue: bool) -> list[list[Button]]:
    t = ctx.t
    rows = []
    if chat_113:
        rows.append([Button(t.t("urgent.btn.113chat"), url=help_numbers()["chat113"].url)])
    if offer_continue:
        rows.append([Button(t.t("urgent.btn.continue"), BACK_ID)])
    rows.append([Button(t.t("nav.menu"), MENU_ID)])
    return rows


def urgent_reply(ctx: Context, *, offer_continue: bool, kind: str | None = None) -> Reply:
    """The help screen for a kind of emergency (or the general one); optionally 'go on where I was'."""
    t = ctx.t
    texts = KIND_TEXTS.get(kind or "")
    if texts is None:
        buttons = _buttons(ctx, chat_113=True, offer_continue=offer_continue)
        return Reply().add(t.t("urgent.intro")).add(t.t("urgent.numbers")).add(t.t("urgent.after"), buttons)
    values = numbers()
    body = "\n\n".join(t.t(key, **values) for key in texts)
    return Reply().add(body, _buttons(ctx, chat_113=kind in CHAT_113, offer_continue=offer_continue))


def crisis_reply(ctx: Context, kind: str | None = None) -> Reply:
    """Urgent help over the current step, with 'go on' unless there is nothing to go back to."""
    return urgent_reply(ctx, offer_continue=ctx.flow not in NO_RETURN, kind=kind)


class UrgentFlow(Flow[NoState]):
    """Shows urgent help; 'go on' (handled by the engine, which knows every flow) returns to the step."""

    name = "urgent"
    prefix = "h"
    commands = ("hulp", "help_nu", "crisis", "113")

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return urgent_reply(ctx, offer_continue=False, kind=arg if arg in KIND_TEXTS else None)

    async def show(self, ctx: Context) -> Reply:
        return crisis_reply(ctx)

    async def on_command(self, ctx: Context, command: str, args: str) -> Reply | None:
        return crisis_reply(ctx)

    async def on_show(self, ctx: Context, st: NoState, args: list[str]) -> Reply | None:
        return crisis_reply(ctx, args[0] if args and args[0] in KIND_TEXTS else None)

    actions = table({"show": Action(on_show)})
