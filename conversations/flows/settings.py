"""Language, privacy and help."""

from __future__ import annotations

from content import LANGUAGES
from conversations.context import Context
from conversations.flows.base import Flow
from conversations.types import Button, Reply

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


class SettingsFlow(Flow):
    """/taal, /privacy and /help."""

    name = "settings"
    prefix = "s"
    commands = ("taal", "language", "privacy", "help")

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return self.language(ctx)

    def language(self, ctx: Context) -> Reply:
        buttons = [[Button(LANGUAGE_NAMES[code], f"s:setlang:{code}") for code in LANGUAGES]]
        return Reply().add(ctx.t.t("lang.choose"), buttons)

    def privacy(self, ctx: Context) -> Reply:
        t = ctx.t
        return Reply().add(t.t("privacy.stored")).add(t.t("privacy.not_stored")).add(t.t("privacy.stop"))

    def help(self, ctx: Context) -> Reply:
        return Reply().add(ctx.t.t("help.text"))

    async def on_command(self, ctx: Context, command: str, args: str) -> Reply | None:
        if command in ("taal", "language"):
            if args.strip().lower() in LANGUAGES:
                return self.set_language(ctx, args.strip().lower())
            return self.language(ctx)
        if command == "privacy":
            return self.privacy(ctx)
        if command == "help":
            return self.help(ctx)
        return None

    def set_language(self, ctx: Context, code: str) -> Reply:
        ctx.lang = code
        return Reply().add(ctx.t.t("lang.set"))

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        if action == "lang":
            return self.language(ctx)
        if action == "setlang" and args and args[0] in LANGUAGES:
            return self.set_language(ctx, args[0])
        if action == "privacy":
            return self.privacy(ctx)
        if action == "keep":  # the answer to the question a week before erasure; the contact itself keeps it
            return Reply().add(ctx.t.t("expiry.kept"), [[Button(ctx.t.t("nav.menu"), "m:home")]])
        return None


FLOW = SettingsFlow()
