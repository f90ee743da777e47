"""Support-worker edits outlive feed imports; a worker's own CSV source is never touched by other imports."""

from __future__ import annotations

import json
from pathlib import Path

from conversations.context import Services
from conversations.support_actions import publish
from storage import broadcasts as bstore
from storage.directory import MeetingStore
from storage.edits import search_meetings
from storage.importers import parse_bytes
from storage.meeting import get_meeting
from tests.conftest import TEST_SECRET, cli_env, run_cli

FEED = [
    {
        "name": "Feedgroep Utrecht",
        "slug": "feed-1",
        "day": 2,
        "time": "19:30",
        "end_time": "21:00",
        "location": "Zaal",
        "formatted_address": "Straat 1, 3511 AA Utrecht",
        "latitude": 52.09,
        "longitude": 5.12,
        "types": ["O"],
    }
]
CSV = (
    "\ufeffslug;program;name;day;time;end time;location;address;city;latitude;longitude\n"
    "al-1;ALANON;Al-Anon Zeist;donderdag;20:00;21:30;Kerkzaal;Dorpsstraat 3;Zeist;52.09;5.23\n"
)


async def feed_import(services: Services, records: list[dict]) -> None:
    parsed = parse_bytes(json.dumps(records).encode(), "meeting-guide", "feedx", "NA")
    await MeetingStore(services.db).import_parsed(parsed, "feedx", services.clock.now())


async def test_edits_and_closure_survive_a_feed_reimport(services: Services) -> None:
    await feed_import(services, FEED)
    (m,) = await search_meetings(services.db, "feedgroep")
    aud = bstore.Audience(meeting_id=m.id)
    await publish(services, None, m, "edit", {"field": "time", "value": "20:00"}, None, aud)
    await publish(services, None, m, "edit", {"field": "url", "value": "https://meet.example/x"}, None, aud)
    await publish(services, None, m, "close", {}, None, aud)
    await feed_import(services, FEED)  # the same feed again
    after = await get_meeting(services.db, m.id)
    assert after is not None
    assert (after.start_time, after.end_time, after.attendance) == ("20:00", "21:30", "inactive")
    assert after.conference_url == "https://meet.example/x"
    changed = [{**FEED[0], "name": "Feedgroep Utrecht Centrum"}]
    await feed_import(services, changed)  # the feed changes something else
    after = await get_meeting(services.db, m.id)
    assert after is not None and after.name == "Feedgroep Utrecht Centrum"
    assert (after.start_time, after.attendance) == ("20:00", "inactive")
    await publish(services, None, after, "reopen", {}, None, aud)
    await feed_import(services, changed)
    reopened = await get_meeting(services.db, m.id)
    # Reopened as it was held before the closure: in person plus the worker's own online link. An unchanged
    # feed record no longer rewrites the row, so it cannot undo that.
    assert reopened is not None and reopened.attendance == "hybrid" and reopened.start_time == "20:00"
    assert reopened.conference_url == "https://meet.example/x"


def test_own_csv_source_is_never_deactivated_by_another_import(tmp_path: Path) -> None:
    db = str(tmp_path / "dir.db")
    env = cli_env(EERSTESTAP_SECRET_KEY=TEST_SECRET)
    csv = tmp_path / "eigen.csv"
    csv.write_text(CSV, encoding="utf-8")
    refused = run_cli("admin", "import", str(csv), "--db", db, "--source", "beheer-chat", env=env)
    assert refused.returncode == 2
    own = run_cli("admin", "import", str(csv), "--db", db, "--source", "steunpunt-utrecht", "--json", env=env)
    assert own.returncode == 0, own.stderr
    assert json.loads(own.stdout)["added"] == 1
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(FEED), encoding="utf-8")
    for _ in range(2):  # a feed import, and one where the feed lost a meeting
        args = ("--source", "feedx", "--format", "meeting-guide", "--program", "NA", "--json")
        other = run_cli("admin", "import", str(feed), "--db", db, *args, env=env)
        assert other.returncode == 0, other.stderr
        feed.write_text(json.dumps([{**FEED[0], "slug": "feed-2"}]), encoding="utf-8")
    assert json.loads(other.stdout)["deactivated"] == 1
    again = run_cli(
        "admin", "import", str(csv), "--db", db, "--source", "steunpunt-utrecht", "--json", env=env
    )
    report = json.loads(again.stdout)
    assert (report["unchanged"], report["deactivated"]) == (1, 0)
    log = run_cli("admin", "log", "--db", db, env=env)
    assert "import\t-\tsteunpunt-utrecht: 1" in log.stdout
