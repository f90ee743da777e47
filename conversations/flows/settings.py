"""Language, privacy and help: screens over whatever the person was doing, which they never replace."""

from __future__ import annotations

from content import LANGUAGES
from conversations.buttons import MENU_ID, button
from conversations.context import Context
from conversations.flows.base import Action, Flow, table
from conversations.flows.pro import pro_entry_button
from conversations.flows.state import NoState
from conversations.types import Button, Reply

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


class SettingsFlow(Flow[NoState]):
    """/taal, /privacy and /help. They leave the current step alone, so the person can go on after."""

    name = "settings"
    prefix = "s"
    commands = ("taal", "language", "privacy", "help")

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return self.language(ctx)

    async def show(self, ctx: Context) -> Reply:
        return self.language(ctx)

    def language(self, ctx: Context) -> Reply:
        buttons = [[button(LANGUAGE_NAMES[code], self.prefix, "setlang", code) for code in LANGUAGES]]
        return Reply().add(ctx.t.t("lang.choose"), buttons)

    def privacy(self, ctx: Context) -> Reply:
        t = ctx.t
        reply = Reply().add(t.t("privacy.stored")).add(t.t("privacy.not_stored"))
        return reply.add(t.t("privacy.stop"), [[pro_entry_button(ctx)]])

    def help(self, ctx: Context) -> Reply:
        return Reply().add(ctx.t.t("help.text"))

    def set_language(self, ctx: Context, code: str) -> Reply:
        """Switch; the engine then shows the step the person was on again, in the new language."""
        ctx.lang = code
        return Reply(resume=True).add(ctx.t.t("lang.set"))

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

    async def on_lang(self, ctx: Context, st: NoState, args: list[str]) -> Reply | None:
        return self.language(ctx) if not args else None

    async def on_setlang(self, ctx: Context, st: NoState, args: list[str]) -> Reply | None:
        return self.set_language(ctx, args[0]) if len(args) == 1 and args[0] in LANGUAGES else None

    async def on_privacy(self, ctx: Context, st: NoState, args: list[str]) -> Reply | None:
        return self.privacy(ctx)

    async def on_keep(self, ctx: Context, st: NoState, args: list[str]) -> Reply | None:
        """The answer to the question a week before erasure: the contact itself keeps everything."""
        if args:
            return None
        return Reply().add(ctx.t.t("expiry.kept"), [[Button(ctx.t.t("nav.menu"), MENU_ID)]])

    actions = table(
        {
            "lang": Action(on_lang),
            "setlang": Action(on_setlang),
            "privacy": Action(on_privacy),
            "keep": Action(on_keep),
        }
    )
