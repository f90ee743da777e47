"""The sender of unprompted messages against the fake Bot API with a global limit, over real HTTP.

Prints the achieved rate ÷ the fake's limit (target >= 0.9), 429 answers, lost and duplicate messages.
The sender is paced a little under the limit, as in production (30/s against Telegram's ~30/s).

    python bench/sender.py [--messages 3000] [--limit 300]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Bot

from bot import render
from bot.delivery import DeliveryConfig, Sender
from bot.lenient import LenientRequest
from bot.runtime import open_services
from conversations.context import Services
from conversations.outgoing import Outcome
from conversations.types import Outgoing, Reply
from tests.fakebotapi import FakeBotAPI


@dataclass
class Outbox:
    """An in-memory source: every item due now, claimed once."""

    name: str = "bench-outbox"
    items: list[Outgoing] = field(default_factory=list)
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)

    async def next_due_at(self, services: Services) -> datetime | None:
        return services.clock.now() if self.items else None

    async def claim_due(
        self, services: Services, now: datetime, *, user_key: str | None = None, limit: int = 100
    ) -> list[Outgoing]:
        out, self.items = self.items[:limit], self.items[limit:]
        return out

    async def settle(
        self, services: Services, item: Outgoing, outcome: Outcome, *, retry_at: datetime | None = None
    ) -> None:
        self.outcomes[outcome] += 1


async def run(messages: int, limit: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        async with open_services(Path(tmp) / "bench.db") as services:
            outbox = Outbox()
            now = services.clock.now() - timedelta(seconds=1)
            for chat_id in range(1, messages + 1):
                key = services.keys.pseudonym(chat_id)
                await services.users.save(key, "nl", {}, now)
                await services.users.remember_chat(key, chat_id)
                outbox.items.append(
                    Outgoing(key, Reply().add(f"Wijziging {chat_id}"), "broadcast", str(chat_id))
                )
            async with (
                FakeBotAPI(rate_limit=limit) as fake,
                Bot(
                    "123:bench", base_url=fake.base_url, request=LenientRequest(connection_pool_size=64)
                ) as bot,
            ):
                config = DeliveryConfig(global_rate=limit * 0.97)

                async def send(chat_id: int, reply: Reply) -> int:
                    return await render.send_reply(bot, chat_id, reply)

                sender = Sender(services, send, config)
                sender.source_list = lambda: [outbox]
                start = time.perf_counter()
                await sender.drain()
                elapsed = time.perf_counter() - start
                per_chat = collections.Counter(c.params["chat_id"] for c in fake.calls_of("sendMessage"))
                errors = collections.Counter(c.status for c in fake.calls if c.status != 200)
    return {
        "messages": messages,
        "limit": limit,
        "seconds": elapsed,
        "rate": sum(per_chat.values()) / elapsed,
        "lost": messages - len(per_chat),
        "duplicates": sum(n - 1 for n in per_chat.values() if n > 1),
        "429": errors.get(429, 0),
        "sent": outbox.outcomes["sent"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--limit", type=float, default=300.0, help="the fake's global limit per second")
    args = parser.parse_args(argv)
    r = asyncio.run(run(args.messages, args.limit))
    print(
        f"messages {r['messages']}, fake limit {r['limit']:.0f}/s, sender paced at {r['limit'] * 0.97:.0f}/s"
    )
    ratio = r["rate"] / r["limit"]
    print(f"achieved {r['rate']:.0f}/s in {r['seconds']:.1f} s: rate/limit {ratio:.2f} (target >= 0.9)")
    print(f"lost {r['lost']} (target 0), duplicates {r['duplicates']}, 429 answers {r['429']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
