"""The welcome and the main menu."""

from __future__ import annotations

from conversations.context import Context
from conversations.flows.base import Flow
from conversations.types import Button, Reply

MENU_ITEMS: tuple[tuple[str, str], ...] = (
    ("menu.btn.learn", "l:start"),
    ("menu.btn.which", "w:start"),
    ("menu.btn.near", "n:start"),
    ("menu.btn.trial", "t:start"),
    ("menu.btn.relatives", "l:start:relatives"),
    ("menu.btn.urgent", "h:show"),
)


class MenuFlow(Flow):
    """Shows the main menu; /start adds the welcome first."""

    name = "menu"
    prefix = "m"

    def menu_buttons(self, ctx: Context) -> list[list[Button]]:
        rows = [[Button(ctx.t.t(key), bid)] for key, bid in MENU_ITEMS]
        rows.append(
            [Button(ctx.t.t("menu.btn.language"), "s:lang"), Button(ctx.t.t("menu.btn.privacy"), "s:privacy")]
        )
        return rows

    def menu(self, ctx: Context) -> Reply:
        ctx.goto("menu")
        return Reply().add(ctx.t.t("menu.prompt"), self.menu_buttons(ctx))

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return self.menu(ctx)

    async def welcome(self, ctx: Context) -> Reply:
        """First words, then the menu."""
        reply = Reply().add(ctx.t.t("menu.welcome"))
        return reply.extend(self.menu(ctx))

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        return self.menu(ctx) if action == "home" else None


FLOW = MenuFlow()
