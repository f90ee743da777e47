"""Updates per second through the full bot, side by side with a bare python-telegram-bot echo bot.

Both run in this process on python-telegram-bot with a fake request layer (canned JSON answers, no
network). The mix is realistic: menu presses, which-group answers and near-me searches with a shared
location, replayed for many chats. Prints updates/s for both, the ratio (target >= 0.5) and the p50/p99
time per update of the full bot (target p99 <= 2 ms). The full bot runs without AIORateLimiter (which
would cap it at 30 messages/s by design); everything else is as in production.

    python bench/updates.py [--updates 4000] [--small]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters
from telegram.request import BaseRequest, RequestData

from bot.app import build_application
from bot.config import Config
from bot.ordering import PerChatProcessor
from bot.runtime import open_services
from conversations.context import Settings
from conversations.engine import Engine
from conversations.types import Input

TOKEN = "123:bench"
BOT = {"id": 1, "is_bot": True, "first_name": "Eerste Stap", "username": "EersteStapBenchBot"}
UTRECHT = (52.0907, 5.1214)


class CannedRequest(BaseRequest):
    """Answers every Bot API call at once with a plausible canned result."""

    def __init__(self) -> None:
        self.calls = 0
        now = int(time.time())
        message = {
            "message_id": 1,
            "date": now,
            "chat": {"id": 1, "type": "private"},
            "from": BOT,
            "text": "x",
        }
        self.answers = {
            "getMe": json.dumps({"ok": True, "result": BOT}).encode(),
            "message": json.dumps({"ok": True, "result": message}).encode(),
            "true": b'{"ok":true,"result":true}',
        }

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        self.calls += 1
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint == "getMe":
            return 200, self.answers["getMe"]
        if endpoint.startswith(("send", "edit")):
            return 200, self.answers["message"]
        return 200, self.answers["true"]


def message_update(uid: int, chat_id: int, **fields: Any) -> dict[str, Any]:
    msg = {
        "message_id": uid,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "T", "language_code": "nl"},
        **fields,
    }
    if str(fields.get("text", "")).startswith("/"):
        msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(fields["text"].split()[0])}]
    return {"update_id": uid, "message": msg}


def press_update(uid: int, chat_id: int, data: str) -> dict[str, Any]:
    message = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private"},
        "from": BOT,
        "text": "x",
    }
    return {
        "update_id": uid,
        "callback_query": {
            "id": str(uid),
            "chat_instance": "1",
            "data": data,
            "message": message,
            "from": {"id": chat_id, "is_bot": False, "first_name": "T", "language_code": "nl"},
        },
    }


async def script(engine: Engine) -> list[tuple[str, Any]]:
    """One person's realistic session, found by walking the real flows: menu, which group, near me."""
    steps: list[tuple[str, Any]] = [("text", "/start")]
    reply = await engine.handle(1, Input.of_text("/start"))
    for bid in ("l:start", "m:home", "w:start"):
        steps.append(("press", bid))
        reply = await engine.handle(1, Input.of_button(bid))
    for _ in range(4):  # answer the which-group questions with the first option offered
        options = [b.id for b in reply.buttons() if b.id.startswith("w:") and not b.url]
        if not options:
            break
        steps.append(("press", options[0]))
        reply = await engine.handle(1, Input.of_button(options[0]))
    steps += [("press", "m:home"), ("press", "n:start"), ("location", UTRECHT)]
    reply = await engine.handle(1, Input.of_button("n:start"))
    reply = await engine.handle(1, Input.of_location(*UTRECHT))
    cards = [b.id for b in reply.buttons() if b.id.startswith("c:") and not b.url]
    if cards:
        steps.append(("press", cards[0]))
    steps.append(("press", "m:home"))
    return steps


def updates_for(steps: list[tuple[str, Any]], total: int, first_chat: int = 1000) -> list[dict[str, Any]]:
    """Many chats replaying the script one after another, `total` updates in all."""
    out: list[dict[str, Any]] = []
    chat = first_chat
    uid = 1
    while len(out) < total:
        chat += 1
        for kind, value in steps:
            if kind == "text":
                out.append(message_update(uid, chat, text=value))
            elif kind == "press":
                out.append(press_update(uid, chat, value))
            else:
                out.append(message_update(uid, chat, location={"latitude": value[0], "longitude": value[1]}))
            uid += 1
    return out[:total]


def kind_of(data: dict[str, Any]) -> str:
    """The kind of an update in the mix: a near-me search, a button press, or a typed command."""
    if "callback_query" in data:
        return "near" if data["callback_query"]["data"].startswith(("n:", "c:")) else "press"
    return "location" if "location" in data["message"] else "text"


async def latencies(app: Application, raw: list[dict[str, Any]]) -> list[float]:
    """Seconds per update, one at a time (parse + handle, replies through the canned request layer)."""
    times = []
    for data in raw:
        start = time.perf_counter()
        await app.process_update(Update.de_json(data, app.bot))
        times.append(time.perf_counter() - start)
    return times


