"""SIGKILL during `eerstestap directory sync`: the directory is as it was or fully updated, never half,
and the follower of the moved meeting hears of it exactly once after the sync is run again."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.runtime import open_services
from tests.conftest import ROOT, cli_env
from tests.support_helpers import add_follower

SIZE = 1500
DELAYS = (0.4, 0.8, 1.2)


def version(moved: bool) -> bytes:
    records = []
    for i in range(SIZE):
        day, time = (3, "20:00") if (moved and i == 0) else (2, "19:30")
        records.append({"slug": f"m-{i}", "program": "NA", "name": f"NA Groep {i}", "day": day, "time": time,
                        "address": f"Straat {i}", "city": "Utrecht", "latitude": 52.0 + i / 10000,
                        "longitude": 5.1})  # fmt: skip
    return json.dumps(records).encode()


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, dict[str, bytes]]]:
    body = {"now": version(False)}

    async def handle(request: web.Request) -> web.Response:
        return web.Response(body=body["now"], content_type="application/json")

    app = web.Application()
    app.router.add_get("/feed.json", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/feed.json", body
    await runner.cleanup()


async def run_sync(feeds: Path, db: Path, kill_after: float | None) -> int | None:
    """Run the CLI sync; SIGKILL it after `kill_after` seconds (None: let it finish)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "directory", "sync", "--feeds", str(feeds), "--db", str(db),
        cwd=ROOT, env=cli_env(), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    if kill_after is None:
        return await proc.wait()
    try:
        return await asyncio.wait_for(proc.wait(), kill_after)
    except TimeoutError:
        proc.send_signal(signal.SIGKILL)
        return await proc.wait()


async def snapshot(db: Path) -> tuple[int, tuple[int, str], int]:
    """(active meetings, (weekday, start) of m-0, outbox rows for the follower)."""
    async with open_services(db) as services:
        count = await services.db.fetchone("SELECT COUNT(*) FROM meetings WHERE attendance != 'inactive'")
        m0 = await services.db.fetchone("SELECT weekday, start_time FROM meetings WHERE slug = 'm-0'")
        box = await services.db.fetchone("SELECT COUNT(*) FROM outbox")
    return int(count[0]), (int(m0[0]), str(m0[1])), int(box[0])


async def test_sigkill_mid_sync_leaves_old_or_new_and_notifies_once(
    tmp_path: Path, served: tuple[str, dict[str, bytes]]
) -> None:
    url, body = served
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feed]]\nname = "na"\nurl = "{url}"\nformat = "meeting-guide"\n', encoding="utf-8")
    outcomes = set()
    for n, delay in enumerate(DELAYS):
        db = tmp_path / f"crash{n}.db"
        body["now"] = version(False)
        assert await run_sync(feeds, db, None) == 0
        async with open_services(db) as services:
            row = await services.db.fetchone("SELECT id FROM meetings WHERE slug = 'm-0'")
            await add_follower(services, 4242, int(row[0]))
        body["now"] = version(True)
        code = await run_sync(feeds, db, delay)
        count, m0, box = await snapshot(db)
        assert count == SIZE  # never a half-applied version
        assert (m0, box) in (((2, "19:30"), 0), ((3, "20:00"), 1))  # the change and its message together
        outcomes.add((code, m0))
        assert await run_sync(feeds, db, None) == 0
        assert await snapshot(db) == (SIZE, (3, "20:00"), 1)  # after a clean run: applied, heard once
    print("exit code and m-0 after each kill:", sorted(outcomes, key=str))
