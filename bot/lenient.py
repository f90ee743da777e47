"""Tolerance for Bot API emulators and test servers that differ from Telegram in small ways.

Some emulators omit fields that python-telegram-bot requires (getMe without is_bot, a callback query
without chat_instance, a message without date or chat type) or give dates in milliseconds. Against
Telegram itself (the default TELEGRAM_BASE_URL) none of this is used.
"""

from __future__ import annotations

from typing import Any

from bot.update_guard import GuardedRequest

MILLISECONDS = 10**11  # a 'date' above this is in milliseconds (seconds reach it in the year 5138)
DATE_KEYS = ("date", "edit_date", "forward_date", "until_date")


def _fix_dates(obj: dict[str, Any]) -> None:
    for key in DATE_KEYS:
        value = obj.get(key)
        if isinstance(value, int | float) and value > MILLISECONDS:
            obj[key] = int(value // 1000)


def fix_message(msg: Any) -> None:
    """Fill in what python-telegram-bot needs in a Message."""
    if not isinstance(msg, dict):
        return
    _fix_dates(msg)
    msg.setdefault("message_id", 0)
    msg.setdefault("date", 0)
    chat = msg.get("chat")
    if isinstance(chat, dict):
        chat.setdefault("type", "private")
    elif "chat_id" in msg:
        msg["chat"] = {"id": int(msg["chat_id"]), "type": "private"}
    else:
        msg["chat"] = {"id": 0, "type": "private"}
    for key in ("from", "via_bot"):
        if isinstance(msg.get(key), dict):
            msg[key].setdefault("is_bot", False)
            msg[key].setdefault("first_name", "")
    fix_message(msg.get("reply_to_message"))


def fix_update(update: Any) -> None:
    """Fill in what python-telegram-bot needs in an Update."""
    if not isinstance(update, dict):
        return
    for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
        fix_message(update.get(key))
    query = update.get("callback_query")
    if isinstance(query, dict):
        query.setdefault("chat_instance", "")
        query.setdefault("id", str(update.get("update_id", 0)))
        if isinstance(query.get("from"), dict):
            query["from"].setdefault("is_bot", False)
        fix_message(query.get("message"))
    member = update.get("my_chat_member")
    if isinstance(member, dict):
        _fix_dates(member)


def fix_payload(data: Any) -> Any:
    """Normalise one decoded API answer in place (getMe, getUpdates, sent and edited Messages)."""
    if not isinstance(data, dict):
        return data
    result = data.get("result")
    if isinstance(result, list):
        for item in result:
            if isinstance(item, dict) and "update_id" in item:
                fix_update(item)
    elif isinstance(result, dict):
        if "username" in result and "message_id" not in result and "is_bot" not in result:
            result["is_bot"] = True  # getMe
            result.setdefault("first_name", result.get("username", ""))
        if "message_id" in result or "chat" in result:
            fix_message(result)
    return data


class LenientRequest(GuardedRequest):
    """A guarded request that repairs emulator answers before python-telegram-bot parses them."""

    def repair(self, data: Any) -> Any:
        return fix_payload(data)
