"""Directory sync speed: a 10,000-meeting feed served on 127.0.0.1, unchanged (304) and with 1 % changed.

Prints seconds per sync and messages queued: first import, unchanged with ETag (304), unchanged from a
server without validators (the same bytes: recognised by their digest), and 1 % moved (each moved
meeting has one follower).
Target: an unchanged sync of 10,000 meetings under 1 s.

    python bench/sync.py [--size 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.feed_sync import sync_all  # noqa: E402
from bot.feeds_config import Feed  # noqa: E402
from conversations.clock import FixedClock  # noqa: E402
from conversations.context import Services  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.keys import KeyRing  # noqa: E402


def records(size: int, moved: set[int]) -> bytes:
    out = []
    for i in range(size):
        day, at = (3, "20:00") if i in moved else (2, "19:30")
        out.append({"slug": f"m-{i}", "program": "NA", "name": f"NA Groep {i}", "day": day, "time": at,
                    "address": f"Straat {i}", "city": "Utrecht", "latitude": 50.8 + (i % 300) / 100,
                    "longitude": 3.5 + (i // 300) / 10})  # fmt: skip
    return json.dumps(out).encode()


async def main(size: int) -> int:
    state: dict[str, Any] = {"body": records(size, set()), "etag": '"v1"'}

    async def handle(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == state["etag"]:
            return web.Response(status=304)
        return web.Response(
            body=state["body"], content_type="application/json", headers={"ETag": state["etag"]}
        )

    app = web.Application()
    app.router.add_get("/feed.json", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    feed = Feed("bench", f"http://127.0.0.1:{port}/feed.json", "meeting-guide")
    with tempfile.TemporaryDirectory() as tmp:
        async with Database(Path(tmp) / "bench.db") as db:
            keys = KeyRing(bytes(range(32)))
            services = Services(db=db, keys=keys, clock=FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC)))

            async def timed(label: str, accept: bool = False) -> None:
                t = time.perf_counter()
                (r,) = await sync_all(services, [feed], accept=accept)
                secs = time.perf_counter() - t
                queued = r.report.notified if r.report else 0
                print(f"{label:<44} {secs:7.3f} s  status {r.status:<9} messages queued {queued}")

            await timed(f"first import of {size} meetings")
            await timed("unchanged, ETag answered 304")
            state["etag"] = ""
            await timed("unchanged, a server without ETag (same bytes)")
            moved = set(range(0, size, 100))
            rows = await db.fetchall("SELECT id, slug FROM meetings")
            ids = {slug: mid for mid, slug in rows}
            async with db.tx() as tx:
                for n, i in enumerate(sorted(moved)):
                    key = keys.pseudonym(10_000 + n)
                    await tx.execute(
                        "INSERT INTO users(user_key, lang, state, chat_box, updated_at, expires_at) "
                        "VALUES (?, 'nl', '{}', ?, '2026-11-30T09:00:00+00:00', '2999-01-01T00:00:00+00:00')",
                        (key, keys.seal(10_000 + n, key)),
                    )
                    await tx.execute(
                        "INSERT INTO follows(user_key, meeting_id, created_at) VALUES (?, ?, '2026-11-30')",
                        (key, ids[f"m-{i}"]),
                    )
            state["body"], state["etag"] = records(size, moved), '"v2"'
            await timed(f"1 % changed ({len(moved)} meetings, one follower each)")
    await runner.cleanup()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    raise SystemExit(asyncio.run(main(parser.parse_args().size)))
