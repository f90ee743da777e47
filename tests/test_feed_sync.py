"""Directory sync against a local aiohttp server that serves successive versions of a feed."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.feed_sync import SyncLimits, sync_all
from bot.feeds_config import Feed, FeedsError, load_feeds
from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from storage.directory import MeetingStore
from storage.feeds import feed_state, pending_retime
from storage.meeting import get_meeting
from storage.trials import TrialStore
from tests.conftest import cli_env, run_cli
from tests.support_helpers import add_follower, drain
from tests.trial_support import queued

FAST = SyncLimits(timeout=0.5, max_bytes=1024 * 1024, tries=2, backoff=0.0)


def meeting(i: int, day: int = 2, time: str = "19:30", address: str | None = None) -> dict[str, Any]:
    """A Meeting Guide record (day 0 = Sunday: 2 is Tuesday)."""
    return {
        "slug": f"m-{i}", "program": "NA", "name": f"NA Groep {i}", "day": day, "time": time,
        "end_time": "21:00", "address": address or f"Straat {i}", "city": "Utrecht",
        "latitude": 52.09 + i / 1000, "longitude": 5.12,
    }  # fmt: skip


@dataclass
class FeedServer:
    """Serves `body` at /feed.json with an ETag; `mode` can make it slow, fail or huge."""

    body: bytes = b"[]"
    mode: str = "ok"
    hits: int = 0
    statuses: list[int] = field(default_factory=list)
    url: str = ""

    def serve(self, records: list[dict[str, Any]]) -> None:
        self.body = json.dumps(records).encode()
        self.mode = "ok"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits += 1
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "error":
            self.statuses.append(500)
            return web.Response(status=500, text="oops")
        if self.mode == "huge":
            resp = web.StreamResponse()
            await resp.prepare(request)
            chunk = b" " * (1024 * 1024)
            for _ in range(30):  # 30 MB, without a Content-Length
                await resp.write(chunk)
            return resp
        if self.mode == "noetag":
            self.statuses.append(200)
            return web.Response(body=self.body, content_type="application/json")
        etag = f'"{hash(self.body) & 0xFFFFFFFF:x}"'
        if request.headers.get("If-None-Match") == etag:
            self.statuses.append(304)
            return web.Response(status=304)
        self.statuses.append(200)
        return web.Response(body=self.body, content_type="application/json", headers={"ETag": etag})


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    fs = FeedServer()
    app = web.Application()
    app.router.add_get("/feed.json", fs.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fs.url = f"http://127.0.0.1:{port}/feed.json"
    yield fs
    await runner.cleanup()


def feed_of(server: FeedServer) -> Feed:
    return Feed("na-test", server.url, "meeting-guide", "NA")


async def sync(services: Services, server: FeedServer, accept: bool = False) -> dict[str, Any]:
    (result,) = await sync_all(services, [feed_of(server)], accept=accept, limits=FAST)
    return result.as_json()


async def ids_by_slug(services: Services) -> dict[str, int]:
    rows = await services.db.fetchall("SELECT slug, id FROM meetings WHERE source = 'na-test'")
    return {r[0]: r[1] for r in rows}


async def test_first_import_then_304_changes_nothing(services: Services, server: FeedServer) -> None:
    server.serve([meeting(i) for i in range(4)])
    first = await sync(services, server)
    assert (first["status"], first["added"], first["notified"]) == ("updated", 4, 0)
    again = await sync(services, server)
    assert again["status"] == "unchanged" and server.statuses[-1] == 304
    assert (await feed_state(services.db, "na-test")).status == "unchanged"  # type: ignore[union-attr]


async def test_the_same_bytes_from_a_server_without_etag_change_nothing(
    services: Services, server: FeedServer
) -> None:
    server.serve([meeting(i) for i in range(3)])
    server.mode = "noetag"
    assert (await sync(services, server))["status"] == "updated"
    assert (await sync(services, server))["status"] == "unchanged"
    server.serve([meeting(i) for i in range(4)])
    server.mode = "noetag"
    assert (await sync(services, server))["added"] == 1


async def test_a_moved_meeting_reaches_its_follower_and_trial_participant_once(
    services: Services, engine: Engine, server: FeedServer
) -> None:
    server.serve([meeting(i) for i in range(4)])
    await sync(services, server)
    mid = (await ids_by_slug(services))["m-0"]
    await add_follower(services, 501, mid)
    await engine.handle(502, Input.of_button(f"t:start:m{mid}"))
    await engine.handle(502, Input.of_button(f"t:new:{mid}:2h"))
    trial = await TrialStore(services.db).open_trial(services.keys.pseudonym(502))
    assert trial is not None
    before = [r.due_at for r in await queued(services.db, trial.id) if r.status == "pending"]
    assert before and all(d.astimezone().weekday() == 1 for d in before)  # Tuesdays

    server.serve([meeting(0, day=3, time="20:00"), *(meeting(i) for i in range(1, 4))])
    moved = await sync(services, server)
    assert (moved["status"], moved["updated"], moved["notified"]) == ("updated", 1, 2)
    assert await pending_retime(services.db) == []
    after = [r for r in await queued(services.db, trial.id) if r.status == "pending"]
    assert after and all(r.on_date.isoweekday() == 3 for r in after)  # re-timed to Wednesdays at once
    card = await get_meeting(services.db, mid)
    assert card is not None and (card.weekday, card.start_time) == (3, "20:00")

    sent = [o for o in await drain(services, services.clock.now()) if o.kind == "broadcast"]
    assert sorted(o.user_key for o in sent) == sorted(services.keys.pseudonym(c) for c in (501, 502))
    text = sent[0].reply.messages[0].text
    assert "20:00" in text and "woensdag" in text
    assert await drain(services, services.clock.now()) == []  # once


async def test_a_version_that_drops_most_meetings_is_held_until_accepted(
    services: Services, server: FeedServer
) -> None:
    server.serve([meeting(i) for i in range(10)])
    await sync(services, server)
    server.serve([meeting(i) for i in range(4)])  # drops 60 %
    held = await sync(services, server)
    assert held["status"] == "held" and "6 of 10" in held["detail"]
    assert len(await MeetingStore(services.db).all_active()) == 10
    accepted = await sync(services, server, accept=True)
    assert (accepted["status"], accepted["deactivated"]) == ("updated", 6)


async def test_an_empty_list_never_empties_the_directory(services: Services, server: FeedServer) -> None:
    server.serve([meeting(i) for i in range(3)])
    await sync(services, server)
    server.serve([])
    assert (await sync(services, server))["status"] == "held"
    assert (await sync(services, server, accept=True))["status"] == "held"
    assert len(await MeetingStore(services.db).all_active()) == 3


@pytest.mark.parametrize("mode", ["slow", "error", "huge"])
async def test_timeouts_errors_and_huge_bodies_keep_the_data(
    services: Services, server: FeedServer, mode: str
) -> None:
    server.serve([meeting(i) for i in range(3)])
    await sync(services, server)
    server.mode = mode
    result = await sync(services, server)
    assert result["status"] == "failed"
    assert result["detail"] == {"slow": "timeout", "error": "http_500", "huge": "too_large"}[mode]
    assert len(await MeetingStore(services.db).all_active()) == 3
    if mode != "huge":
        assert server.hits == 1 + FAST.tries  # retried


async def test_a_feed_that_is_not_json_fails_cleanly(services: Services, server: FeedServer) -> None:
    server.body = b"<html>maintenance</html>"
    result = await sync(services, server)
    assert result["status"] == "failed" and "meeting-guide" in result["detail"]


def test_feeds_file_errors_are_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    cases = {
        '[[feed]]\nname = "x"\nurl = "ftp://a"\nformat = "bmlt"\n': "url must start with https://",
        '[[feed]]\nname = "x"\nurl = "https://a.nl/f"\nformat = "xml"\n': "format must be one of",
        '[[feed]]\nname = "Bad Name"\nurl = "https://a.nl/f"\nformat = "bmlt"\n': "name must be",
        '[[feed]]\nname = "x"\nurl = "https://a.nl/f"\nformat = "bmlt"\ninterval = "5m"\n': "at least 1h",
        "[[feed]\n": "not valid TOML",
    }
    for text, expected in cases.items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(FeedsError, match=expected):
            load_feeds(path)
    path.write_text(
        '[[feed]]\nname = "aa-nederland"\nurl = "https://example.org/aa.json"\nformat = "meeting-guide"\n'
        'program = "AA"\ninterval = "1d"\n', encoding="utf-8",
    )  # fmt: skip
    (feed,) = load_feeds(path)
    assert (feed.name, feed.program, feed.interval.days) == ("aa-nederland", "AA", 1)


async def test_cli_sync_json_shape(tmp_path: Path, server: FeedServer) -> None:
    server.serve([meeting(i) for i in range(2)])
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        f'[[feed]]\nname = "na-test"\nurl = "{server.url}"\nformat = "meeting-guide"\nprogram = "NA"\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "e.db")
    done = await asyncio.to_thread(run_cli, "directory", "sync", "--feeds", str(feeds), "--json", "--db", db)
    assert done.returncode == 0, done.stderr
    (source,) = json.loads(done.stdout)["sources"]
    assert (source["name"], source["status"], source["added"], source["notified"]) == (
        "na-test",
        "updated",
        2,
        0,
    )
    again = await asyncio.to_thread(
        run_cli, "directory", "sync", "na-test", "--feeds", str(feeds), "--db", db
    )
    assert again.stdout.strip() == "na-test: unchanged"
    bad = await asyncio.to_thread(run_cli, "directory", "sync", "nope", "--feeds", str(feeds), "--db", db)
    assert bad.returncode == 2 and "no source 'nope'" in bad.stderr


def test_online_meeting_with_a_contact_is_online_with_link_on_request() -> None:
    from content.i18n import translator
    from conversations.meeting_format import card_text
    from storage.importers import parse_bytes

    records = [
        {"slug": "on-1", "program": "NA", "name": "NA Online", "day": 2, "time": "20:00", "types": ["ONL"],
         "email": "contact@na-groep.example"},
        {"slug": "on-2", "program": "NA", "name": "NA Nergens", "day": 2, "time": "20:00", "types": ["ONL"]},
    ]  # fmt: skip
    parsed = parse_bytes(json.dumps(records).encode(), "meeting-guide", "t")
    by_slug = {m.slug: m for m in parsed.meetings}
    assert by_slug["on-1"].attendance == "online" and by_slug["on-2"].attendance == "inactive"
    text = card_text(translator("nl"), by_slug["on-1"], [], datetime(2026, 3, 23, 10, 0, tzinfo=UTC))
    assert "De link krijg je via de contactpersoon: contact@na-groep.example" in text


def test_daily_feeds_wait_for_the_quiet_hours_and_their_interval() -> None:
    from datetime import timedelta

    from bot.feed_jobs import due_feeds
    from storage.db import utc_text
    from storage.feeds import FeedState

    daily = Feed("daily", "https://a.nl/f", "meeting-guide")
    hourly = Feed("hourly", "https://a.nl/g", "meeting-guide", interval=timedelta(hours=6))
    at_four = datetime(2026, 10, 25, 3, 0, tzinfo=UTC)  # 04:00 in Amsterdam, the morning DST ends
    noon = datetime(2026, 10, 25, 11, 0, tzinfo=UTC)
    assert due_feeds([daily, hourly], {}, at_four) == [daily, hourly]
    assert due_feeds([daily, hourly], {}, noon) == [hourly]
    two_hours_ago = utc_text(at_four - timedelta(hours=2))  # as the database holds it
    fresh = {n: FeedState(n, None, None, None, "unchanged", None, two_hours_ago, None)
             for n in ("daily", "hourly")}  # fmt: skip
    assert due_feeds([daily, hourly], fresh, at_four) == []
    assert due_feeds([daily, hourly], fresh, at_four + timedelta(hours=4)) == [hourly]
    assert due_feeds([daily], fresh, at_four + timedelta(days=1)) == [daily]


async def test_the_running_bot_syncs_its_feeds_on_its_own_schedule(
    services: Services, server: FeedServer
) -> None:
    """`eerstestap run` with a feeds file: the hourly job is there, and one run of it imports the feed."""
    from tests.fakebotapi import FakeBotAPI
    from tests.tgharness import running_bot

    server.serve([meeting(i) for i in range(3)])
    hourly = dataclasses.replace(feed_of(server), interval=timedelta(hours=1))  # due at any hour
    async with FakeBotAPI() as fake, running_bot(services, fake, feeds=[hourly]) as adapter:
        assert adapter.scheduler is not None
        jobs = adapter.scheduler.jobs.get_jobs_by_name("feed-sync")
        assert len(jobs) == 1
        await jobs[0].run(adapter.scheduler.jobs.application)
    assert len(await ids_by_slug(services)) == 3, "the feed's meetings are in the directory"
    state = await feed_state(services.db, "na-test")
    assert state is not None and state.status == "updated"


def test_run_refuses_a_broken_feeds_file_with_one_sentence(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text('[[feed]]\nname = "x"\nformat = "nope"\nurl = "https://example.org"\n')
    result = run_cli(
        "run", "--db", str(tmp_path / "bot.db"), "--allow-demo",
        env={**cli_env(), "EERSTESTAP_FEEDS": str(feeds), "TELEGRAM_BOT_TOKEN": "123456:AAE-abc_def"},
    )  # fmt: skip
    assert (
        result.returncode == 2
        and "feed 1: format must be" in result.stderr
        and "Traceback" not in result.stderr
    )
