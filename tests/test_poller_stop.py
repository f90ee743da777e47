"""Stopping the fetch loop when the library turns the cancellation of getUpdates into a network error."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from telegram.error import NetworkError

from bot.polling import Poller


class SwallowingBot:
    """A getUpdates that hangs like a long poll and, when cancelled, raises NetworkError instead."""

    def __init__(self) -> None:
        self.calls = 0

    async def get_updates(self, **kw: Any) -> list[Any]:
        self.calls += 1
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            raise NetworkError("httpx.ReadError: cancelled") from None
        return []


async def test_stop_fetching_ends_even_if_the_cancellation_comes_back_as_a_network_error() -> None:
    bot = SwallowingBot()
    app = SimpleNamespace(bot=bot, update_queue=asyncio.Queue())
    poller = Poller(app, allowed_updates=["message"])  # type: ignore[arg-type]
    poller.start()
    await asyncio.sleep(0.05)
    await asyncio.wait_for(poller.stop_fetching(), 3)  # before the fix: retried getUpdates for ever
    assert bot.calls == 1, "no new getUpdates after the stop"
