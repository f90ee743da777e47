"""Updates python-telegram-bot cannot read are skipped, not retried: one log line naming only their kind.

Telegram adds fields to the Bot API faster than the library follows (a poll without a field PTB requires
makes `Update.de_json` raise). Parsed in a batch, one such update would fail the whole getUpdates answer,
so the offset never moves and every other person waits. Each update is therefore tried on its own first;
one that fails is replaced by a bare `{"update_id": N}` (the offset moves past it and nobody is answered
for it) and the log names only its kind, e.g. `message.poll`: never its text, names or chat ids.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)
FIELD_NAME = re.compile(r"^[a-z][a-z_]{0,40}$")  # Bot API field names; anything else is not logged
CONTAINERS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
SKIP_IN_KIND = {"message_id", "date", "chat", "from", "sender_chat", "entities", "edit_date"}


def kind_of(update: Any) -> str:
    """What kind of update this is, from Bot API field names only (e.g. 'message.poll', 'callback_query')."""
    if not isinstance(update, dict):
        return "not-an-object"
    top = sorted(k for k in update if k != "update_id" and isinstance(k, str) and FIELD_NAME.match(k))
    if not top:
        return "empty"
    head = top[0]
    inner = update.get(head)
    if head in CONTAINERS and isinstance(inner, dict):
        fields = sorted(
            k for k in inner if isinstance(k, str) and FIELD_NAME.match(k) and k not in SKIP_IN_KIND
        )
        if fields:
            return f"{head}.{fields[0]}" if len(fields) == 1 else f"{head}.{'+'.join(fields[:3])}"
    return head


def readable(update: Any) -> bool:
    """Whether python-telegram-bot can turn this JSON object into an Update."""
    try:
        Update.de_json(update, None)
    except Exception:
        return False
    return True


def screen_update(update: Any) -> Any:
    """The update itself, or a bare `{"update_id": N}` (logged by kind) when the library cannot read it."""
    if readable(update):
        return update
    log.warning("skipped an update the library cannot read (kind %s)", kind_of(update))
    update_id = update.get("update_id") if isinstance(update, dict) else None
    return {"update_id": update_id if isinstance(update_id, int) else 0}


def screen_payload(data: Any) -> Any:
    """A decoded getUpdates answer with every unreadable update replaced (other answers untouched)."""
    if isinstance(data, dict) and isinstance(data.get("result"), list):
        result = data["result"]
        if result and all(isinstance(u, dict) and "update_id" in u for u in result):
            data["result"] = [screen_update(u) for u in result]
    return data


class GuardedRequest(HTTPXRequest):
    """The HTTP request PTB uses for getUpdates, screening each update before PTB parses the batch."""

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        try:
            data = json.loads(payload.decode("utf-8", "replace"))
        except ValueError as exc:
            raise TelegramError("Invalid server response") from exc
        screened: dict[str, Any] = screen_payload(self.repair(data))
        return screened

    def repair(self, data: Any) -> Any:
        """A hook for subclasses that fix a server's answers first (see bot.lenient)."""
        return data
