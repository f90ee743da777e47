"""The in-memory index of placed meetings (issue 13): it returns what the ring statement returns, and it
follows every change to the directory (edits, closing, adding, imports, another process, a rollback)."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conversations.context import Services
from storage import placed as placed_module
from storage.db import Database
from storage.directory import REACH, SLACK, Filters, MeetingStore, _within
from storage.edits import add_meeting, cancel_date, close_meeting, edit_meeting, reopen_meeting
from storage.geo import cell_of
from storage.importers import parse_file
from storage.importers.normalise import Parsed
from storage.meeting import Meeting
from storage.placed import placed_index
from storage.versions import directory_version
from tests.conftest import shared_dir
from tests.directory_helpers import demo_id

UTRECHT = (52.0907, 5.1214)
NOW = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)
REAL = shared_dir() / "data" / "nl-meetings-2026-07-18.json"


async def assert_index_is_the_statement(store: MeetingStore, points: list[tuple[float, float]]) -> int:
    """Compare the index with the ring statement for each point, radius, program and limit; how many
    comparisons had rows."""
    index = await placed_index(store.db)
    rows = 0
    for lat, lon in points:
        for radius in (3.0, 9.0, 27.0, 50.0):
            for program in (None, "NA", "AA"):
                for limit in (1, 10, 40):
                    sql, args = store._ring_sql(lat, lon, Filters(program=program), limit, radius)
                    expected = [tuple(r) for r in await store._rows(sql, args)]
                    got = index.ring_rows(lat, lon, radius * REACH, program, limit + SLACK)
                    assert got == expected, (lat, lon, radius, program, limit)
                    near = index.nearest(lat, lon, radius * REACH, program, limit + SLACK, radius, limit)
                    assert near == _within(lat, lon, expected, radius, limit)
                    rows += bool(got)
    return rows


async def add_random_meetings(store: MeetingStore, count: int, seed: int = 5) -> None:
    rnd = random.Random(seed)
    for i in range(count):
        meeting = Meeting(
            source="synthetic",
            slug=f"m{i}",
            program=rnd.choice(["NA", "AA", "CA"]),
            name=f"Meeting {i}",
            weekday=rnd.randint(1, 7),
            start_time="19:30",
            lat=rnd.uniform(50.8, 53.5),
            lon=rnd.uniform(3.4, 7.2),
            city="Ergens",
        )
        await store.add(meeting, NOW)


@pytest.mark.parametrize("band_scan", [0, 4, 10**9])  # a search per grid row, either, one pass
async def test_the_index_returns_what_the_ring_statement_returns(
    services: Services, band_scan: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(placed_module, "BAND_SCAN", band_scan)
    store = MeetingStore(services.db)
    await add_random_meetings(store, 600)
    rnd = random.Random(9)
    points = [(rnd.uniform(50.9, 53.4), rnd.uniform(3.5, 7.1)) for _ in range(25)] + [UTRECHT]
    assert await assert_index_is_the_statement(store, points) > 500


async def test_the_index_returns_what_the_ring_statement_returns_on_the_demo(demo: Services) -> None:
    store = MeetingStore(demo.db)
    assert await assert_index_is_the_statement(store, [UTRECHT, (52.37, 4.89), (51.44, 5.48)]) > 50


@pytest.mark.skipif(not REAL.exists(), reason="the shared data snapshot is not here")
async def test_the_index_returns_what_the_ring_statement_returns_on_real_data(db_path: Path) -> None:
    parsed, _, source = parse_file(REAL)
    async with Database(db_path) as db:
        store = MeetingStore(db)
        await store.import_parsed(parsed, source, NOW)
        rnd = random.Random(3)
        placed = [m for m in parsed.meetings if m.lat is not None and m.lon is not None]
        points = [(m.lat + rnd.uniform(-0.1, 0.1), m.lon + rnd.uniform(-0.1, 0.1)) for m in placed[::40]]
        assert await assert_index_is_the_statement(store, points) > 500  # type: ignore[arg-type]


async def test_equal_flat_distances_go_by_id(services: Services) -> None:
    store = MeetingStore(services.db)
    for i in range(4):  # one venue, four meetings
        await store.add(Meeting("s", f"v{i}", "NA", f"V{i}", 2, "19:30", lat=52.1, lon=5.1), NOW)
    index = await placed_index(services.db)
    rows = index.ring_rows(52.0, 5.0, 50.0, None, 3)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows) and len(rows) == 3
    assert {r[0] for r in rows} < {r[0] for r in index.ring_rows(52.0, 5.0, 50.0, None, 4)}


async def near_ids(store: MeetingStore) -> list[int]:
    """The ids near Utrecht, checked against a scan of the table."""
    found = await store.near(*UTRECHT, limit=40, max_km=50)
    scan = await store.near_scan(*UTRECHT, limit=40, max_km=50)
    assert [(n.meeting.id, n.km) for n in found] == [(n.meeting.id, n.km) for n in scan]
    return [n.meeting.id or 0 for n in found]


async def test_the_index_follows_every_change_to_the_directory(demo: Services, db_path: Path) -> None:
    db, now = demo.db, demo.clock.now()
    store = MeetingStore(db)
    mid = await demo_id(demo, "voorbeeld-02")
    first = await placed_index(db)
    assert mid in await near_ids(store)
    assert await placed_index(db) is first, "nothing changed: the same index"
    await db.execute("UPDATE meetings SET last_seen = ? WHERE id = ?", ("2030-01-01T00:00:00Z", mid))
    assert await placed_index(db) is first, "last_seen is not content"

    async with db.tx() as tx:  # a support worker closes it: gone from near-me
        await close_meeting(tx, mid, now, "worker")
    assert mid not in await near_ids(store)
    assert (await placed_index(db)).placed == first.placed - 1
    async with db.tx() as tx:
        await reopen_meeting(tx, mid, now, "worker")
    assert mid in await near_ids(store)

    async with db.tx() as tx:  # a new address in another town moves it away (and the index with it)
        await edit_meeting(tx, mid, now, "worker", address="Markt 1, Groningen", town=(53.219, 6.566))
    assert mid not in await near_ids(store)

    async with db.tx() as tx:  # a meeting no feed carries, right in Utrecht
        added = await add_meeting(
            tx, now, program="AA", name="Nieuw", weekday=3, start_time="20:00", lat=52.09, lon=5.12
        )
    assert added in await near_ids(store)

    other = sqlite3.connect(db_path)  # another process (the admin CLI) moves it out of reach
    other.execute(
        "UPDATE meetings SET lat = 53.2, lon = 6.56, cell = ? WHERE id = ?", (cell_of(53.2, 6.56), added)
    )
    other.commit()
    other.close()
    assert added not in await near_ids(store)

    feed = Meeting("feed", "f1", "NA", "Uit de feed", 4, "19:00", lat=52.091, lon=5.121, city="Utrecht")
    before = await placed_index(db)
    report = await store.import_parsed(Parsed(meetings=[feed]), "feed", now)  # real data: the demo goes
    assert report.added == 1
    after = await placed_index(db)
    assert after.version != before.version
    found = await near_ids(store)
    assert len(found) == 1 and found[0] not in (mid, added)


async def test_an_index_built_inside_a_rolled_back_transaction_is_not_kept(demo: Services) -> None:
    db, now = demo.db, demo.clock.now()
    store = MeetingStore(db)
    before = await near_ids(store)
    with pytest.raises(RuntimeError):
        async with db.transaction():
            async with db.tx() as tx:
                gone = await add_meeting(
                    tx, now, program="AA", name="Weg", weekday=3, start_time="20:00", lat=52.09, lon=5.12
                )
            assert gone in await near_ids(store)  # seen inside the transaction
            raise RuntimeError("roll back")
    async with db.tx() as tx:  # another change that brings the directory to the same version number
        kept = await add_meeting(
            tx, now, program="NA", name="Blijft", weekday=4, start_time="19:00", lat=52.2, lon=5.3
        )
    assert sorted(await near_ids(store)) == sorted([*before, kept])  # (it may have the rolled-back id)
    names = {n.meeting.name for n in await store.near(*UTRECHT, limit=40, max_km=50)}
    assert "Blijft" in names and "Weg" not in names


async def test_the_versions_move_with_meetings_and_their_date_changes(demo: Services) -> None:
    db, now = demo.db, demo.clock.now()
    mid = await demo_id(demo, "voorbeeld-02")
    meetings, changes = (
        await directory_version(db, "meetings"),
        await directory_version(db, "meeting_changes"),
    )
    await db.execute("UPDATE meetings SET last_seen = 'x' WHERE id = ?", (mid,))
    assert await directory_version(db, "meetings") == meetings
    await db.execute("UPDATE meetings SET name = 'Anders' WHERE id = ?", (mid,))
    assert await directory_version(db, "meetings") > meetings
    meetings = await directory_version(db, "meetings")
    async with db.tx() as tx:
        await cancel_date(tx, mid, now.date(), now, "worker")
    assert await directory_version(db, "meeting_changes") > changes
    changes = await directory_version(db, "meeting_changes")
    await db.execute("UPDATE meeting_changes SET note = 'n' WHERE meeting_id = ?", (mid,))
    assert await directory_version(db, "meeting_changes") > changes
    changes = await directory_version(db, "meeting_changes")
    await db.execute("DELETE FROM meetings WHERE id = ?", (mid,))  # (its changes go with it)
    assert await directory_version(db, "meetings") > meetings
    assert await directory_version(db, "meeting_changes") > changes
