"""The real Dutch snapshot: 943 meetings, 85 online, flagged gaps; a second import changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.db import Database
from storage.directory import Filters, MeetingStore
from storage.importers import parse_file
from tests.conftest import SHARED

REAL = SHARED / "data" / "nl-meetings-2026-07-18.json"
NOW = datetime(2026, 7, 20, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.skipif(not REAL.exists(), reason="shared data not available")


async def test_import_real_snapshot_twice(db_path: Path) -> None:
    parsed, fmt, source = parse_file(REAL)
    assert fmt == "nl-merged"
    async with Database(db_path) as db:
        store = MeetingStore(db)
        report = await store.import_parsed(parsed, source, NOW)
        data = report.as_json()
        assert (data["total"], data["added"], data["online"], data["rejected"]) == (943, 943, 85, [])
        assert data["unknown_types"] == []  # our label table knows every code of the snapshot
        flagged = data["missing_coordinates"]
        assert flagged and all(r.startswith("NA:") for r in flagged)
        stats = await store.stats()
        assert stats["in_person_without_coordinates"] == len(flagged)
        assert stats["programs"] == {"NA": 442, "AA": 256, "CA": 245}
        again = await store.import_parsed(parse_file(REAL)[0], source, NOW)
        assert (again.added, again.updated, again.deactivated, again.unchanged) == (0, 0, 0, 943)


async def test_grid_search_matches_a_full_scan_on_real_data(db_path: Path) -> None:
    parsed, _, source = parse_file(REAL)
    async with Database(db_path) as db:
        store = MeetingStore(db)
        await store.import_parsed(parsed, source, NOW)
        for lat, lon, program in [
            (52.155, 5.3875, "NA"),
            (53.2, 6.56, "AA"),
            (51.44, 5.48, None),
            (52.0, 4.3, "CA"),
        ]:
            f = Filters(program=program)
            fast = await store.near(lat, lon, f, limit=12)
            slow = await store.near_scan(lat, lon, f, limit=12)
            assert [round(n.km, 6) for n in fast] == [round(n.km, 6) for n in slow]
            assert len(fast) == min(12, len(slow)) and fast
            assert all(program is None or n.meeting.program == program for n in fast)
