"""Broadcast throughput: N recipients through `eerstestap run` against the fake Bot API with a global limit.

Prints the achieved send rate ÷ the limit (target ≥ 0.9), lost (target 0) and duplicates (target 0).

    python bench/broadcast.py                       # 10,000 recipients, limit 300/s
    python bench/broadcast.py --recipients 500      # small, for CI
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conversations.clock import SystemClock  # noqa: E402
from conversations.context import Services, Settings  # noqa: E402
from conversations.support_actions import publish  # noqa: E402
from storage import broadcasts as bstore  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.keys import KeyRing  # noqa: E402
from storage.meeting import get_meeting  # noqa: E402
from tests.fakebotapi import FakeBotAPI  # noqa: E402
from tests.support_helpers import bulk_followers, make_meeting  # noqa: E402

SECRET = "5e" * 32
FIRST_CHAT = 1_000_000


def bot_env(fake: FakeBotAPI, rate: float, workers: int) -> dict[str, str]:
    """The bot paces itself at `rate` (set a little under the limit, as one would for Telegram's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EERSTESTAP_", "TELEGRAM_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        EERSTESTAP_SECRET_KEY=SECRET,
        TELEGRAM_BOT_TOKEN="123:abc",
        TELEGRAM_BASE_URL=fake.base_url,
        EERSTESTAP_GLOBAL_RATE=str(rate),
        EERSTESTAP_SWEEP_SECONDS="0.2",
        EERSTESTAP_ALLOW_DEMO="1",
    )
    if workers:
        env["EERSTESTAP_SEND_WORKERS"] = str(workers)
    return env


def start_bot(
    db_path: Path, fake: FakeBotAPI, rate: float, log: Path, workers: int
) -> subprocess.Popen[bytes]:
    """`eerstestap run` against the fake, as its own process."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--db", str(db_path), "--env-file", os.devnull],
            cwd=ROOT,
            env=bot_env(fake, rate, workers),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def run(recipients: int, rate: float, within: float, margin: float, workers: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    db = await Database(tmp / "bench.db").open()
    services = Services(db, KeyRing(bytes.fromhex(SECRET)), SystemClock(), Settings())
    mid = await make_meeting(services)
    chats = list(range(FIRST_CHAT, FIRST_CHAT + recipients))
    await bulk_followers(services, chats, mid)
    async with FakeBotAPI(rate_limit=rate) as fake:
        proc = start_bot(db.path, fake, rate * margin, tmp / "bot.log", workers)
        try:
            loop = asyncio.get_running_loop()
            end = loop.time() + 30
            while not fake.calls_of("getUpdates") and not fake.calls_of("getMe"):
                if loop.time() > end or proc.poll() is not None:
                    raise SystemExit(f"the bot did not start; see {tmp / 'bot.log'}")
                await asyncio.sleep(0.05)
            meeting = await get_meeting(db, mid)
            written = time.monotonic()
            cast = await publish(
                services, None, meeting, "note", {}, "Bench.", bstore.Audience(meeting_id=mid)
            )
            end = loop.time() + within
            while (cast := await bstore.get_broadcast(db, cast.id)) is not None and cast.pending:
                if loop.time() > end or proc.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            finished = time.monotonic()
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        sends = [
            c
            for c in fake.calls
            if c.method.lower() == "sendmessage" and int(c.params.get("chat_id", 0)) >= FIRST_CHAT
        ]
        ok = [c for c in sends if c.status == 200]
        rejected = sum(1 for c in sends if c.status == 429)
    await db.close()
    counts = collections.Counter(int(c.params["chat_id"]) for c in ok)
    span = (ok[-1].at - ok[0].at) if len(ok) > 1 else float("nan")
    achieved = (len(ok) - 1) / span if span and span > 0 else float("nan")
    return {
        "recipients": recipients,
        "limit": rate,
        "paced": rate * margin,
        "achieved": achieved,
        "ratio": achieved / rate,
        "lost": len(set(chats) - set(counts)),
        "duplicates": sum(n - 1 for n in counts.values()),
        "rate_limited_429": rejected,
        "seconds_to_settle_all": finished - written,
        "sent_counted": cast.sent if cast else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument(
        "--rate", type=float, default=300.0, help="global limit the fake enforces (per second)"
    )
    parser.add_argument("--margin", type=float, default=0.95, help="the bot paces at limit × margin")
    parser.add_argument(
        "--workers",
        type=int,
        default=4,
        help="sends in flight (EERSTESTAP_SEND_WORKERS; also the most duplicates a crash can cause); 0 = the "
        "sender's default",
    )
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    r = asyncio.run(run(args.recipients, args.rate, args.timeout, args.margin, args.workers))
    print(f"sends in flight      {args.workers or 'default':>10}")
    print(f"recipients           {r['recipients']:>10,}")
    print(f"limit (msg/s)        {r['limit']:>10.0f}   (the bot paces at {r['paced']:.0f})")
    print(f"achieved (msg/s)     {r['achieved']:>10.1f}")
    print(f"achieved ÷ limit     {r['ratio']:>10.3f}   (target ≥ 0.9)")
    print(f"lost                 {r['lost']:>10}   (target 0)")
    print(f"duplicates           {r['duplicates']:>10}   (target 0)")
    print(f"429 from the fake    {r['rate_limited_429']:>10}")
    print(f"seconds to settle    {r['seconds_to_settle_all']:>10.1f}")
    if r["lost"] or r["duplicates"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
