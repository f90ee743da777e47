"""The conversation engine: one Input in, one Reply out, for one chat; state is stored per pseudonym.

Order of work for every input: crisis check on text, global commands, then the flow the input belongs to.
"""

from __future__ import annotations

import logging

from content.i18n import normalise_language
from conversations.context import Context, Services
from conversations.crisis import Verdict, assess
from conversations.flows import FLOWS, split_payload
from conversations.flows.base import Flow, parse_button
from conversations.flows.common import URGENT_ID, ensure_exit
from conversations.flows.menu import FLOW as MENU
from conversations.flows.urgent import urgent_reply
from conversations.intents import TARGETS, guess_language, match_intent
from conversations.location_cache import LOCATIONS
from conversations.types import Button, Input, Reply
from storage.referrals import count_referral

log = logging.getLogger(__name__)
MAX_TEXT = 4096


class Engine:
    """Routes inputs to flows and keeps each pseudonym's flow state."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.flows: dict[str, Flow] = {f.name: f for f in FLOWS}
        self.by_prefix: dict[str, Flow] = {f.prefix: f for f in FLOWS}
        self.by_command: dict[str, Flow] = {c: f for f in FLOWS for c in f.commands}

    async def context(self, chat_id: int, language_hint: str | None = None, first_text: str = "") -> Context:
        """Load (or begin) the context of a chat; a new chat's first words may decide its language."""
        user_key = self.services.keys.pseudonym(chat_id)
        row = await self.services.users.get(user_key)
        guessed = guess_language(first_text) if row is None and first_text else None
        lang = row.lang if row else (guessed or normalise_language(language_hint))
        state = row.state if row else {}
        return Context(user_key, lang, state, self.services, self.services.clock.now(), chat_id=chat_id)

    async def save(self, ctx: Context) -> None:
        """Store the language and flow state of a context."""
        await self.services.users.save(ctx.user_key, ctx.lang, ctx.state, ctx.now)

    async def handle(self, chat_id: int, inp: Input) -> Reply:
        """Answer one input from one chat."""
        first_text = inp.text if inp.kind == "text" else inp.args
        ctx = await self.context(chat_id, inp.language_hint, first_text)
        reply = await self.dispatch(ctx, inp)
        if reply.erased:
            return reply
        await self.save(ctx)
        return ensure_exit(reply, ctx.t)

    async def resume(self, chat_id: int) -> Reply:
        """Show the screen a chat was on (after a restart)."""
        ctx = await self.context(chat_id)
        reply = await self.show_current(ctx)
        await self.save(ctx)
        return ensure_exit(reply, ctx.t)

    async def set_language(self, chat_id: int, lang: str) -> None:
        """Set a chat's language (as /taal does)."""
        ctx = await self.context(chat_id, lang)
        ctx.lang = normalise_language(lang)
        await self.save(ctx)

    async def erase(self, chat_id: int) -> int:
        """Erase everything about a chat (/stop, or the person blocked the bot)."""
        return await self.erase_user(self.services.keys.pseudonym(chat_id))

    async def erase_user(self, user_key: str) -> int:
        """Erase a pseudonym's rows and whatever this process holds in memory for it."""
        LOCATIONS.forget(user_key)
        return await self.services.users.erase(user_key)

    async def show_current(self, ctx: Context) -> Reply:
        """Re-render the current step of the current flow."""
        flow = self.flows.get(ctx.flow, MENU)
        try:
            return await flow.show(ctx)
        except Exception as exc:  # a stale state must never strand a person
            log.error("could not show flow %s (%s)", ctx.flow, type(exc).__name__)
            return MENU.menu(ctx)

    async def dispatch(self, ctx: Context, inp: Input) -> Reply:
        """Route an input; anything not understood gets a kind word and the menu or the current screen."""
        if inp.kind == "text":
            text = inp.text[:MAX_TEXT]
            verdict = assess(text)
            if verdict.urgent:
                return urgent_reply(
                    ctx, offer_continue=ctx.flow not in ("menu", "urgent"), kind=verdict.category
                )
            flow = self.flows.get(ctx.flow, MENU)
            reply = await flow.on_text(ctx, text)
            if reply is None:
                reply = await self.free_text(ctx, text)
            return self.with_concern(ctx, reply, verdict)
        if inp.kind == "command":
            verdict = assess(inp.args)
            if verdict.urgent:
                return urgent_reply(
                    ctx, offer_continue=ctx.flow not in ("menu", "urgent"), kind=verdict.category
                )
            return self.with_concern(ctx, await self.command(ctx, inp.command, inp.args), verdict)
        if inp.kind == "button":
            return await self.button(ctx, inp.button)
        if inp.kind == "location" and inp.lat is not None and inp.lon is not None:
            flow = self.flows.get(ctx.flow, MENU)
            reply = await flow.on_location(ctx, inp.lat, inp.lon)
            if reply is None:
                reply = await self.flows["near"].on_location(ctx, inp.lat, inp.lon)
            return reply or MENU.menu(ctx)
        return Reply().add(ctx.t.t("common.not_understood")).extend(MENU.menu(ctx))

    def with_concern(self, ctx: Context, reply: Reply, verdict: Verdict) -> Reply:
        """At concern level the flow answers as usual, and one gentle line with 'Hulp nu' is added."""
        if verdict.level != "concern" or reply.erased:
            return reply
        return reply.add(ctx.t.t("concern.line"), [[Button(ctx.t.t("nav.urgent"), URGENT_ID)]])

    async def free_text(self, ctx: Context, text: str) -> Reply:
        """Free text no question asked for: the screen an intent points to, else a kind word and the menu."""
        found = match_intent(text)
        if found is not None:
            intent, place = found
            if intent == "near" and place:
                await self.flows["near"].start(ctx)
                reply = await self.flows["near"].on_text(ctx, place)
                if reply is not None:
                    return reply
            return await self.button(ctx, TARGETS[intent])
        if ctx.flow in ("menu", "card", "urgent") or ctx.flow not in self.flows:
            return Reply().add(ctx.t.t("common.kind_fallback")).extend(MENU.menu(ctx))
        return Reply().add(ctx.t.t("common.use_buttons")).extend(await self.show_current(ctx))

    async def command(self, ctx: Context, name: str, args: str) -> Reply:
        """Global commands first, then commands that a flow claims."""
        if name == "start":
            return await self.start(ctx, args)
        if name == "menu":
            return MENU.menu(ctx)
        if name == "stop":
            await self.erase_user(ctx.user_key)
            reply = Reply(erased=True).add(ctx.t.t("stop.done"))
            return reply
        flow = self.by_command.get(name)
        if flow is not None:
            reply = await flow.on_command(ctx, name, args)
            if reply is not None:
                return reply
        return Reply().add(ctx.t.t("common.unknown_command")).extend(MENU.menu(ctx))

    async def start(self, ctx: Context, payload: str) -> Reply:
        """/start, optionally with a deep-link payload that opens a flow or counts a referral tag."""
        target, tag = split_payload(payload.strip())
        if tag is not None:  # a poster's tag: an anonymous daily counter, never linked to this person
            await count_referral(self.services.db, tag, ctx.now)
        if target is not None and target[0] in self.flows:
            flow_name, arg = target
            reply = Reply().add(ctx.t.t("menu.welcome"))
            return reply.extend(await self.flows[flow_name].start(ctx, arg))
        return await MENU.welcome(ctx)

    async def button(self, ctx: Context, bid: str) -> Reply:
        """A pressed button goes to the flow its prefix names; 'h:back' returns to the current flow."""
        prefix, action, args = parse_button(bid)
        if bid == "h:back":
            return await self.show_current(ctx)
        flow = self.by_prefix.get(prefix)
        reply = None
        if flow is not None:
            if action == "start":
                reply = await flow.start(ctx, args[0] if args else "")
            else:
                reply = await flow.on_button(ctx, action, args)
        if reply is None:
            log.info("unrecognised button for flow %s", flow.name if flow else "-")
            return Reply().add(ctx.t.t("common.expired_button")).extend(MENU.menu(ctx))
        return reply
