"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benches (aiohttp).

It behaves like Telegram where it matters to the bot: getMe with is_bot, dates in seconds, getUpdates
long polling fed from a queue the test fills, callback queries with chat_instance, edit methods that return
the edited Message, 400 for callback data over 64 bytes or unparsable HTML, 403 for blocked chats, 429 with
retry_after on demand or beyond a global rate, and webhook delivery with the secret-token header.

In a test::

    async with FakeBotAPI() as fake:            # fake.base_url == "http://127.0.0.1:PORT/bot"
        fake.command(42, "start")               # queue an update
        await fake.wait_for("sendMessage", chat_id=42)
        fake.texts(42)                          # what the bot said to chat 42

Standalone (another process, e.g. a crash test)::

    python tests/fakebotapi.py --port 8081 [--token 123:abc] [--rate 300] [--block 7 --block 8]

and drive it over HTTP: POST /_fake/update (one Update JSON), POST /_fake/text {"chat_id", "text"},
POST /_fake/command {"chat_id", "command", "args"}, POST /_fake/callback {"chat_id", "data"},
POST /_fake/block {"chat_id"}, POST /_fake/fail {"method", "status", "retry_after", "count"},
GET /_fake/calls?method=sendMessage, GET /_fake/stats, POST /_fake/reset.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import html.parser
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

BOT_ID = 123
INT_PARAMS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "cache_time",
    "max_connections",
    "reply_to_message_id",
    "user_id",
}
FLOAT_PARAMS = {"latitude", "longitude"}
JSON_PARAMS = {"reply_markup", "allowed_updates", "commands", "scope", "entities", "reply_parameters"}
SEND_METHODS = {
    "sendmessage",
    "sendlocation",
    "sendvenue",
    "senddocument",
    "sendphoto",
    "editmessagetext",
    "editmessagereplymarkup",
    "copymessage",
    "forwardmessage",
}
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "tg-emoji",
    "blockquote",
}
ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


@dataclass(slots=True)
class Call:
    """One request the bot made: method (as the bot spelled it), decoded parameters, monotonic time.

    Every call is recorded except successful getUpdates (long polls would flood the list).
    """

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


DROPPED = 0  # fail(status=DROPPED): the connection drops before the call is carried out
ANSWER_LOST = -1  # fail(status=ANSWER_LOST): the call is carried out (a message delivered), the answer lost


class _Drop(Exception):
    """Raised inside the fake to hang up on a call before carrying it out."""


@dataclass(slots=True)
class Failure:
    """An error to return for the next `count` calls of a method (or of every send method: '*')."""

    method: str
    status: int
    retry_after: int | None
    count: int
    description: str = ""


@dataclass
class Webhook:
    url: str = ""
    secret_token: str = ""
    allowed_updates: list[str] = field(default_factory=list)


