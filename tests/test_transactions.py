"""One user action, one transaction: a failure half-way through a write leaves nothing changed."""

from __future__ import annotations

import asyncio

import pytest
from support_helpers import make_worker
from trial_support import add_meeting

from conversations.context import Services
from conversations.engine import Engine
from conversations.trial_schedule import reschedule
from conversations.types import Input
from storage.trials import TrialStore

CHAT = 8080


class Crash(RuntimeError):
    """Stands in for a crash between two writes."""


async def count(services: Services, sql: str) -> int:
    row = await services.db.fetchone(sql)
    assert row is not None
    return int(row[0])


async def test_a_raise_inside_a_transaction_changes_nothing(services: Services) -> None:
    db = services.db
    before = await count(services, "SELECT COUNT(*) FROM referrals")
    with pytest.raises(Crash):
        async with db.transaction():
            await db.execute("INSERT INTO referrals(tag, day, count) VALUES ('a', '2026-03-23', 1)")
            async with db.tx() as tx:  # a store function's own transaction joins the open one
                await tx.execute("INSERT INTO referrals(tag, day, count) VALUES ('b', '2026-03-23', 1)")
            assert await count(services, "SELECT COUNT(*) FROM referrals") == before + 2
            raise Crash
    assert await count(services, "SELECT COUNT(*) FROM referrals") == before


async def test_other_tasks_wait_for_the_transaction(services: Services) -> None:
    db = services.db
    seen: list[int] = []

    async def reader() -> None:
        seen.append(await count(services, "SELECT COUNT(*) FROM referrals"))

    async with db.transaction():
        await db.execute("INSERT INTO referrals(tag, day, count) VALUES ('a', '2026-03-23', 1)")
        task = asyncio.create_task(reader())
        await asyncio.sleep(0.01)
        assert seen == []  # the other task waits for the lock instead of reading half a change
    await task
    assert seen == [1]


async def started(engine: Engine, services: Services, remind: str = "2h") -> int:
    mid = await add_meeting(services.db)
    await engine.handle(CHAT, Input.of_button(f"t:start:m{mid}"))
    await engine.handle(CHAT, Input.of_button(f"t:new:{mid}:{remind}"))
    return mid


async def test_reschedule_is_atomic(
    engine: Engine, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await started(engine, services)
    trial = await TrialStore(services.db).open_trial(services.keys.pseudonym(CHAT))
    assert trial is not None
    pending = "SELECT COUNT(*) FROM reminders WHERE status = 'pending'"
    before = await count(services, pending)
    assert before > 0

    async def crash(*args: object) -> None:
        raise Crash

    monkeypatch.setattr("conversations.trial_schedule.top_up", crash)
    with pytest.raises(Crash):
        await reschedule(services.db, trial.id, services.clock.now())
    assert await count(services, pending) == before, "the dropped rows are back: the window stays filled"


async def test_starting_a_trial_is_atomic(
    engine: Engine, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def crash(*args: object) -> None:
        raise Crash

    monkeypatch.setattr("conversations.flows.trial.top_up", crash)
    with pytest.raises(Crash):
        await started(engine, services)
    assert await count(services, "SELECT COUNT(*) FROM trials") == 0


async def test_keeping_on_at_six_is_atomic(
    engine: Engine, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await started(engine, services)
    await services.db.execute("UPDATE trials SET status = 'done', attended = 6")
    store_cls = TrialStore

    async def crash(self: TrialStore, *args: object) -> None:
        raise Crash

    monkeypatch.setattr(store_cls, "set_status", crash)
    with pytest.raises(Crash):
        await engine.handle(CHAT, Input.of_button("t:keep:1"))
    assert await count(services, "SELECT COUNT(*) FROM follows") == 0, "no follow without the rest"
    with pytest.raises(Crash):
        await engine.handle(CHAT, Input.of_button("t:keep:0"))
    assert await count(services, "SELECT COUNT(*) FROM follows") == 0
    monkeypatch.undo()
    await engine.handle(CHAT, Input.of_button("t:keep:1"))
    assert await count(services, "SELECT COUNT(*) FROM follows") == 1


async def test_adding_a_meeting_and_its_audit_line_is_atomic(
    engine: Engine, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_worker(services, engine, CHAT)
    for inp in (
        Input.of_button("b:add"),
        Input.of_button("b:ap:NA"),
        Input.of_text("De Brug"),
        Input.of_button("b:ad:2"),
        Input.of_text("19:30"),
        Input.of_text("Buurthuis De Linde, Lindelaan 4, Utrecht"),
    ):
        await engine.handle(CHAT, inp)

    async def crash(*args: object) -> None:
        raise Crash

    monkeypatch.setattr("conversations.flows.support.write_audit", crash)
    with pytest.raises(Crash):
        await engine.handle(CHAT, Input.of_button("b:aok"))
    assert await count(services, "SELECT COUNT(*) FROM meetings WHERE name = 'De Brug'") == 0
    monkeypatch.undo()
    await engine.handle(CHAT, Input.of_button("b:aok"))
    assert await count(services, "SELECT COUNT(*) FROM meetings WHERE name = 'De Brug'") == 1
    assert await count(services, "SELECT COUNT(*) FROM audit_log WHERE action = 'add'") == 1


async def test_a_transaction_inside_a_store_transaction_joins_it(services: Services) -> None:
    db = services.db
    with pytest.raises(Crash):
        async with db.tx() as tx:
            await tx.execute("INSERT INTO referrals(tag, day, count) VALUES ('a', '2026-03-23', 1)")
            async with db.transaction():  # would wait for itself if it did not join
                await db.execute("INSERT INTO referrals(tag, day, count) VALUES ('b', '2026-03-23', 1)")
            raise Crash
    assert await count(services, "SELECT COUNT(*) FROM referrals") == 0


async def test_a_near_me_search_inside_a_transaction_does_not_wait_on_itself(services: Services) -> None:
    """Every store read joins the open transaction (none takes the database lock on its own)."""
    from storage.directory import Filters, MeetingStore

    store = MeetingStore(services.db)
    async with services.db.transaction():
        for filters in (Filters(), Filters(weekdays=(1,))):  # the indexed read, and the read on the thread
            async with asyncio.timeout(5):  # same task (wait_for would start another one)
                await store.near(52.09, 5.12, filters)
