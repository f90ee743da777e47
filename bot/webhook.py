"""The webhook server: the secret is checked before a byte of the body is read, the body is capped, a bad
body gets 400, and an update already taken in (a replay) is acknowledged but not handled again.

Replaces PTB's own webhook server, which reads the whole body (up to 100 MB) before checking the secret,
and answers a non-JSON body with 500. An update the library cannot read is screened as in polling
(bot.update_guard): acknowledged, logged by kind only.
"""

from __future__ import annotations

import asyncio
import collections
import hmac
import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Bot, Update
from telegram.ext import ExtBot
from tornado.httpserver import HTTPServer

from bot.update_guard import screen_update

log = logging.getLogger(__name__)
MAX_BODY = 1 << 20  # 1 MiB: Telegram's updates are a few KB
RECENT_IDS = 100_000  # update ids remembered to refuse replays
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class RecentIds:
    """The last N update ids taken in, to tell a replay from a new update (ids can jump, so no ordering)."""

    def __init__(self, size: int = RECENT_IDS) -> None:
        self._order: collections.deque[int] = collections.deque()
        self._ids: set[int] = set()
        self._size = size

    def add(self, update_id: int) -> bool:
        """Remember an id; False when it was already there."""
        if update_id in self._ids:
            return False
        self._ids.add(update_id)
        self._order.append(update_id)
        if len(self._order) > self._size:
            self._ids.discard(self._order.popleft())
        return True


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST /path: one update from Telegram."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, hook: WebhookServer) -> None:
        self.hook = hook
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        """Runs on the headers alone: a wrong secret or an oversized body never gets read."""
        token = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(token.encode(), self.hook.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        length = self.request.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > self.hook.max_body:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.hook.max_body:  # chunked bodies carry no length up front
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
        except (ValueError, RecursionError):
            data = None
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        assert isinstance(data, dict)
        self.set_status(HTTPStatus.OK)
        if not self.hook.recent.add(update_id):
            log.info("ignored a replayed update")
            return
        update = Update.de_json(screen_update(data), self.hook.bot)  # unreadable: bare, logged by kind
        if isinstance(self.hook.bot, ExtBot):
            self.hook.bot.insert_callback_data(update)
        await self.hook.queue.put(update)

    def log_exception(self, *args: Any) -> None:
        """Refusals are expected; nothing about a request (its headers may hold the secret) is logged."""


class QuietApplication(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: request lines are not ours to keep."""


class WebhookServer:
    """An HTTP server that puts Telegram's updates on the application's update queue."""

    def __init__(
        self,
        bot: Bot,
        queue: asyncio.Queue[object],
        secret: str,
        path: str,
        *,
        max_body: int = MAX_BODY,
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self.bot, self.queue, self.secret, self.max_body = bot, queue, secret, max_body
        self.recent = RecentIds()
        app = QuietApplication([(rf"/{path.strip('/')}/?", UpdateHandler, {"hook": self})])
        # Tornado refuses a declared or chunked body over the cap itself, before our handler runs.
        self._server = HTTPServer(app, max_body_size=max_body, idle_connection_timeout=60, body_timeout=30)

    def start(self, listen: str, port: int) -> None:
        self._server.listen(port, address=listen)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()