class _HtmlCheck(html.parser.HTMLParser):
    """Rejects tags Telegram does not support and unbalanced tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.error = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = f'Unmatched end tag "{tag}"'
        else:
            self.stack.pop()


def check_html(text: str) -> None:
    """Raise ApiError 400 like Telegram does for text that is not valid Bot API HTML."""
    stripped = re.sub(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?>", "", text)
    stripped = ENTITY_RE.sub("", stripped)
    if "<" in stripped or "&" in stripped:
        raise ApiError(400, "Bad Request: can't parse entities: unescaped '<' or '&'")
    checker = _HtmlCheck()
    checker.feed(text)
    checker.close()
    if checker.error or checker.stack:
        raise ApiError(400, f"Bad Request: can't parse entities: {checker.error or 'unclosed tag'}")


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text as a user would see it (tags removed, entities decoded) for assertions."""
    if (parse_mode or "").upper() != "HTML":
        return text
    import html as html_mod

    return html_mod.unescape(re.sub(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?>", "", text))


class FakeBotAPI:
    """The fake server; start with `await fake.start()` or `async with FakeBotAPI() as fake`."""

    def __init__(
        self,
        token: str | None = None,
        *,
        username: str = "EersteStapTestBot",
        rate_limit: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        max_poll_timeout: float = 30.0,
    ) -> None:
        self.token = token
        self.username = username
        self.rate_limit = rate_limit
        self.host = host
        self.port = port
        self.max_poll_timeout = max_poll_timeout
        self.calls: list[Call] = []
        self.blocked: set[int] = set()
        self.failures: list[Failure] = []
        self.webhook = Webhook()
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat_id, message_id) → Message
        self.updates: list[dict[str, Any]] = []
        self.webhook_responses: list[int] = []
        self._next_update_id = 1000
        self._next_message_id: dict[int, int] = collections.defaultdict(lambda: 1)
        self._recent_sends: collections.deque[float] = collections.deque()
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._callback_counter = 0
        self.pushed = 0  # updates queued for the bot so far
        self._tasks: set[asyncio.Future[None]] = set()

    # ---- lifecycle -------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What TELEGRAM_BASE_URL (and PTB's base_url) should be: the token is appended to it."""
        return f"{self.url}/bot"

    def app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_post("/_fake/{action}", self._control)
        app.router.add_get("/_fake/{action}", self._control)
        return app

    async def start(self) -> FakeBotAPI:
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        if server is not None and server.sockets:  # type: ignore[union-attr]
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._webhook_task = asyncio.create_task(self._webhook_pump())
        return self

    async def stop(self) -> None:
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            try:
                await self._webhook_task
            except (asyncio.CancelledError, Exception):
                pass
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- test controls ---------------------------------------------------------------------------------

    def block(self, *chat_ids: int) -> None:
        """From now on, sending to these chats answers 403 'bot was blocked by the user'."""
        self.blocked.update(chat_ids)

    def fail(
        self,
        method: str = "*",
        *,
        status: int = 429,
        retry_after: int | None = 1,
        count: int = 1,
        description: str = "",
    ) -> None:
        """Make the next `count` calls of `method` ('*' = any send method) fail with `status`: an HTTP
        error, DROPPED (hang up before carrying the call out) or ANSWER_LOST (carry it out, then hang up)."""
        self.failures.append(
            Failure(method.lower(), status, retry_after if status == 429 else None, count, description)
        )

    def reset(self) -> None:
        """Forget recorded calls (keeps messages, webhook and blocks)."""
        self.calls.clear()

    def calls_of(self, method: str, **match: Any) -> list[Call]:
        """Recorded calls of a method (case-insensitive) whose params include `match`."""
        m = method.lower()
        return [
            c
            for c in self.calls
            if c.method.lower() == m
            and c.status == 200
            and all(c.params.get(k) == v for k, v in match.items())
        ]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Carried-out sendMessage/editMessageText/sendVenue/... calls (their answer may have been lost),
        optionally to one chat."""
        return [
            c
            for c in self.calls
            if c.method.lower() in SEND_METHODS
            and c.status in (200, ANSWER_LOST)
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """The plain texts (tags removed) of messages sent or edited, in order."""
        out = []
        for c in self.sent(chat_id):
            text = c.params.get("text", c.params.get("caption"))
            if isinstance(text, str):
                out.append(plain_text(text, c.params.get("parse_mode")))
        return out

    def last_markup(self, chat_id: int) -> dict[str, Any] | None:
        """The reply_markup of the last message sent to a chat that had one."""
        for c in reversed(self.sent(chat_id)):
            if c.params.get("reply_markup"):
                return c.params["reply_markup"]
        return None

    def buttons(self, chat_id: int) -> list[dict[str, Any]]:
        """Inline buttons of the last message to a chat with an inline keyboard."""
        for c in reversed(self.sent(chat_id)):
            markup = c.params.get("reply_markup") or {}
            if "inline_keyboard" in markup:
                return [b for row in markup["inline_keyboard"] for b in row]
        return []

    def last_message_id(self, chat_id: int) -> int:
        """The id of the last message the bot sent to a chat."""
        ids = [mid for (cid, mid) in self.messages if cid == chat_id]
        return max(ids) if ids else 0

    async def wait_for(
        self, method: str, *, count: int = 1, within: float = 10.0, since: int = 0, **match: Any
    ) -> list[Call]:
        """Wait until at least `count` successful calls of `method` matching `match` were made."""
        deadline = time.monotonic() + within

        m = method.lower()

        def found() -> list[Call]:
            return [
                c
                for c in self.calls[since:]
                if c.method.lower() == m
                and c.status == 200
                and all(c.params.get(k) == v for k, v in match.items())
            ]

        async with self._changed:
            while len(hits := found()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{method} {match} seen {len(hits)}/{count} times")
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    pass
        return hits

    async def wait_idle(self, quiet: float = 0.15, within: float = 10.0) -> None:
        """Wait until no call has arrived for `quiet` seconds (the bot finished answering)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            last = self.calls[-1].at if self.calls else 0.0
            idle = time.monotonic() - last
            if idle >= quiet and not self._pending_for_bot():
                return
            await asyncio.sleep(max(0.01, quiet - idle))
        raise TimeoutError("the bot kept calling the API")

    def _pending_for_bot(self) -> bool:
        return bool(self.updates) or not self._webhook_queue.empty()

    # ---- building updates ------------------------------------------------------------------------------

    def user(self, user_id: int, language_code: str | None = "nl") -> dict[str, Any]:
        out: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
        if language_code:
            out["language_code"] = language_code
        return out

    def chat(self, chat_id: int, kind: str = "private") -> dict[str, Any]:
        if kind == "private":
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        if kind == "channel":
            return {"id": chat_id, "type": "channel", "title": "Kanaal"}
        return {"id": chat_id, "type": kind, "title": "Groep"}

    def incoming(
        self,
        chat_id: int,
        *,
        kind: str = "private",
        language_code: str | None = "nl",
        from_id: int | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A Message from a person (or a channel) with the given extra fields."""
        msg: dict[str, Any] = {
            "message_id": self._message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chat(chat_id, kind),
        }
        if kind != "channel":
            msg["from"] = self.user(from_id if from_id is not None else chat_id, language_code)
        msg.update(fields)
        return msg

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (an update_id is added); return it."""
        update = {"update_id": self._next_update_id, **update}
        self._next_update_id += 1
        self.pushed += 1
        if self.webhook.url:
            self._webhook_queue.put_nowait(update)
        else:
            self.updates.append(update)
        asyncio.get_event_loop().call_soon(self._notify)
        return update

    def text(
        self,
        chat_id: int,
        text: str,
        *,
        language_code: str | None = "nl",
        kind: str = "private",
        from_id: int | None = None,
    ) -> dict[str, Any]:
        """A typed text message."""
        msg = self.incoming(chat_id, kind=kind, language_code=language_code, from_id=from_id, text=text)
        if text.startswith("/"):
            head = text.split(" ", 1)[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(head)}]
        key = "channel_post" if kind == "channel" else "message"
        return self.push({key: msg})

    def command(self, chat_id: int, command: str, args: str = "", **kw: Any) -> dict[str, Any]:
        """'/command args'."""
        return self.text(chat_id, f"/{command}" + (f" {args}" if args else ""), **kw)

    def callback(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int | None = None,
        inaccessible: bool = False,
        language_code: str | None = "nl",
    ) -> dict[str, Any]:
        """A button press on a message the bot sent (the last one by default)."""
        self._callback_counter += 1
        mid = message_id if message_id is not None else self.last_message_id(chat_id)
        message = self.messages.get((chat_id, mid))
        if inaccessible or message is None:
            message = {"chat": self.chat(chat_id), "message_id": mid or 1, "date": 0}
        query = {
            "id": f"{chat_id}{self._callback_counter:06d}",
            "from": self.user(chat_id, language_code),
            "chat_instance": f"-{abs(hash(chat_id)) % 10**18}",
            "data": data,
            "message": message,
        }
        return self.push({"callback_query": query})

    def press(self, chat_id: int, label_or_data: str) -> dict[str, Any]:
        """Press a button of the last inline keyboard by its label (or callback data)."""
        for c in reversed(self.sent(chat_id)):
            markup = c.params.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for b in row:
                    if label_or_data in (b.get("text"), b.get("callback_data")) and "callback_data" in b:
                        mid = self._result_message_id(c)
                        return self.callback(chat_id, b["callback_data"], message_id=mid)
        raise KeyError(f"no button {label_or_data!r} in chat {chat_id}")

    def location(self, chat_id: int, lat: float, lon: float, **kw: Any) -> dict[str, Any]:
        """A shared location."""
        return self.push(
            {"message": self.incoming(chat_id, location={"latitude": lat, "longitude": lon}, **kw)}
        )

    def media(self, chat_id: int, kind: str, **kw: Any) -> dict[str, Any]:
        """A sticker, photo, voice, video, video_note, audio, document, contact, poll, animation or dice."""
        fid = {"file_id": "AgAD" + secrets.token_hex(4), "file_unique_id": secrets.token_hex(4)}
        payloads: dict[str, Any] = {
            "sticker": {
                **fid,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "😀",
            },
            "photo": [{**fid, "width": 90, "height": 90}],
            "voice": {**fid, "duration": 3},
            "video": {**fid, "width": 320, "height": 240, "duration": 3},
            "video_note": {**fid, "length": 240, "duration": 3},
            "audio": {**fid, "duration": 3},
            "animation": {**fid, "width": 320, "height": 240, "duration": 3},
            "document": {**fid, "file_name": "brief.pdf", "mime_type": "application/pdf"},
            "contact": {"phone_number": "+31600000000", "first_name": "Iemand"},
            "dice": {"emoji": "🎲", "value": 3},
            "poll": {
                "id": "1",
                "question": "?",
                "options": [
                    {"text": "a", "voter_count": 0, "persistent_id": "o1"},
                    {"text": "b", "voter_count": 0, "persistent_id": "o2"},
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            },
        }
        return self.push({"message": self.incoming(chat_id, **{kind: payloads[kind]}, **kw)})

    def edited(self, chat_id: int, text: str) -> dict[str, Any]:
        """An edited message."""
        msg = self.incoming(chat_id, text=text, edit_date=int(time.time()))
        return self.push({"edited_message": msg})

    def channel_post(self, chat_id: int, text: str) -> dict[str, Any]:
        """A post in a channel the bot is in."""
        return self.text(chat_id, text, kind="channel")

    def my_chat_member(self, chat_id: int, status: str = "kicked") -> dict[str, Any]:
        """The person blocked ('kicked') or unblocked ('member') the bot."""
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "Eerste Stap", "username": self.username}
        update = {
            "chat": self.chat(chat_id),
            "from": self.user(chat_id),
            "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": bot},
            "new_chat_member": {
                "status": status,
                "user": bot,
                **({"until_date": 0} if status == "kicked" else {}),
            },
        }
        return self.push({"my_chat_member": update})

    # ---- the API ---------------------------------------------------------------------------------------

    def _notify(self) -> None:
        task = asyncio.ensure_future(self._notify_async())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _notify_async(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _message_id(self, chat_id: int) -> int:
        mid = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = mid + 1
        return mid

    @staticmethod
    def _result_message_id(call: Call) -> int | None:
        return call.params.get("_message_id") or call.params.get("message_id")

    async def _params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        if request.method == "GET":
            raw.update(request.query)
        elif request.content_type == "application/json":
            body = await request.read()
            raw.update(json.loads(body) if body else {})
        else:
            post = await request.post()
            for key, value in post.items():
                if isinstance(value, web.FileField):
                    raw[key] = {"filename": value.filename, "size": len(value.file.read())}
                else:
                    raw[key] = value
        for key, value in list(raw.items()):
            if isinstance(value, str) and value.startswith("attach://") and value[9:] in raw:
                raw[key] = raw.pop(value[9:])
        return {k: self._decode(k, v) for k, v in raw.items()}

    @staticmethod
    def _decode(key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            if key in INT_PARAMS and re.fullmatch(r"-?\d+", value):
                return int(value)
            if key in FLOAT_PARAMS:
                return float(value)
            if key in JSON_PARAMS or value in ("true", "false"):
                return json.loads(value)
        except ValueError:
            return value
        return value

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await self._params(request)
        except Exception:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request"}, status=400
            )
        call = Call(method, params, time.monotonic())
        try:
            if self.token is not None and request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            result = await self._dispatch(method.lower(), params, call)
        except ApiError as err:
            call.status = err.code
            self._record(call)
            return web.json_response(err.body(), status=err.code)
        except _Drop:
            call.status = DROPPED
            self._record(call)
            return self._hang_up(request)
        if call.status == ANSWER_LOST:
            self._record(call)
            return self._hang_up(request)
        self._record(call)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _hang_up(request: web.Request) -> web.Response:
        """Close the connection without an answer (the client sees the server disconnect)."""
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=204)

    def _record(self, call: Call) -> None:
        if call.method.lower() != "getupdates" or call.status != 200:
            self.calls.append(call)
        self._notify()

    def _check_failures(self, method: str, call: Call) -> None:
        for failure in self.failures:
            if failure.count > 0 and (
                failure.method == method or (failure.method == "*" and method in SEND_METHODS)
            ):
                failure.count -= 1
                if failure.status == DROPPED:
                    raise _Drop
                if failure.status == ANSWER_LOST:
                    call.status = ANSWER_LOST  # carried out, then the connection drops before the answer
                    return
                if failure.status == 429:
                    raise ApiError(
                        429, f"Too Many Requests: retry after {failure.retry_after}", failure.retry_after
                    )
                raise ApiError(failure.status, failure.description or f"Error {failure.status}")
        self.failures = [f for f in self.failures if f.count > 0]

    def _check_rate(self) -> None:
        if not self.rate_limit:
            return
        now = time.monotonic()
        while self._recent_sends and now - self._recent_sends[0] >= 1.0:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= self.rate_limit:
            raise ApiError(429, "Too Many Requests: retry after 1", 1)
        self._recent_sends.append(now)

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Eerste Stap",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _check_markup(self, params: dict[str, Any]) -> None:
        markup = params.get("reply_markup")
        if markup is None:
            return
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for b in row:
                data = b.get("callback_data")
                if data is not None and not (1 <= len(data.encode()) <= MAX_CALLBACK_DATA):
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not b.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")

    def _check_text(self, params: dict[str, Any], key: str = "text", limit: int = MAX_TEXT) -> str:
        text = params.get(key)
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if (params.get("parse_mode") or "").upper() == "HTML":
            check_html(text)
        if len(plain_text(text, params.get("parse_mode"))) > limit:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _chat_of(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _new_message(self, chat_id: int, call: Call, **fields: Any) -> dict[str, Any]:
        mid = self._message_id(chat_id)
        msg: dict[str, Any] = {
            "message_id": mid,
            "date": int(time.time()),
            "chat": self.chat(chat_id, "private" if chat_id > 0 else "group"),
            "from": self._bot_user(),
            **fields,
        }
        markup = call.params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        self.messages[(chat_id, mid)] = msg
        call.params["_message_id"] = mid
        return msg

    async def _dispatch(self, method: str, p: dict[str, Any], call: Call) -> Any:
        self._check_failures(method, call)
        if method in SEND_METHODS:
            self._check_rate()
        if method == "getme":
            return self._bot_user()
        if method == "getupdates":
            return await self._get_updates(p)
        if method == "logout" or method == "close":
            return True
        if method == "deletewebhook":
            self.webhook = Webhook()
            if p.get("drop_pending_updates"):
                self.updates.clear()
            return True
        if method == "setwebhook":
            url = p.get("url", "")
            if url and not url.startswith(("http://", "https://")):
                raise ApiError(400, "Bad Request: bad webhook: invalid URL")
            token = p.get("secret_token", "")
            if token and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", token):
                raise ApiError(400, "Bad Request: secret token contains unallowed characters")
            self.webhook = Webhook(url, token, p.get("allowed_updates") or [])
            if p.get("drop_pending_updates"):
                self.updates.clear()
            for update in self.updates:
                self._webhook_queue.put_nowait(update)
            self.updates.clear()
            return True
        if method == "getwebhookinfo":
            return {
                "url": self.webhook.url,
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates) + self._webhook_queue.qsize(),
            }
        if method == "setmycommands":
            scope = (p.get("scope") or {}).get("type", "default")
            self.commands[f"{scope}:{p.get('language_code', '')}"] = p.get("commands") or []
            return True
        if method == "getmycommands":
            return self.commands.get(f"default:{p.get('language_code', '')}", [])
        if method == "setmydescription":
            self.descriptions[p.get("language_code", "")] = p.get("description", "")
            return True
        if method == "setmyshortdescription":
            self.short_descriptions[p.get("language_code", "")] = p.get("short_description", "")
            return True
        if method == "answercallbackquery":
            if not p.get("callback_query_id"):
                raise ApiError(
                    400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
                )
            return True
        if method in ("sendchataction", "deletemessage"):
            self._chat_of(p)
            return True
        if method == "sendmessage":
            chat_id = self._chat_of(p)
            text = self._check_text(p)
            self._check_markup(p)
            return self._new_message(chat_id, call, text=plain_text(text, p.get("parse_mode")))
        if method in ("editmessagetext", "editmessagereplymarkup"):
            return self._edit(method, p)
        if method == "sendlocation":
            chat_id = self._chat_of(p)
            self._check_markup(p)
            loc = {"latitude": p.get("latitude"), "longitude": p.get("longitude")}
            return self._new_message(chat_id, call, location=loc)
        if method == "sendvenue":
            chat_id = self._chat_of(p)
            self._check_markup(p)
            if not p.get("title") or not p.get("address"):
                raise ApiError(400, "Bad Request: venue title and address must be non-empty")
            loc = {"latitude": p.get("latitude"), "longitude": p.get("longitude")}
            venue = {"location": loc, "title": p["title"], "address": p["address"]}
            return self._new_message(chat_id, call, location=loc, venue=venue)
        if method == "senddocument":
            chat_id = self._chat_of(p)
            self._check_markup(p)
            doc = p.get("document")
            if not isinstance(doc, dict):
                raise ApiError(400, "Bad Request: there is no document in the request")
            if p.get("caption"):
                self._check_text(p, "caption", 1024)
            fid = {"file_id": "BQAD" + secrets.token_hex(4), "file_unique_id": secrets.token_hex(4)}
            return self._new_message(
                chat_id, call, document={**fid, "file_name": doc["filename"], "file_size": doc["size"]}
            )
        raise ApiError(404, "Not Found: method not found")

    def _edit(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_of(p)
        key = (chat_id, p.get("message_id", 0))
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message.get("_old"):
            raise ApiError(400, "Bad Request: message can't be edited")
        self._check_markup(p)
        new = dict(message)
        if method == "editmessagetext":
            new["text"] = plain_text(self._check_text(p), p.get("parse_mode"))
        markup = p.get("reply_markup")
        if markup:
            new["reply_markup"] = markup
        else:
            new.pop("reply_markup", None)
        if new.get("text") == message.get("text") and new.get("reply_markup") == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        new["edit_date"] = int(time.time())
        self.messages[key] = new
        return new

    def make_old(self, chat_id: int, message_id: int) -> None:
        """Mark a sent message as too old to edit (Telegram refuses edits after 48 hours)."""
        self.messages[(chat_id, message_id)]["_old"] = True

    async def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(p.get("offset") or 0)
        limit = int(p.get("limit") or 100)
        timeout = min(float(p.get("timeout") or 0), self.max_poll_timeout)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not self.updates and not self._closing and not self.webhook.url:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    break
        allowed = p.get("allowed_updates")
        out = [u for u in self.updates[:limit] if not allowed or any(k in u for k in allowed)]
        return [self._public(u) for u in out]

    @staticmethod
    def _public(update: dict[str, Any]) -> dict[str, Any]:
        """An update without internal markers."""
        cq = update.get("callback_query")
        if cq and isinstance(cq.get("message"), dict) and "_old" in cq["message"]:
            msg = {k: v for k, v in cq["message"].items() if not k.startswith("_")}
            return {**update, "callback_query": {**cq, "message": msg}}
        return update

    async def _webhook_pump(self) -> None:
        """Deliver queued updates to the webhook in order, like Telegram (retrying on errors)."""
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            while True:
                update = await self._webhook_queue.get()
                for attempt in range(50):
                    if not self.webhook.url:
                        self.updates.append(update)
                        break
                    headers = {"Content-Type": "application/json"}
                    if self.webhook.secret_token:
                        headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook.secret_token
                    try:
                        async with session.post(
                            self.webhook.url, data=json.dumps(self._public(update)), headers=headers
                        ) as resp:
                            self.webhook_responses.append(resp.status)
                            if resp.status < 400:
                                break
                    except Exception:
                        self.webhook_responses.append(0)
                    await asyncio.sleep(min(0.05 * (attempt + 1), 1.0))
                self._notify()

    async def post_raw_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        """POST an update to the webhook with a chosen secret header (for checking the bot refuses it)."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with (
            ClientSession() as session,
            session.post(self.webhook.url, data=json.dumps(update), headers=headers) as resp,
        ):
            return resp.status

    # ---- control over HTTP (standalone mode) -----------------------------------------------------------

    async def _control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        body: dict[str, Any] = {}
        if request.method == "POST" and request.can_read_body:
            body = await request.json()
        handlers: dict[str, Callable[[], Any]] = {
            "update": lambda: self.push(body),
            "text": lambda: self.text(int(body["chat_id"]), body["text"]),
            "command": lambda: self.command(int(body["chat_id"]), body["command"], body.get("args", "")),
            "callback": lambda: self.callback(int(body["chat_id"]), body["data"]),
            "location": lambda: self.location(int(body["chat_id"]), float(body["lat"]), float(body["lon"])),
            "block": lambda: self.block(int(body["chat_id"])),
            "fail": lambda: self.fail(
                body.get("method", "*"),
                status=int(body.get("status", 429)),
                retry_after=body.get("retry_after", 1),
                count=int(body.get("count", 1)),
            ),
            "reset": self.reset,
            "rate": lambda: setattr(self, "rate_limit", body.get("rate")),
            "calls": lambda: [
                {"method": c.method, "params": c.params, "status": c.status}
                for c in self.calls
                if not request.query.get("method") or c.method.lower() == request.query["method"].lower()
            ],
            "stats": lambda: {
                "calls": len(self.calls),
                "sent": len(self.sent()),
                "by_chat": collections.Counter(str(c.params.get("chat_id")) for c in self.sent()),
                "errors": collections.Counter(str(c.status) for c in self.calls if c.status != 200),
                "webhook": self.webhook.url,
            },
        }
        if action not in handlers:
            return web.json_response({"ok": False}, status=404)
        result = handlers[action]()
        return web.json_response({"ok": True, "result": True if result is None else result})


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeBotAPI(args.token, rate_limit=args.rate, host=args.host, port=args.port)
    fake.block(*args.block)
    await fake.start()
    print(f"fake Bot API on {fake.base_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake Telegram Bot API for tests and benches.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=None, help="accept only this token (default: any)")
    parser.add_argument("--rate", type=float, default=None, help="global send limit per second (429 beyond)")
    parser.add_argument("--block", type=int, action="append", default=[], help="chat id that blocked the bot")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
