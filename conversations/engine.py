"""The conversation engine: one Input in, one Reply out, for one chat; state is stored per pseudonym.

Order of work for every input: crisis check on text, global commands, then the flow the input belongs to.
The flows come from conversations.assembly (or are given, in tests).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from content.i18n import normalise_language
from conversations.arrivals import ARRIVALS
from conversations.assembly import assemble
from conversations.buttons import BACK_ID, button_id, ensure_exit, parse_button
from conversations.context import Context, Services
from conversations.crisis import Verdict, assess, is_crisis
from conversations.deeplinks import split_payload
from conversations.flows.base import Flow
from conversations.flows.menu import MenuFlow, menu_reply
from conversations.flows.urgent import NO_RETURN, crisis_reply
from conversations.intents import TARGETS, guess_language, match_intent
from conversations.location_cache import LOCATIONS
from conversations.types import Button, Input, Reply
from storage.referrals import count_referral

log = logging.getLogger(__name__)
MAX_TEXT = 4096
URGENT_READ_SECONDS = 0.3  # how long urgent help may wait to read a person's language and screen


INT64_MAX = 2**63 - 1


def plain_argument(arg: str) -> bool:
    """False for a button argument no button of ours carries: digits outside ASCII (e.g. '²', '١') or a
    number beyond what SQLite stores (forged callback data must read as an expired button, not an error)."""
    digits = arg[1:] if arg.startswith("-") else arg
    if not digits.isdigit() and not any(ch.isdigit() for ch in digits):
        return True
    if not digits.isascii():
        return False
    return not digits.isdigit() or int(digits) <= INT64_MAX


class Engine:
    """Routes inputs to flows and keeps each pseudonym's flow state."""

    def __init__(self, services: Services, flows: Sequence[Flow[Any]] | None = None) -> None:
        if flows is None:
            flows = assemble().flows  # the default wiring
        self.services = services
        self.flows: dict[str, Flow[Any]] = {f.name: f for f in flows}
        self.by_prefix: dict[str, Flow[Any]] = {f.prefix: f for f in flows}
        self.by_command: dict[str, Flow[Any]] = {c: f for f in flows for c in f.commands}
        menu = self.flows.get("menu")
        self.menu = menu if isinstance(menu, MenuFlow) else MenuFlow()
        self.saving: dict[str, asyncio.Task[None]] = {}  # best-effort saves after urgent help, per pseudonym

    async def context(
        self, chat_id: int, language_hint: str | None = None, first_text: str = "", user_key: str = ""
    ) -> Context:
        """Load (or begin) the context of a chat; a new chat's first words may decide its language."""
        user_key = user_key or self.services.keys.pseudonym(chat_id)
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
        if self.is_urgent(inp):
            return await self.handle_urgent(chat_id, inp)
        user_key = self.services.keys.pseudonym(chat_id)
        pending = self.saving.get(user_key)
        if pending is not None:  # the save after urgent help goes first, so it cannot overwrite this turn
            await asyncio.wait({pending})
        first_text = inp.text if inp.kind == "text" else inp.args
        async with self.services.db.transaction():  # one user action, one commit
            ctx = await self.context(chat_id, inp.language_hint, first_text, user_key)
            reply = await self.dispatch(ctx, inp)
            if reply.erased:
                return reply
            if reply.resume and ctx.flow not in NO_RETURN:
                reply.extend(await self.show_current(ctx))
            await self.save(ctx)
        return ensure_exit(reply, ctx.t)

    def is_urgent(self, inp: Input) -> bool:
        """Crisis words, or a command asking for urgent help: answered before storage is asked anything."""
        if inp.kind == "text":
            return is_crisis(inp.text[:MAX_TEXT])
        if inp.kind == "command":
            urgent = self.flows.get("urgent")
            return (urgent is not None and inp.command in urgent.commands) or is_crisis(inp.args)
        return False

    async def handle_urgent(self, chat_id: int, inp: Input) -> Reply:
        """Urgent help never waits on the database: state is read within a short budget (else defaults),
        and saved after the answer, best effort (a full disk or a locked database only costs the save)."""
        try:
            async with asyncio.timeout(URGENT_READ_SECONDS):
                ctx = await self.context(chat_id, inp.language_hint)
        except Exception as exc:
            log.warning("urgent help without stored state (%s)", type(exc).__name__)
            key = self.services.keys.pseudonym(chat_id)
            lang = normalise_language(inp.language_hint)
            ctx = Context(key, lang, {}, self.services, self.services.clock.now(), chat_id=chat_id)
        reply = await self.dispatch(ctx, inp)
        if reply.resume and ctx.flow not in NO_RETURN:  # the screen they were on, if storage answers quickly
            try:
                async with asyncio.timeout(URGENT_READ_SECONDS):
                    reply.extend(await self.show_current(ctx))
            except Exception as exc:
                log.warning("urgent help without the screen to return to (%s)", type(exc).__name__)
        if ctx.user_key not in self.saving:
            task = asyncio.create_task(self.save_after_urgent(ctx))
            self.saving[ctx.user_key] = task
            task.add_done_callback(lambda _: self.saving.pop(ctx.user_key, None))
        return ensure_exit(reply, ctx.t)

    async def save_after_urgent(self, ctx: Context) -> None:
        """Push the person's expiry forward (their stored screen stays as it was); errors only logged."""
        try:
            await self.services.users.touch(ctx.user_key, ctx.lang, ctx.now)
        except Exception as exc:
            log.error("could not save after urgent help (%s)", type(exc).__name__)

    async def settle(self) -> None:
        """Wait for the best-effort saves still running (tests, shutdown)."""
        while self.saving:
            await asyncio.wait(set(self.saving.values()))

    async def resume(self, chat_id: int) -> Reply:
        """Show the screen a chat was on (after a restart, a sticker or an edited message)."""
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
        ARRIVALS.forget(user_key)
        pending = self.saving.get(user_key)
        if pending is not None:  # a save after urgent help must not bring the row back
            await asyncio.wait({pending})
        return await self.services.users.erase(user_key, now=self.services.clock.now())

    def flow_of(self, ctx: Context) -> Flow[Any]:
        """The flow the person is in (the menu when the state names none we know)."""
        return self.flows.get(ctx.flow, self.menu)

    async def show_current(self, ctx: Context) -> Reply:
        """Re-render the current step of the current flow."""
        try:
            return await self.flow_of(ctx).show(ctx)
        except Exception as exc:  # a stale state must never strand a person
            log.error("could not show flow %s (%s)", ctx.flow, type(exc).__name__)
            return menu_reply(ctx)

    async def dispatch(self, ctx: Context, inp: Input) -> Reply:
        """Route an input; anything not understood gets a kind word and the menu or the current screen."""
        if inp.kind == "text":
            text = inp.text[:MAX_TEXT]
            verdict = assess(text)
            if verdict.urgent:  # first, on every text, in every flow: the help for that kind of emergency
                return crisis_reply(ctx, verdict.category)
            reply = await self.flow_of(ctx).on_text(ctx, text)
            if reply is None:
                reply = await self.free_text(ctx, text)
            return self.with_concern(ctx, reply, verdict)
        if inp.kind == "command":
            verdict = assess(inp.args)
            if verdict.urgent:
                return crisis_reply(ctx, verdict.category)
            return self.with_concern(ctx, await self.command(ctx, inp.command, inp.args), verdict)
        if inp.kind == "button":
            return await self.button(ctx, inp.button)
        if inp.kind == "location" and inp.lat is not None and inp.lon is not None:
            reply = await self.flow_of(ctx).on_location(ctx, inp.lat, inp.lon)
            if reply is None and "near" in self.flows:
                reply = await self.flows["near"].on_location(ctx, inp.lat, inp.lon)
            return reply or menu_reply(ctx)
        return Reply().add(ctx.t.t("common.not_understood")).extend(menu_reply(ctx))

    def with_concern(self, ctx: Context, reply: Reply, verdict: Verdict) -> Reply:
        """At concern level the flow answers as usual, and one gentle line with 'Hulp nu' is added."""
        if verdict.level != "concern" or reply.erased:
            return reply
        return reply.add(ctx.t.t("concern.line"), [[Button(ctx.t.t("nav.urgent"), button_id("h", "show"))]])

    async def free_text(self, ctx: Context, text: str) -> Reply:
        """Free text no question asked for: the screen an intent points to, else a kind word and the menu."""
        found = match_intent(text)
        if found is not None:
            intent, place = found
            if intent == "near" and place and "near" in self.flows:
                await self.flows["near"].start(ctx)
                reply = await self.flows["near"].on_text(ctx, place)
                if reply is not None:
                    return reply
            return await self.button(ctx, TARGETS[intent])
        if ctx.flow in (*NO_RETURN, "card") or ctx.flow not in self.flows:
            return Reply().add(ctx.t.t("common.kind_fallback")).extend(menu_reply(ctx))
        return Reply().add(ctx.t.t("common.use_buttons")).extend(await self.show_current(ctx))

    async def command(self, ctx: Context, name: str, args: str) -> Reply:
        """Global commands first, then commands that a flow claims."""
        if name == "start":
            return await self.start(ctx, args)
        if name == "menu":
            return menu_reply(ctx)
        if name == "stop":
            await self.erase_user(ctx.user_key)
            return Reply(erased=True).add(ctx.t.t("stop.done"))
        flow = self.by_command.get(name)
        if flow is not None:
            reply = await flow.on_command(ctx, name, args)
            if reply is not None:
                return reply
        return Reply().add(ctx.t.t("common.unknown_command")).extend(menu_reply(ctx))

    async def start(self, ctx: Context, payload: str) -> Reply:
        """/start, optionally with a deep-link payload that opens a flow or counts a referral tag."""
        target, tag = split_payload(payload.strip())
        if tag is not None:  # a poster's tag: an anonymous daily counter, never linked to this person
            if await count_referral(self.services.db, tag, ctx.now):
                ARRIVALS.put(ctx.user_key, tag, ctx.now)  # in memory, until a trial starts
        if target is not None and target[0] in self.flows:
            flow_name, arg = target
            reply = Reply().add(ctx.t.t("menu.welcome"))
            return reply.extend(await self.flows[flow_name].start(ctx, arg))
        return await self.menu.welcome(ctx)

    async def button(self, ctx: Context, bid: str) -> Reply:
        """A pressed button goes to the flow its prefix names; BACK_ID returns to the current step."""
        prefix, action, args = parse_button(bid)
        if not all(map(plain_argument, args)):
            log.info("forged button (digits it cannot carry)")
            return Reply().add(ctx.t.t("common.expired_button")).extend(menu_reply(ctx))
        if bid == BACK_ID:
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
            return Reply().add(ctx.t.t("common.expired_button")).extend(menu_reply(ctx))
        return reply
