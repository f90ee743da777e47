"""Updates per second through the full bot, side by side with a bare python-telegram-bot echo bot.

Both run in this process on python-telegram-bot with a fake request layer (canned JSON answers, no
network). The mix is realistic: menu presses, which-group answers and near-me searches with a shared
location, replayed for many chats. Prints updates/s for both and their ratio (target >= 0.6), the p50/p99
time per update of the full bot (target p99 <= 2 ms) and p50/p99 per kind of update (location p99 <= 3 ms):
the median of 5 alternating rounds, kinds pooled over the rounds; within a round the two bots' streams
take turns in slices of 500 updates, so that both meet the same load on a shared machine. The full bot
runs without a rate limiter (which would cap it at 30 messages/s by design); everything else is as in
production.

    python bench/updates.py [--updates 4000] [--rounds 5] [--small]
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

from bot.app import build_application, freeze_heap
from bot.config import Config
from bot.ordering import PerChatProcessor
from bot.runtime import open_services
from conversations.context import Settings
from conversations.engine import Engine
from conversations.types import Input

TOKEN = "123:bench"
BOT = {"id": 1, "is_bot": True, "first_name": "Eerste Stap", "username": "EersteStapBenchBot"}
UTRECHT = (52.0907, 5.1214)
SLICE = 500  # updates of one bot's stream before the other bot takes its turn


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
        await asyncio.sleep(0)  # the event loop turns between updates, as it does between arrivals
    return times


async def throughput(
    app: Application, raw: list[dict[str, Any]], handled: Callable[[], int]
) -> tuple[float, float]:
    """Updates per second when they arrive in a stream, as from getUpdates (parse + queue + handle), and
    the process's CPU seconds per update meanwhile (on a shared machine the wall clock also counts the
    time other programs held the CPU; CPU time does not)."""
    target = handled() + len(raw)
    start, cpu = time.perf_counter(), time.process_time()
    for data in raw:
        await app.update_queue.put(Update.de_json(data, app.bot))
    while True:  # the handlers count what they finished
        if handled() >= target:
            break
        await asyncio.sleep(0.0005)
    return len(raw) / (time.perf_counter() - start), (time.process_time() - cpu) / len(raw)


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


def p99_of(times: list[float]) -> float:
    """The 99th percentile of some times (nan for fewer than two)."""
    return statistics.quantiles(times, n=100)[98] if len(times) > 1 else float("nan")


async def run(total: int, rounds: int = 5) -> dict[str, Any]:
    """Both bots, alternating for `rounds` rounds (fresh chats each time); medians of the rounds count."""
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
            ratios: list[float] = []
            cpu: dict[str, list[float]] = {"bare": [], "full": []}
            cpu_ratios: list[float] = []
            by_kind: dict[str, list[float]] = {}
            for app, _ in bots.values():
                await app.initialize()
            await full.post_init(full)  # type: ignore[misc]
            for app, _ in bots.values():
                await app.start()
                await latencies(app, updates_for(steps, min(200, total), first_chat=10))  # warm up
            freeze_heap()  # as `serve` does once the bot is up (e.g. gc.freeze)
            for r in range(rounds):
                first = (r + 1) * 10**6
                for name, (app, _) in bots.items():
                    raw = updates_for(steps, total, first_chat=first)
                    times = await latencies(app, raw)
                    q = statistics.quantiles(times, n=100)
                    if name == "full":
                        for data, took in zip(raw, times, strict=True):
                            by_kind.setdefault(kind_of(data), []).append(took)
                    p50[name].append(q[49] * 1000)
                    p99[name].append(q[98] * 1000)
                # The streams take turns in slices, so that both bots meet the same machine: on a shared
                # machine one bot's whole stream could meet a busy neighbour that the other's missed.
                streams = {name: updates_for(steps, total, first_chat=first + 500_000) for name in bots}
                spent = {name: [0.0, 0.0] for name in bots}  # wall seconds, CPU seconds
                for part in range(0, total, SLICE):
                    for name, (app, handled) in bots.items():
                        chunk = streams[name][part : part + SLICE]
                        per_s, cpu_each = await throughput(app, chunk, handled)
                        spent[name][0] += len(chunk) / per_s
                        spent[name][1] += cpu_each * len(chunk)
                for name, (wall, used) in spent.items():
                    rate[name].append(total / wall)
                    cpu[name].append(used / total)
                ratios.append(rate["full"][-1] / rate["bare"][-1])
                cpu_ratios.append(cpu["bare"][-1] / cpu["full"][-1])
            for app, _ in bots.values():
                await app.stop()
                await app.shutdown()
    med = statistics.median
    return {
        "updates": total,
        "rounds": rounds,
        "steps_per_chat": len(steps),
        "ratios": ratios,
        "ratio": med(ratios),
        "bare_per_s": med(rate["bare"]),
        "full_per_s": med(rate["full"]),
        "full_p50_ms": med(p50["full"]),
        "full_p99_ms": med(p99["full"]),
        "bare_p99_ms": med(p99["bare"]),
        "cpu_us": {name: med(values) * 1e6 for name, values in cpu.items()},
        "cpu_ratios": cpu_ratios,
        "cpu_ratio": med(cpu_ratios),
        "kinds": {k: (med(v) * 1000, p99_of(v) * 1000, len(v)) for k, v in sorted(by_kind.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=4000, help="updates per bot (default 4000)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternating rounds; their medians count (default 5)"
    )
    parser.add_argument("--small", action="store_true", help="a quick run for CI (400 updates, 1 round)")
    args = parser.parse_args(argv)
    total = 400 if args.small else args.updates
    r = asyncio.run(run(total, 1 if args.small else max(1, args.rounds)))
    print(
        f"updates per bot and round: {r['updates']} (a session of {r['steps_per_chat']} updates "
        f"per chat); median of {r['rounds']} alternating rounds"
    )
    print(
        f"updates/s: a stream through the update queue (64 at once, one at a time per chat; "
        f"the bots take turns every {SLICE} updates)"
    )
    print("p50/p99: one update at a time, parse to last reply")
    print(f"bare echo bot : {r['bare_per_s']:8.0f} updates/s   p99 {r['bare_p99_ms']:.2f} ms")
    print(
        f"full bot      : {r['full_per_s']:8.0f} updates/s   p50 {r['full_p50_ms']:.2f} ms   "
        f"p99 {r['full_p99_ms']:.2f} ms"
    )
    print("full bot by kind (all rounds pooled):")
    for kind, (k50, k99, n) in r["kinds"].items():
        print(f"    {kind:9s} n {n:6d}   p50 {k50:.2f} ms   p99 {k99:.2f} ms")
    print("ratio full/bare per round: " + ", ".join(f"{x:.2f}" for x in r["ratios"]))
    print(
        f"CPU per update in the stream: bare {r['cpu_us']['bare']:.0f} µs, "
        f"full {r['cpu_us']['full']:.0f} µs; "
        "bare/full per round: "
        + ", ".join(f"{x:.2f}" for x in r["cpu_ratios"])
        + f" (median {r['cpu_ratio']:.2f})"
    )
    location = r["kinds"].get("location", (0.0, 0.0, 0))[1]
    print(
        f"ratio full/bare: {r['ratio']:.2f} (target >= 0.6)   "
        f"p99 {r['full_p99_ms']:.2f} ms (target <= 2 ms)   location p99 {location:.2f} ms (target <= 3 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
