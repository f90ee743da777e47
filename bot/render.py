"""Turning a Reply into Telegram messages: HTML with every text escaped, inline keyboards, pins, files.

A message with a pin or a file is sent as its text (if any) followed by the venue/location or document,
which carries the buttons, so the buttons stay at the bottom of the chat. Texts longer than Telegram's
4,096 characters are split at line breaks; the buttons go with the last part. A call Telegram surely
did not take (a 5xx answer, no connection) is made once more before the error goes up (bot.send_faults).
"""

from __future__ import annotations

import html
import logging
from functools import lru_cache
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode

from bot.send_faults import once_more_if_not_taken
from conversations.types import Button, Message, Reply

log = logging.getLogger(__name__)
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
RAW_SEND_MESSAGE = "sendmessage"
RAW_SEND_VENUE = "sendvenue"
RAW_SEND_LOCATION = "sendlocation"


def escape(text: str) -> str:
    """Escape a plain text for HTML parse mode (quotes stay as they are)."""
    return html.escape(text, quote=False)


def fits_callback(data: str) -> bool:
    """Whether a button id fits Telegram's callback data (1 to 64 bytes)."""
    return 1 <= len(data.encode()) <= MAX_CALLBACK_DATA


def inline_button(button: Button) -> InlineKeyboardButton | None:
    """A url button or a callback button; None (and a log line) for an id that cannot be sent."""
    if button.url:
        return InlineKeyboardButton(button.label, url=button.url)
    if not fits_callback(button.id):
        log.error("dropped a button whose id does not fit 64 bytes (prefix %s)", button.id.split(":", 1)[0])
        return None
    return InlineKeyboardButton(button.label, callback_data=button.id)


def inline_markup(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    """The inline keyboard of a message, or None when it has no buttons."""
    out = []
    for row in rows:
        converted = [b for b in (inline_button(x) for x in row) if b is not None]
        if converted:
            out.append(converted)
    return InlineKeyboardMarkup(out) if out else None


@lru_cache(maxsize=16)
def location_keyboard(label: str) -> ReplyKeyboardMarkup:
    """A one-time reply keyboard with a single 'share my location' button (one per label: these objects
    are immutable)."""
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton(label, request_location=True)]], resize_keyboard=True, one_time_keyboard=True
    )
    _AS_JSON[id(markup)] = (markup, markup.to_dict())
    return markup


REMOVE_KEYBOARD = ReplyKeyboardRemove()  # immutable, so one serves every reply
# Bot API JSON of the markups made above, by object (kept with it, so an id is never reused): their
# to_dict() took ~30 µs a message. Nothing changes these dicts; they only go to json.dumps.
_AS_JSON: dict[int, tuple[Markup, dict[str, Any]]] = {}
_AS_JSON[id(REMOVE_KEYBOARD)] = (REMOVE_KEYBOARD, REMOVE_KEYBOARD.to_dict())


