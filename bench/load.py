"""Capacity under Telegram's send limit: N simulated people chat while a broadcast is being sent.

The real bot (PTB Application, polling, production limits) runs against the fake Bot API over HTTP with a
Telegram-like limit (30 messages/s; beyond it 429 with retry_after). A broadcast to 1,500 followers is
queued at the start. Each simulated person sends /start, then presses buttons on the screens it gets
(/start again every eighth step), waiting for the answer and then thinking 1 s. Per user count it prints
the p50/p99 time from an update to the screen that answers it, answers, apologies, 429 answers and the
broadcast's messages per second (and its share of the limit). Target: 50 users p99 <= 1.5 s, 0 apologies,
broadcast >= 25 % of the limit.

    python bench/load.py [--users 10,50,200] [--seconds 20] [--limit 30]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import serve
from bot.config import Config
from bot.runtime import open_services
from bot.send_limit import MESSAGE_METHODS
from content.i18n import translator
from conversations.support_actions import publish
from storage import broadcasts as bstore
from storage.directory import MeetingStore
from tests.fakebotapi import Call, FakeBotAPI
from tests.support_helpers import bulk_followers

RECIPIENTS = 1500
FIRST_RECIPIENT = 1_000_000
THINK = 1.0
APOLOGY = translator("nl").t("telegram.error")[:30]
AVOID = ("s:stop", "m:stop")  # erasing oneself ends the walk


class WatchedFake(FakeBotAPI):
    """The fake, telling each simulated person when a call with a keyboard reached their chat."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.waiting: dict[int, asyncio.Future[Call]] = {}

    def _record(self, call: Call) -> None:
        super()._record(call)
        chat = call.params.get("chat_id")
        if call.status != 200 or not isinstance(chat, int):
            return
        future = self.waiting.get(chat)
        if future is not None and not future.done() and call.params.get("reply_markup"):
            future.set_result(call)


def keyboard_ids(call: Call) -> list[str]:
    markup = call.params.get("reply_markup")
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [b["callback_data"] for row in rows for b in row if isinstance(b, dict) and b.get("callback_data")]


async def person(fake: WatchedFake, chat: int, until: float, out: dict[str, Any]) -> None:
    """One simulated person: act, wait for the screen, think, repeat."""
    rng = random.Random(chat)
    ids: list[str] = []
    step = 0
    while time.monotonic() < until:
        loop = asyncio.get_running_loop()
        fake.waiting[chat] = loop.create_future()
        choices = [i for i in ids if not i.startswith(AVOID)]
        started = time.monotonic()
        if step % 8 == 0 or not choices:
            fake.command(chat, "start")
        else:
            fake.callback(chat, rng.choice(choices))
        step += 1
        try:
            call = await asyncio.wait_for(fake.waiting[chat], 15)
        except TimeoutError:
            out["timeouts"] += 1
            ids = []
            continue
        out["latency"].append(time.monotonic() - started)
        ids = keyboard_ids(call)
        await asyncio.sleep(THINK)


async def one_run(users: int, seconds: float, limit: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        async with open_services(Path(tmp) / "load.db") as services, WatchedFake(rate_limit=limit) as fake:
            meeting = (await MeetingStore(services.db).all_active())[0]
            recipients = list(range(FIRST_RECIPIENT, FIRST_RECIPIENT + RECIPIENTS))
            await bulk_followers(services, recipients, meeting.id)
            config = Config(
                token="123:load",
                base_url=fake.base_url,
                allow_demo=True,
                global_rate=30.0,
                chat_interval=1.0,
                sweep_interval=1.0,
                secret_token="load-secret",
            )
            stop = asyncio.Event()
            ready: asyncio.Future[object] = asyncio.get_running_loop().create_future()
            task = asyncio.create_task(serve(services, config, stop, started=ready.set_result))
            await asyncio.wait_for(ready, 30)
            audience = bstore.Audience(meeting_id=meeting.id)
            await publish(services, None, meeting, "note", {}, "Vanaf nu in zaal 2.", audience)
            out: dict[str, Any] = {"latency": [], "timeouts": 0}
            began = time.monotonic()
            until = began + seconds
            await asyncio.gather(*(person(fake, chat, until, out) for chat in range(1, users + 1)))
            elapsed = time.monotonic() - began
            calls = [c for c in fake.calls if began <= c.at]
            logging.disable(logging.CRITICAL)  # measured; what the shutdown of a backlog says is not
            stop.set()
            try:
                await asyncio.wait_for(task, 60)
            except (TimeoutError, asyncio.CancelledError):
                pass
            finally:
                logging.disable(logging.NOTSET)
    bulk = [c for c in calls if c.status == 200 and int(c.params.get("chat_id", 0)) >= FIRST_RECIPIENT]
    texts = [str(c.params.get("text", "")) for c in calls if c.status == 200]
    chat_messages = [
        c
        for c in calls
        if c.status == 200
        and c.method.lower() in MESSAGE_METHODS
        and 0 < int(c.params.get("chat_id", 0)) < FIRST_RECIPIENT
    ]
    lat = sorted(out["latency"])
    return {
        "users": users,
        "answers": len(lat),
        "p50": statistics.median(lat) if lat else float("nan"),
        "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan"),
        "apologies": sum(1 for t in texts if t.startswith(APOLOGY)),
        "429": sum(1 for c in calls if c.status == 429),
        "broadcast": len(bulk) / elapsed,
        "timeouts": out["timeouts"],
        "limit": limit,
        "per_answer": len(chat_messages) / max(1, len(lat)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="10,50,200", help="user counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each user count chats")
    parser.add_argument("--limit", type=float, default=30.0, help="the fake's messages per second")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # a busy loop skips a sweep now and then
    ok = True
    for users in (int(u) for u in args.users.split(",")):
        r = asyncio.run(one_run(users, args.seconds, args.limit))
        share = r["broadcast"] / r["limit"]
        print(
            f"users {r['users']:4d}: p50 {r['p50']:.2f} s  p99 {r['p99']:.2f} s  answers {r['answers']}  "
            f"apologies {r['apologies']}  429s {r['429']}  timeouts {r['timeouts']}  "
            f"broadcast {r['broadcast']:.1f} msg/s ({share:.0%} of the limit)"
        )
        print(f"            messages (sent or edited) per answer: {r['per_answer']:.2f}")
        if users == 50:
            hit = r["p99"] <= 1.5 and r["apologies"] == 0 and share >= 0.25
            ok = ok and hit
            verdict = "met" if hit else "NOT met"
            print(f"            target (p99 <= 1.5 s, 0 apologies, broadcast >= 25 %): {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
