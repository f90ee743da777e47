"""Durable delivery: two connections or two processes on one database deliver a reminder exactly once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from conftest import ROOT, cli_env
from trial_support import add_meeting

from conversations.clock import FixedClock
from conversations.context import Services, Settings
from conversations.engine import Engine
from conversations.reminders import SOURCE
from conversations.types import Input
from storage.db import Database
from storage.keys import load_keyring
from tests.trial_support import queued

REMINDER_AT = datetime(2026, 3, 24, 16, 30, tzinfo=UTC)


async def open_services(db_path: Path, at: datetime) -> Services:
    db = await Database(db_path).open()
    return Services(db=db, keys=load_keyring(db_path), clock=FixedClock(at), settings=Settings())


async def prepare(db_path: Path, trials: int = 1) -> None:
    """Meetings and trials (chat ids 1..n, 2 hours before a Tuesday 19:30 meeting), then close."""
    services = await open_services(db_path, datetime(2026, 3, 23, 10, 0, tzinfo=UTC))
    try:
        mid = await add_meeting(services.db)
        engine = Engine(services)
        for chat in range(1, trials + 1):
            await engine.handle(chat, Input.of_button(f"t:start:m{mid}"))  # the offer, then a choice
            await engine.handle(chat, Input.of_button(f"t:new:{mid}:2h"))
    finally:
        await services.db.close()


async def test_two_connections_claiming_at_once_get_disjoint_rows(db_path: Path):
    await prepare(db_path, trials=40)
    first, second = await open_services(db_path, REMINDER_AT), await open_services(db_path, REMINDER_AT)
    try:
        got: list[str] = []
        for _ in range(5):
            a, b = await asyncio.gather(
                SOURCE.claim_due(first, REMINDER_AT, limit=7), SOURCE.claim_due(second, REMINDER_AT, limit=7)
            )
            got += [i.ref for i in a] + [i.ref for i in b]
            for services, items in ((first, a), (second, b)):
                for item in items:
                    await SOURCE.settle(services, item, "sent")
        assert len(got) == 40 and len(set(got)) == 40
        assert await SOURCE.claim_due(second, REMINDER_AT) == []
    finally:
        await first.db.close()
        await second.db.close()


async def test_a_crash_after_claiming_is_delivered_by_the_next_process(db_path: Path):
    await prepare(db_path)
    crashed = await open_services(db_path, REMINDER_AT)
    [lost] = await SOURCE.claim_due(crashed, REMINDER_AT)  # claimed, then the process dies unsettled
    await crashed.db.close()
    later = await open_services(db_path, REMINDER_AT)
    try:
        assert await SOURCE.claim_due(later, REMINDER_AT) == []  # the lease still holds
        after_lease = datetime(2026, 3, 24, 16, 36, tzinfo=UTC)
        [again] = await SOURCE.claim_due(later, after_lease)
        assert again.ref == lost.ref
        await SOURCE.settle(later, again, "sent")
        assert await SOURCE.claim_due(later, after_lease) == []
        row = await later.db.fetchone(
            "SELECT status, attempts FROM reminders WHERE id = ?", (int(again.ref),)
        )
        assert row is not None and tuple(row) == ("sent", 2)
    finally:
        await later.db.close()


def chat_process(db_path: Path) -> subprocess.Popen[str]:
    """A terminal chat for chat id 1 whose clock starts just after the reminder time."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--db", str(db_path), "--now", "2026-03-24T17:35"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
        cwd=ROOT,
    )


async def test_two_chat_processes_print_the_reminder_once(db_path: Path):
    await prepare(db_path)
    procs = [chat_process(db_path), chat_process(db_path)]
    outputs = [p.communicate("", timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outputs]
    printed = sum(out.count("Vanavond 19:30 — je meeting") for out, _ in outputs)
    assert printed == 1
    third = chat_process(db_path)
    out, _ = third.communicate("", timeout=60)
    assert "je meeting" not in out
    services = await open_services(db_path, REMINDER_AT)
    try:
        rows = await queued(services.db, 1)
        first = next(r for r in rows if r.kind == "reminder")
        assert first.status == "sent"
    finally:
        await services.db.close()


async def test_the_restarted_bot_takes_over_its_own_claims_at_once(db_path: Path):
    """`eerstestap run` holds the run lock, so claims it finds are a stopped process's: no 5-minute wait."""
    from storage.claims import expire_claims

    await prepare(db_path)
    crashed = await open_services(db_path, REMINDER_AT)
    [lost] = await SOURCE.claim_due(crashed, REMINDER_AT)
    await crashed.db.close()
    restarted = await open_services(db_path, REMINDER_AT)
    try:
        assert await expire_claims(restarted.db, REMINDER_AT) == 1
        [again] = await SOURCE.claim_due(restarted, REMINDER_AT)  # at once, same moment
        assert again.ref == lost.ref
        await SOURCE.settle(restarted, again, "sent")
        assert await expire_claims(restarted.db, REMINDER_AT) == 0
        assert await SOURCE.claim_due(restarted, REMINDER_AT) == []
    finally:
        await restarted.db.close()