def markup_dict(markup: Markup) -> dict[str, Any]:
    """A reply markup as Bot API JSON (made once for the location keyboards and the removal)."""
    kept = _AS_JSON.get(id(markup))
    if kept is not None and kept[0] is markup:
        return kept[1]
    return markup.to_dict()


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a plain text into parts whose escaped form fits `limit`, preferring line breaks."""
    parts: list[str] = []
    rest = text
    while len(escape(rest)) > limit:
        cut = limit
        while len(escape(rest[:cut])) > limit:
            cut -= max(1, (len(escape(rest[:cut])) - limit) // 5 or 1)
        newline = rest.rfind("\n", 0, cut)
        if newline > cut // 2:
            cut = newline + 1
        parts.append(rest[:cut])
        rest = rest[cut:]
    if rest.strip() or not parts:
        parts.append(rest)
    return [p for p in parts if p.strip()] or [text[:limit] or "…"]


def is_plain(message: Message) -> bool:
    """A message that is only text and buttons (so it can replace another by editing)."""
    return message.pin is None and message.document is None and len(escape(message.text)) <= MAX_TEXT


def compact(reply: Reply) -> Reply:
    """The reply in as few messages as it needs: a short lead without buttons (a note, a gentle offer)
    joins the plain message after it, blank line between, while the two fit in one Telegram message.

    Replies that ask for a location keep their messages (the location keyboard rides on a message
    without buttons)."""
    if reply.request_location or len(reply.messages) < 2:
        return reply
    out: list[Message] = []
    for message in reply.messages:
        prev = out[-1] if out else None
        if (
            prev is not None
            and not any(prev.buttons)
            and is_plain(prev)
            and is_plain(message)
            and prev.text.strip()
            and len(escape(prev.text)) + 2 + len(escape(message.text)) <= MAX_TEXT
        ):
            out[-1] = Message(text=f"{prev.text}\n\n{message.text}", buttons=message.buttons)
        else:
            out.append(message)
    return Reply(out, request_location=reply.request_location, edit=reply.edit, erased=reply.erased)


def markup_json(rows: list[list[Button]]) -> dict[str, Any] | None:
    """The inline keyboard as Bot API JSON (the same buttons inline_markup keeps)."""
    out = []
    for row in rows:
        keys: list[dict[str, str]] = []
        for b in row:
            if b.url:
                keys.append({"text": b.label, "url": b.url})
            elif fits_callback(b.id):
                keys.append({"text": b.label, "callback_data": b.id})
        if keys:
            out.append(keys)
    return {"inline_keyboard": out} if out else None


async def send_raw(bot: Bot, method: str, kwargs: dict[str, Any]) -> int:
    """A Bot API send with plain JSON (no python-telegram-bot objects for the keyboard or the answer);
    the id of the message sent. Method names are case-insensitive: the lower-case spelling makes a raw call
    without a warning. Errors, the rate limiter and its retries behave exactly as for the typed methods."""
    result = await once_more_if_not_taken(lambda: bot.do_api_request(method, api_kwargs=kwargs))
    return int(result["message_id"]) if isinstance(result, dict) else 0


async def send_text(bot: Bot, chat_id: int, html_text: str, markup: dict[str, Any] | None) -> int:
    """sendMessage without building python-telegram-bot objects for the keyboard and the answer.

    This is the bot's most frequent call, so it goes to the endpoint with plain JSON. Bot API method
    names are case-insensitive; the lower-case spelling is python-telegram-bot's way to make a raw call
    without a warning. Errors, the rate limiter and its retries behave exactly as for send_message.
    """
    kwargs: dict[str, Any] = {"chat_id": chat_id, "text": html_text, "parse_mode": "HTML"}
    if markup is not None:
        kwargs["reply_markup"] = markup
    return await send_raw(bot, RAW_SEND_MESSAGE, kwargs)


async def send_message(bot: Bot, chat_id: int, message: Message, extra_markup: Markup | None = None) -> int:
    """Send one Message (text, then pin or file); return the id of the last Telegram message sent."""
    carrier = message.pin is not None or message.document is not None
    texts = split_text(message.text) if message.text.strip() else []
    if not carrier:
        markup = markup_json(message.buttons)
        if markup is None and extra_markup is not None:
            markup = markup_dict(extra_markup)
        last_id = 0
        for i, part in enumerate(texts):
            last_id = await send_text(bot, chat_id, escape(part), markup if i == len(texts) - 1 else None)
        return last_id
    objects: Markup | None = None  # python-telegram-bot's objects, for a file
    if message.document is not None:
        objects = inline_markup(message.buttons) or extra_markup
    if message.document is not None and len(texts) == 1 and len(escape(texts[0])) <= MAX_CAPTION:
        doc = message.document
        sent = await once_more_if_not_taken(
            lambda: bot.send_document(
                chat_id,
                InputFile(doc.data, filename=doc.filename),
                caption=escape(texts[0]),
                parse_mode=ParseMode.HTML,
                reply_markup=objects,
            )
        )
        return sent.message_id
    for part in texts:
        await send_text(bot, chat_id, escape(part), None)
    last_id = 0
    if message.pin is not None:  # the most frequent carrier (a meeting card): plain JSON, as send_text
        pin = message.pin
        kwargs: dict[str, Any] = {"chat_id": chat_id, "latitude": pin.lat, "longitude": pin.lon}
        if pin.title.strip() and pin.address.strip():
            kwargs.update(title=pin.title[:256], address=pin.address[:256])
        markup = markup_json(message.buttons)
        if markup is None and extra_markup is not None:
            markup = markup_dict(extra_markup)
        if markup is not None:
            kwargs["reply_markup"] = markup
        last_id = await send_raw(bot, RAW_SEND_VENUE if "title" in kwargs else RAW_SEND_LOCATION, kwargs)
    if message.document is not None:
        doc = message.document
        sent = await once_more_if_not_taken(
            lambda: bot.send_document(
                chat_id, InputFile(doc.data, filename=doc.filename), reply_markup=objects
            )
        )
        last_id = sent.message_id
    return last_id


async def send_reply(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    *,
    location_label: str = "",
    location_hint: str = "",
    remove_keyboard: bool = False,
) -> int:
    """Send every message of a reply (compacted); a location request rides on the last message without
    buttons."""
    messages = [m for m in compact(reply).messages if m.text.strip() or m.pin or m.document]
    extra: list[Markup | None] = [None] * len(messages)
    if reply.request_location and location_label:
        free = [i for i, m in enumerate(messages) if not any(m.buttons)]
        if free:
            extra[free[-1]] = location_keyboard(location_label)
        else:
            messages.append(Message(text=location_hint or location_label))
            extra.append(location_keyboard(location_label))
    elif remove_keyboard:
        free = [i for i, m in enumerate(messages) if not any(m.buttons)]
        if free:
            extra[free[0]] = REMOVE_KEYBOARD
    last = 0
    for message, markup in zip(messages, extra, strict=True):
        last = await send_message(bot, chat_id, message, markup)
    return last


async def edit_message(bot: Bot, chat_id: int, message_id: int, message: Message) -> None:
    """Replace a message's text and buttons in place (raises telegram errors)."""
    await once_more_if_not_taken(
        lambda: bot.edit_message_text(
            escape(message.text),
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=inline_markup(message.buttons),
        )
    )
