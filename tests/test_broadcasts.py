"""Broadcast outbox: one transaction, atomic claims across connections, leases, settling, summaries."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from conversations.context import Services
from storage import broadcasts as b
from storage.db import Database
from tests.support_helpers import add_follower, make_meeting


async def test_outbox_written_in_one_transaction(services: Services) -> None:
    mid = await make_meeting(services)
    for chat in range(1, 6):
        await add_follower(services, chat, mid)
    await add_follower(services, 99, mid, sealed=False)
    now = services.clock.now()
    with pytest.raises(RuntimeError):
        async with services.db.tx() as tx:
            await b.create_broadcast(
                tx, now, b.Audience(meeting_id=mid), "cancel", params={"date": "2026-03-24"}
            )
            raise RuntimeError("crash before commit")
    assert tuple(await services.db.fetchone("SELECT COUNT(*) FROM outbox")) == (0,)
    assert tuple(await services.db.fetchone("SELECT COUNT(*) FROM broadcasts")) == (0,)
    async with services.db.tx() as tx:
        cast = await b.create_broadcast(tx, now, b.Audience(meeting_id=mid), "cancel", params={"date": "x"})
    assert (cast.total, cast.skipped) == (5, 1)
    assert tuple(
        await services.db.fetchone("SELECT COUNT(*) FROM outbox WHERE broadcast_id = ?", (cast.id,))
    ) == (5,)


async def test_region_audience_counts_each_person_once(services: Services) -> None:
    m1 = await make_meeting(services, "Een")
    m2 = await make_meeting(services, "Twee")
    other = await make_meeting(services, "Drie", program="AA")
    await add_follower(services, 1, m1)
    await add_follower(services, 1, m2)
    await add_follower(services, 2, m2)
    await add_follower(services, 3, other)
    assert await b.count_recipients(services.db, b.Audience(program="NA", region="utrecht")) == (2, 0)
    async with services.db.tx() as tx:
        cast = await b.create_broadcast(
            tx, services.clock.now(), b.Audience(program="NA", region="Utrecht"), "announce", text="Hallo"
        )
    assert cast.total == 2


async def test_atomic_claim_across_two_databases(services: Services, db_path: Path) -> None:
    mid = await make_meeting(services)
    for chat in range(1, 201):
        await add_follower(services, chat, mid)
    now = services.clock.now()
    async with services.db.tx() as tx:
        cast = await b.create_broadcast(tx, now, b.Audience(meeting_id=mid), "cancel", params={"date": "x"})
    other = await Database(db_path).open()
    try:
        # Claimed by one connection means invisible to the other until the lease runs out.
        a = await b.claim(services.db, now, limit=5)
        c = await b.claim(other, now, limit=5)
        assert len(a) == len(c) == 5 and not {r.outbox_id for r in a} & {r.outbox_id for r in c}
        for r in [*a, *c]:
            await b.settle(services.db, r.outbox_id, r.broadcast_id, "sent", now)

        async def worker(db: Database) -> list[int]:
            got: list[int] = []
            while rows := await b.claim(db, now, limit=7):
                got += [r.outbox_id for r in rows]
                for r in rows:
                    await b.settle(db, r.outbox_id, r.broadcast_id, "sent", now)
            return got

        first, second = await asyncio.gather(worker(services.db), worker(other))
    finally:
        await other.close()
    assert not set(first) & set(second)
    assert len(first) + len(second) == 190
    done = await b.get_broadcast(services.db, cast.id)
    assert done is not None and (done.sent, done.pending) == (200, 0)


async def test_lease_expiry_makes_a_claim_reclaimable(services: Services) -> None:
    mid = await make_meeting(services)
    await add_follower(services, 1, mid)
    now = services.clock.now()
    async with services.db.tx() as tx:
        await b.create_broadcast(tx, now, b.Audience(meeting_id=mid), "cancel", params={"date": "x"})
    first = await b.claim(services.db, now, lease=timedelta(seconds=30))
    assert len(first) == 1
    assert await b.claim(services.db, now + timedelta(seconds=29)) == []  # still leased: nobody else
    assert await b.next_due_at(services.db) == now + timedelta(seconds=30)
    again = await b.claim(services.db, now + timedelta(seconds=31))
    assert [c.outbox_id for c in again] == [first[0].outbox_id]
    assert again[0].attempts == 2


async def test_settle_outcomes_and_summary(services: Services) -> None:
    mid = await make_meeting(services)
    for chat in range(1, 5):
        await add_follower(services, chat, mid)
    now = services.clock.now()
    async with services.db.tx() as tx:
        cast = await b.create_broadcast(tx, now, b.Audience(meeting_id=mid), "cancel", params={"date": "x"})
    rows = await b.claim(services.db, now)
    assert len(rows) == 4
    assert await b.settle(services.db, rows[0].outbox_id, cast.id, "sent", now) == "sent"
    assert await b.settle(services.db, rows[0].outbox_id, cast.id, "sent", now) == ""  # twice counts once
    assert await b.settle(services.db, rows[1].outbox_id, cast.id, "blocked", now) == "blocked"
    assert await b.settle(services.db, rows[2].outbox_id, cast.id, "failed", now) == "failed"
    retry_at = now + timedelta(seconds=5)
    assert (
        await b.settle(services.db, rows[3].outbox_id, cast.id, "retry", now, retry_at=retry_at) == "pending"
    )
    assert await b.finish_ready(services.db, now) == []  # one still pending
    assert await b.claim(services.db, now) == []  # not due before retry_at
    later = await b.claim(services.db, retry_at)
    assert [r.outbox_id for r in later] == [rows[3].outbox_id]
    await b.settle(services.db, later[0].outbox_id, cast.id, "sent", retry_at)
    finished = await b.finish_ready(services.db, retry_at)
    assert len(finished) == 1
    summary = finished[0][0]
    assert (summary.sent, summary.blocked, summary.failed, summary.status) == (2, 1, 1, "done")


async def test_retries_end_as_failed(services: Services) -> None:
    mid = await make_meeting(services)
    await add_follower(services, 1, mid)
    now = services.clock.now()
    async with services.db.tx() as tx:
        cast = await b.create_broadcast(tx, now, b.Audience(meeting_id=mid), "cancel", params={"date": "x"})
    status = ""
    for _ in range(b.MAX_ATTEMPTS):
        now += timedelta(minutes=10)
        rows = await b.claim(services.db, now)
        assert len(rows) == 1
        status = await b.settle(services.db, rows[0].outbox_id, cast.id, "retry", now)
    assert status == "failed"
    got = await b.get_broadcast(services.db, cast.id)
    assert got is not None and got.failed == 1


async def test_erased_recipient_loses_outbox_rows(services: Services) -> None:
    mid = await make_meeting(services)
    key = await add_follower(services, 1, mid)
    await add_follower(services, 2, mid)
    async with services.db.tx() as tx:
        cast = await b.create_broadcast(
            tx, services.clock.now(), b.Audience(meeting_id=mid), "note", text="x"
        )
    await services.users.erase(key)  # /stop before the message went out
    assert tuple(await services.db.fetchone("SELECT COUNT(*) FROM outbox")) == (1,)
    got = await b.get_broadcast(services.db, cast.id)
    assert got is not None and (got.total, got.skipped, got.pending) == (1, 1, 1)
