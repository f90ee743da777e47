"""SIGTERM with a backlog: fetching stops at once, the process exits within 8 s, and no update that was
acknowledged goes unanswered: after a restart all 600 are answered exactly once (issue 18, point 6)."""

from __future__ import annotations

import asyncio
import collections
import time
from pathlib import Path

from tests.fakebotapi import FakeBotAPI
from tests.test_cli_run import start_bot, stop_bot
from tests.tgharness import TOKEN

BACKLOG = 600
FIRST = 30_000


def answered(fake: FakeBotAPI) -> collections.Counter[int]:
    """How many updates of each chat got an answer (each text gets one message, the first screen)."""
    return collections.Counter(
        int(c.params["chat_id"]) for c in fake.calls_of("sendMessage") if int(c.params["chat_id"]) >= FIRST
    )


async def until(condition, within: float, what: str) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + within
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_sigterm_with_600_queued_loses_and_repeats_nothing(tmp_path: Path) -> None:
    async with FakeBotAPI(TOKEN) as fake:
        for i in range(BACKLOG):
            fake.text(FIRST + i, "hallo")
        rate = {"EERSTESTAP_GLOBAL_RATE": "150", "EERSTESTAP_CHAT_INTERVAL": "0"}
        proc = await start_bot(fake, tmp_path, **rate)
        try:
            await until(lambda: len(answered(fake)) >= 60, 40, "the first answers")
        finally:
            started = time.monotonic()
            code, err = await stop_bot(proc)
            took = time.monotonic() - started
        assert code == 0 and "Traceback" not in err, err
        assert took <= 8, f"SIGTERM took {took:.1f} s"
        first_run = answered(fake)
        assert len(first_run) < BACKLOG, "the backlog was gone before the SIGTERM"
        per_update = max(first_run.values())
        proc = await start_bot(fake, tmp_path, **rate)
        try:
            await until(lambda: len(answered(fake)) >= BACKLOG, 90, "every update answered")
            await fake.wait_idle(quiet=0.3)
        finally:
            code, err = await stop_bot(proc)
        assert code == 0, err
        counts = answered(fake)
        assert set(counts) == {FIRST + i for i in range(BACKLOG)}
        assert set(counts.values()) == {per_update}, "each update answered exactly once"
        print(f"\nSIGTERM after {len(first_run)}/{BACKLOG} answered: exit in {took:.1f} s")
