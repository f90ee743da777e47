"""Date changes are read only for meetings that have one (issue 13): the answer stays what the table
says after a cancel, a move, a deletion, another process's write and a rolled-back transaction."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from conversations.context import Services
from storage.changes import date_changes
from storage.db import Database
from storage.edits import cancel_date, move_date
from storage.occurrences import DateChange
from tests.directory_helpers import demo_id


async def from_table(
    db: Database, ids: list[int], first: date, last: date
) -> dict[tuple[int, date], DateChange]:
    """The answer straight from the table (the statement date_changes ran for every id before)."""
    out: dict[tuple[int, date], DateChange] = {}
    rows = await db.fetchall(
        "SELECT meeting_id, kind, on_date, new_start, new_end, new_location, new_address, new_lat, new_lon, "
        f"new_url, note FROM meeting_changes WHERE meeting_id IN ({','.join('?' * len(ids))}) "
        "AND kind IN ('cancel', 'move') AND on_date BETWEEN ? AND ? ORDER BY id",
        (*ids, first.isoformat(), last.isoformat()),
    )
    for r in rows:
        on = date.fromisoformat(r[2])
        out[(r[0], on)] = DateChange(r[1], on, r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10])
    return out


async def test_date_changes_follow_the_table(demo: Services, db_path: Path) -> None:
    db, now = demo.db, demo.clock.now()
    a, b = await demo_id(demo, "voorbeeld-02"), await demo_id(demo, "voorbeeld-03")
    today = now.date()
    week = (today, today + timedelta(days=6))

    async def check(expected_keys: set[tuple[int, date]]) -> None:
        for first, last in (week, (today + timedelta(days=2), today + timedelta(days=3))):
            got = await date_changes(db, [a, b], first, last)
            assert got == await from_table(db, [a, b], first, last)
        assert set(await date_changes(db, [a, b], *week)) == expected_keys

    await check(set())
    async with db.tx() as tx:
        await cancel_date(tx, a, today + timedelta(days=2), now, "worker")
    await check({(a, today + timedelta(days=2))})
    async with db.tx() as tx:  # a later change of the same date wins
        await move_date(tx, a, today + timedelta(days=2), now, "worker", new_start="20:00")
    await check({(a, today + timedelta(days=2))})
    assert (await date_changes(db, [a], *week))[(a, today + timedelta(days=2))].kind == "move"

    other = sqlite3.connect(db_path)  # another process cancels b
    other.execute(
        "INSERT INTO meeting_changes(meeting_id, kind, on_date, actor, created_at) "
        "VALUES (?, 'cancel', ?, 'x', 'x')",
        (b, (today + timedelta(days=3)).isoformat()),
    )
    other.commit()
    await check({(a, today + timedelta(days=2)), (b, today + timedelta(days=3))})
    other.execute("DELETE FROM meeting_changes WHERE meeting_id = ?", (a,))
    other.commit()
    other.close()
    await check({(b, today + timedelta(days=3))})

    with pytest.raises(RuntimeError):  # seen inside its transaction, forgotten after the rollback
        async with db.tx() as tx:
            await tx.execute("DELETE FROM meeting_changes WHERE meeting_id = ?", (b,))
            assert await date_changes(db, [a, b], *week) == {}
            raise RuntimeError("roll back")
    async with db.tx() as tx:  # another change, which brings the version to the same number again
        await cancel_date(tx, a, today + timedelta(days=4), now, "worker")
    await check({(b, today + timedelta(days=3)), (a, today + timedelta(days=4))})


async def test_meetings_without_changes_cost_no_change_query(demo: Services) -> None:
    db = demo.db
    a = await demo_id(demo, "voorbeeld-02")
    today = demo.clock.now().date()
    await date_changes(db, [a], today, today + timedelta(days=6))
    statements: list[str] = []
    db.loop_conn.set_trace_callback(statements.append)
    try:
        assert await date_changes(db, [a], today, today + timedelta(days=6)) == {}
    finally:
        db.loop_conn.set_trace_callback(None)
    assert not [s for s in statements if "FROM meeting_changes" in s]
