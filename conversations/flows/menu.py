"""The welcome and the main menu."""

from __future__ import annotations

from functools import cache
from typing import Any

from content.i18n import translator
from conversations.buttons import URGENT_ID, button
from conversations.context import Context
from conversations.flows.base import Action, Flow, Step, table
from conversations.flows.state import NoState
from conversations.types import Button, Reply


def menu_buttons(ctx: Context) -> list[list[Button]]:
    """One row per menu item, then language and privacy (fresh lists: a reply may add to them)."""
    return [list(row) for row in _menu_rows(ctx.lang)]


@cache
def _menu_rows(lang: str) -> tuple[tuple[Button, ...], ...]:
    """The menu's buttons in one language (built once: buttons are immutable)."""
    t = translator(lang)
    rows = [
        [button(t.t("menu.btn.learn"), "l", "start")],
        [button(t.t("menu.btn.which"), "w", "start")],
        [button(t.t("menu.btn.near"), "n", "start")],
        [button(t.t("menu.btn.trial"), "t", "start")],
        [button(t.t("menu.btn.relatives"), "l", "start", "relatives")],
        [Button(t.t("menu.btn.urgent"), URGENT_ID)],
    ]
    rows.append(
        [button(t.t("menu.btn.language"), "s", "lang"), button(t.t("menu.btn.privacy"), "s", "privacy")]
    )
    return tuple(tuple(row) for row in rows)


def menu_reply(ctx: Context) -> Reply:
    """Go to the main menu (any flow may send a person there)."""
    ctx.state = {"flow": "menu", "step": "home", "data": {}}
    return Reply().add(ctx.t.t("menu.prompt"), menu_buttons(ctx))


class MenuFlow(Flow[NoState]):
    """Shows the main menu; /start adds the welcome first."""

    name = "menu"
    prefix = "m"
    first = "home"

    def home(self, ctx: Context, st: NoState, data: Any) -> Reply:
        return menu_reply(ctx)

    async def on_home(self, ctx: Context, st: NoState, args: list[str]) -> Reply | None:
        return menu_reply(ctx)

    async def welcome(self, ctx: Context) -> Reply:
        """First words, then the menu."""
        return Reply().add(ctx.t.t("menu.welcome")).extend(menu_reply(ctx))

    steps = table({"home": Step(home)})
    actions = table({"home": Action(on_home)})
