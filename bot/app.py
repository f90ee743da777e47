"""The python-telegram-bot Application: one handler turns every Update into an Input for the engine.

Private chats only. A button press is answered at once; its reply edits the pressed message in place when
the flow stays on one screen (see `should_edit`), otherwise it arrives as new messages. Errors are logged
by type and flow only, and the person gets a short apology with the menu.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeAlias

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    Chat,
    ChatMemberUpdated,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from bot import render
from bot.config import DEFAULT_BASE_URL, Config, require_token
from bot.delivery import DeliveryConfig, Scheduler, Sender
from bot.feed_jobs import start_feed_jobs
from bot.feeds_config import Feed
from bot.lenient import LenientRequest
from bot.ordering import PerChatProcessor
from bot.polling import Poller
from bot.send_limit import PriorityRateLimiter, bulk_sending
from bot.update_guard import GuardedRequest
from bot.webhook import WebhookServer
from content.i18n import normalise_language, translator
from conversations.assembly import assemble
from conversations.buttons import nav_row, parse_button
from conversations.context import Services
from conversations.crisis import is_crisis
from conversations.engine import Engine
from conversations.types import Input, Reply
from storage.botmeta import first_group_notice

log = logging.getLogger(__name__)
AnyApplication: TypeAlias = Application[Any, Any, Any, Any, Any, Any]
COMMANDS = ("start", "menu", "hulp", "taal", "privacy", "help", "stop")
MEDIA_FIELDS = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "document",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
    "invoice",
)
NAV_IDS = {"m:home", "h:show"}
UNPROMPTED_MEMORY = 20_000  # message ids of recent reminders/broadcasts, kept in memory only


def _prefixes(ids: list[str]) -> set[str]:
    return {parse_button(i)[0] for i in ids if i and i not in NAV_IDS}


def should_edit(reply: Reply, pressed: str, old_ids: list[str]) -> bool:
    """Edit in place when the reply is one plain message that stays on the pressed screen's flow.

    That is: Reply.edit is set; or all the pressed message's own buttons and the pressed button belong to
    one flow prefix, and the reply offers nothing but that flow and the exit row (e.g. picking a language
    on the language screen). The menu, whose buttons lead to many flows, is never replaced. Unprompted
    messages (reminders, broadcasts) are never edited: the adapter checks that separately.
    """
    if len(reply.messages) != 1 or reply.request_location or not render.is_plain(reply.messages[0]):
        return False
    if reply.edit:
        return True
    prefix = parse_button(pressed)[0]
    if _prefixes(old_ids) != {prefix}:
        return False
    return _prefixes([b.id for b in reply.buttons() if not b.url]) <= {prefix}


class TelegramAdapter:
    """Holds the engine, the sender and the rendering for one Application."""

    def __init__(self, services: Services, config: Config, feeds: Sequence[Feed] = ()) -> None:
        self.services = services
        self.config = config
        self.feeds = list(feeds)  # the feeds file's sources, synced on the bot's own schedule
        self.assembly = assemble()  # the flows and the outgoing sources, put together in one place
        self.engine = Engine(services, self.assembly.flows)
        self.scheduler: Scheduler | None = None
        self.sender: Sender | None = None
        self.handled = 0
        self.finished: Callable[[int], None] | None = None  # the poller's acknowledgement hook
        self.unprompted: OrderedDict[tuple[int, int], None] = OrderedDict()  # recent reminder message ids

    # ---- entry ----------------------------------------------------------------------------------------

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every update comes through here (`handled` counts them, for tests and benches)."""
        try:
            await self._on_update(update, context)
        finally:
            self.handled += 1
            if self.finished is not None:
                self.finished(update.update_id)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.my_chat_member is not None:
            await self.on_member(update.my_chat_member, context)
            return
        chat = update.effective_chat
        if chat is None or chat.type == ChatType.CHANNEL:
            return  # channel posts, inline queries, polls: nothing to answer
        if chat.type != ChatType.PRIVATE:
            await self.group_notice(chat, context)
            if update.callback_query is not None:
                await self._answer(update)
            return
        try:
            await self.private(update, context, chat.id)
        except Forbidden:
            await self.engine.erase(chat.id)
        except Exception as exc:
            await self.apologise(context, chat.id, exc)
        if self.scheduler is not None:
            self.scheduler.poke()

    async def private(self, update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        """A private chat: build the Input, ask the engine, send the reply."""
        user = update.effective_user
        hint = user.language_code if user else None
        query = update.callback_query
        if query is not None:
            # While the database is busy the answer goes out as we wait (it stops the spinner). When it is
            # free the engine never waits, so a task would only send the answer right after it, as the
            # plain call below does, at the cost of a task and two turns of the event loop.
            answered = None if self.services.db.idle() else asyncio.create_task(self._answer(update))
            try:
                if not query.data:
                    return
                reply = await self.engine.handle(chat_id, Input.of_button(query.data, hint))
            finally:
                await (self._answer(update) if answered is None else answered)
            await self.respond_to_press(context, chat_id, reply, query)
            return
        if update.edited_message is not None:
            if update.edited_message.location is not None:
                return  # a live location moving: nothing to say
            text = update.edited_message.text or ""
            if text and is_crisis(text):
                await self.send(
                    context, chat_id, await self.engine.handle(chat_id, Input.of_text(text, hint))
                )
            else:
                await self.say_and_resume(context, chat_id, "telegram.edited", hint)
            return
        message = update.message
        if message is None:
            return
        if message.location is not None:
            loc = message.location
            reply = await self.engine.handle(chat_id, Input.of_location(loc.latitude, loc.longitude, hint))
            await self.send(context, chat_id, reply, remove_keyboard=True)
            return
        if message.text:
            reply = await self.engine.handle(chat_id, Input.of_text(message.text, hint))
            await self.send(context, chat_id, reply)
            return
        if message.caption and is_crisis(message.caption):
            await self.send(
                context, chat_id, await self.engine.handle(chat_id, Input.of_text(message.caption, hint))
            )
            return
        await self.say_and_resume(context, chat_id, "telegram.media", hint)

    # ---- replies --------------------------------------------------------------------------------------

    async def _answer(self, update: Update) -> None:
        try:
            await update.callback_query.answer()  # type: ignore[union-attr]
        except TelegramError:
            pass  # an old query cannot be answered any more; the press still counts

    async def lang_of(self, chat_id: int, hint: str | None = None) -> str:
        row = await self.services.users.get(self.services.keys.pseudonym(chat_id))
        return row.lang if row else normalise_language(hint)

    async def send(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply, *, remove_keyboard: bool = False
    ) -> None:
        label = hint = ""
        if reply.request_location:
            t = translator(await self.lang_of(chat_id))
            label, hint = t.t("telegram.share_location"), t.t("telegram.location_hint")
        await render.send_reply(
            context.bot,
            chat_id,
            reply,
            location_label=label,
            location_hint=hint,
            remove_keyboard=remove_keyboard,
        )

    async def respond_to_press(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply, query: Any
    ) -> None:
        """Edit the pressed message when the flow stays on one screen, else send new messages."""
        message = query.message
        accessible = message is not None and getattr(message, "date", None) and message.date.timestamp() > 0
        old_ids: list[str] = []
        if accessible and getattr(message, "reply_markup", None) is not None:
            old_ids = [
                b.callback_data
                for row in message.reply_markup.inline_keyboard
                for b in row
                if isinstance(b.callback_data, str)
            ]
        reply = render.compact(reply)  # a lead and its screen as one message, so it can be edited in
        unprompted = accessible and (chat_id, message.message_id) in self.unprompted
        if accessible and not unprompted and should_edit(reply, query.data, old_ids):
            try:
                await render.edit_message(context.bot, chat_id, message.message_id, reply.messages[0])
                return
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    return
                # too old, deleted or otherwise not editable: send it as a new message instead
        await self.send(context, chat_id, reply)

    async def say_and_resume(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, key: str, hint: str | None
    ) -> None:
        """A short note, then the screen the person was on (which always offers the menu)."""
        t = translator(await self.lang_of(chat_id, hint))
        reply = Reply().add(t.t(key)).extend(await self.engine.resume(chat_id))
        await self.send(context, chat_id, reply)

    async def apologise(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, exc: BaseException) -> None:
        """Log the error type and flow (nothing else) and tell the person something went wrong."""
        flow = "-"
        try:
            row = await self.services.users.get(self.services.keys.pseudonym(chat_id))
            flow = str(row.state.get("flow", "menu")) if row else "-"
            lang = row.lang if row else "nl"
        except Exception:
            lang = "nl"
        log.error("handling an update failed: %s in flow %s", type(exc).__name__, flow)
        try:
            t = translator(lang)
            await render.send_reply(context.bot, chat_id, Reply().add(t.t("telegram.error"), [nav_row(t)]))
        except Exception as second:
            log.error("could not apologise: %s", type(second).__name__)

    async def on_member(self, member: ChatMemberUpdated, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The person blocked the bot (erase everything) or the bot was added to a group (say it once)."""
        status = member.new_chat_member.status
        if member.chat.type == ChatType.PRIVATE:
            if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
                await self.engine.erase(member.chat.id)
            return
        if member.chat.type != ChatType.CHANNEL and status in (
            ChatMemberStatus.MEMBER,
            ChatMemberStatus.ADMINISTRATOR,
        ):
            await self.group_notice(member.chat, context)

    async def group_notice(self, chat: Chat, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Tell a group once that the bot only works in private chat (only an HMAC of the group is kept)."""
        key = self.services.keys.tag("group", str(chat.id))
        if not await first_group_notice(self.services.db, key, self.services.clock.now()):
            return
        t = translator("nl")
        text = f"{t.t('telegram.private_only')}\n\n{translator('en').t('telegram.private_only')}"
        try:
            await context.bot.send_message(chat.id, render.escape(text), parse_mode="HTML")
        except TelegramError as exc:
            log.info("could not post the private-only notice (%s)", type(exc).__name__)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Errors that escaped the handler: type and flow only, then an apology."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None and chat.type == ChatType.PRIVATE:
            await self.apologise(context, chat.id, context.error or RuntimeError())
        else:
            log.error("error outside a private chat: %s", type(context.error).__name__)

    # ---- setup ----------------------------------------------------------------------------------------

    async def setup_profile(self, application: AnyApplication) -> None:
        """Command menu in Dutch and English, descriptions; failures here never stop the bot."""
        bot = application.bot
        for lang in ("nl", "en", None):
            t = translator(lang or "nl")
            commands = [BotCommand(c, t.t(f"telegram.cmd.{c}")) for c in COMMANDS]
            try:
                await bot.set_my_commands(
                    commands, scope=BotCommandScopeAllPrivateChats(), language_code=lang
                )
                await bot.set_my_description(t.t("telegram.description"), language_code=lang)
                await bot.set_my_short_description(t.t("telegram.short_description"), language_code=lang)
            except TelegramError as exc:
                log.warning("could not set the bot profile (%s)", type(exc).__name__)
                return

    async def post_init(self, application: AnyApplication) -> None:
        """After getMe: remember the username, set the profile, start the sender's jobs."""
        if not self.config.bot_username and application.bot.username:
            self.services.settings.bot_username = application.bot.username
        await self.setup_profile(application)
        delivery = DeliveryConfig.from_config(self.config)
        bot = application.bot

        async def send(chat_id: int, reply: Reply) -> object:
            with bulk_sending():  # yields to people's answers beyond its share of the budget
                message_id = await render.send_reply(bot, chat_id, reply)
            self.unprompted[(chat_id, message_id)] = None
            while len(self.unprompted) > UNPROMPTED_MEMORY:
                self.unprompted.popitem(last=False)
            return message_id

        self.sender = Sender(
            self.services, send, delivery, running=lambda: application.running, sources=self.assembly.sources
        )
        self.scheduler = Scheduler(application, self.sender)
        self.scheduler.start()
        start_feed_jobs(application, self.services, self.feeds, self.scheduler.poke)


def build_application(
    services: Services,
    config: Config,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
    extra_post_init: Callable[[AnyApplication], Awaitable[None]] | None = None,
    feeds: Sequence[Feed] = (),
) -> tuple[AnyApplication, TelegramAdapter]:
    """The Application with one handler for everything, the error handler, limits and jobs."""
    if config.bot_username:
        services.settings.bot_username = config.bot_username
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the token
    adapter = TelegramAdapter(services, config, feeds)

    async def post_init(application: AnyApplication) -> None:
        await adapter.post_init(application)
        if extra_post_init is not None:
            await extra_post_init(application)

    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder().token(require_token(config)).base_url(config.base_url).post_init(post_init)
    )
    builder = builder.base_file_url(config.base_url.removesuffix("/bot") + "/file/bot")
    if request is None and config.base_url != DEFAULT_BASE_URL:
        request = LenientRequest(connection_pool_size=64)
        get_updates_request = get_updates_request or LenientRequest(read_timeout=40)
    if get_updates_request is None:  # one unreadable update must not stall the batch (bot.update_guard)
        get_updates_request = GuardedRequest(connection_pool_size=1)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if rate_limiter:  # one budget a little under Telegram's: people first, bulk keeps its share
        builder = builder.rate_limiter(PriorityRateLimiter(rate=max(config.global_rate * 0.97, 1.0)))
    application = builder.concurrent_updates(PerChatProcessor(64)).build()
    application.add_handler(TypeHandler(Update, adapter.on_update))
    application.add_error_handler(adapter.on_error)
    return application, adapter


def freeze_heap() -> None:
    """Once the bot is up: collect what start-up left behind, then move every object alive now (modules,
    texts, content, flows) out of the collector's sight, so full collections stop pausing the tail."""
    gc.collect()
    gc.freeze()


ALLOWED_UPDATES = ["message", "edited_message", "channel_post", "callback_query", "my_chat_member"]


async def serve(
    services: Services,
    config: Config,
    stop: asyncio.Event,
    *,
    started: Callable[[TelegramAdapter], object] | None = None,
    **build: Any,
) -> TelegramAdapter:
    """Run the bot (polling or webhook) until `stop` is set, then finish in-flight work and shut down."""
    application, adapter = build_application(services, config, **build)
    await application.initialize()
    hook: WebhookServer | None = None
    try:
        await adapter.post_init(application)
        updater = application.updater
        assert updater is not None
        poller: Poller | None = None
        if config.webhook:
            hook = WebhookServer(
                application.bot, application.update_queue, config.secret_token, config.webhook_path
            )
            hook.start(config.listen, config.port)
            await application.bot.set_webhook(
                config.webhook_url or "",
                secret_token=config.secret_token,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=config.drop_pending,
            )
        else:
            await application.bot.delete_webhook(drop_pending_updates=config.drop_pending)
            poller = Poller(application, allowed_updates=ALLOWED_UPDATES, poll_interval=config.poll_interval)
            adapter.finished = poller.done
        await application.start()
        if poller is not None:
            poller.start()
        freeze_heap()
        log.info("running (%s)", "webhook" if config.webhook else "polling")
        if started is not None:
            started(adapter)
        await stop.wait()
        log.info("stopping")
        if poller is not None:
            await poller.stop_fetching()  # at once; what is in hand is finished below
        if hook is not None:
            await hook.stop()
            hook = None
        if updater.running:
            await updater.stop()
        await application.stop()
        if poller is not None:
            await poller.acknowledge()  # only what was handled: the rest comes again after a restart
    finally:
        if hook is not None:
            await hook.stop()
        await application.shutdown()
    return adapter