async def throughput(app: Application, raw: list[dict[str, Any]], handled: Callable[[], int]) -> float:
    """Updates per second when they arrive in a stream, as from getUpdates (parse + queue + handle)."""
    target = handled() + len(raw)
    start = time.perf_counter()
    for data in raw:
        await app.update_queue.put(Update.de_json(data, app.bot))
    while True:  # the handlers count what they finished
        if handled() >= target:
            break
        await asyncio.sleep(0.0005)
    return len(raw) / (time.perf_counter() - start)


class Echo:
    """A bare echo bot: echoes text; answers a button press and sends its data back."""

    def __init__(self) -> None:
        self.handled = 0
        self.app = (
            ApplicationBuilder()
            .token(TOKEN)
            .request(CannedRequest())
            .updater(None)
            .concurrent_updates(PerChatProcessor(64))
            .build()
        )
        self.app.add_handler(CallbackQueryHandler(self.press))
        self.app.add_handler(MessageHandler(filters.ALL, self.echo))

    async def echo(self, update: Update, context: Any) -> None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(update.effective_message.text or "?")
        self.handled += 1

    async def press(self, update: Update, context: Any) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await context.bot.send_message(query.message.chat.id, query.data or "?")
        self.handled += 1


async def run(total: int, rounds: int = 3) -> dict[str, float]:
    """Both bots, alternating for `rounds` rounds (fresh chats each time); the best round of each counts."""
    with tempfile.TemporaryDirectory() as tmp:
        async with open_services(Path(tmp) / "bench.db", settings=Settings(demo_allowed=True)) as services:
            steps = await script(Engine(services))
            config = Config(token=TOKEN, base_url="https://api.telegram.org/bot", allow_demo=True)
            full, adapter = build_application(services, config, request=CannedRequest(), rate_limiter=False)
            echo = Echo()
            bots: dict[str, tuple[Application, Callable[[], int]]] = {
                "bare": (echo.app, lambda: echo.handled),
                "full": (full, lambda: adapter.handled),
            }
            rate: dict[str, list[float]] = {"bare": [], "full": []}
            p50: dict[str, list[float]] = {"bare": [], "full": []}
            p99: dict[str, list[float]] = {"bare": [], "full": []}
            by_kind: dict[str, list[float]] = {}
            for app, _ in bots.values():
                await app.initialize()
            await full.post_init(full)  # type: ignore[misc]
            for app, _ in bots.values():
                await app.start()
                await latencies(app, updates_for(steps, min(200, total), first_chat=10))  # warm up
            for r in range(rounds):
                for name, (app, handled) in bots.items():
                    first = (r + 1) * 10**6
                    raw = updates_for(steps, total, first_chat=first)
                    times = await latencies(app, raw)
                    q = statistics.quantiles(times, n=100)
                    if name == "full":
                        for data, took in zip(raw, times, strict=True):
                            by_kind.setdefault(kind_of(data), []).append(took)
                    p50[name].append(q[49] * 1000)
                    p99[name].append(q[98] * 1000)
                    stream = updates_for(steps, total, first_chat=first + 500_000)
                    rate[name].append(await throughput(app, stream, handled))
            for app, _ in bots.values():
                await app.stop()
                await app.shutdown()
    return {
        "updates": float(total),
        "rounds": float(rounds),
        "steps_per_chat": float(len(steps)),
        "bare_per_s": max(rate["bare"]),
        "full_per_s": max(rate["full"]),
        "full_p50_ms": min(p50["full"]),
        "full_p99_ms": min(p99["full"]),
        "bare_p99_ms": min(p99["bare"]),
        **{f"kind_{k}_p50_ms": statistics.median(v) * 1000 for k, v in by_kind.items()},
        **{
            f"kind_{k}_p99_ms": statistics.quantiles(v, n=100)[98] * 1000
            for k, v in by_kind.items()
            if len(v) > 1
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=4000, help="updates per bot (default 4000)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds; the best counts (default 3)"
    )
    parser.add_argument("--small", action="store_true", help="a quick run for CI (400 updates, 1 round)")
    args = parser.parse_args(argv)
    total = 400 if args.small else args.updates
    r = asyncio.run(run(total, 1 if args.small else max(1, args.rounds)))
    ratio = r["full_per_s"] / r["bare_per_s"]
    print(
        f"updates per bot and round: {int(r['updates'])} (a session of {int(r['steps_per_chat'])} updates "
        f"per chat); best of {int(r['rounds'])} alternating rounds"
    )
    print("updates/s: a stream through the update queue (64 at once, one at a time per chat)")
    print("p50/p99: one update at a time, parse to last reply")
    print(f"bare echo bot : {r['bare_per_s']:8.0f} updates/s   p99 {r['bare_p99_ms']:.2f} ms")
    print(
        f"full bot      : {r['full_per_s']:8.0f} updates/s   p50 {r['full_p50_ms']:.2f} ms   "
        f"p99 {r['full_p99_ms']:.2f} ms"
    )
    kinds = sorted(k[5:-7] for k in r if k.startswith("kind_") and k.endswith("_p50_ms"))
    parts = [f"{k} {r[f'kind_{k}_p50_ms']:.2f}/{r.get(f'kind_{k}_p99_ms', 0):.2f}" for k in kinds]
    print("full bot p50/p99 ms by kind: " + ", ".join(parts))
    print(f"ratio full/bare: {ratio:.2f} (target >= 0.5)   p99 {r['full_p99_ms']:.2f} ms (target <= 2 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
