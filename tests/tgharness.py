"""Running the real python-telegram-bot Application in-process against the fake Bot API (tests only)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from bot.app import TelegramAdapter, serve
from bot.config import Config
from bot.feeds_config import Feed
from conversations.context import Services
from tests.fakebotapi import FakeBotAPI

TOKEN = "123:abc"
SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_config(fake: FakeBotAPI, *, webhook: bool = False, **overrides: Any) -> Config:
    """A configuration pointing at the fake, fast sweeps and no per-chat pacing."""
    config = Config(
        token=TOKEN,
        base_url=fake.base_url,
        allow_demo=True,
        global_rate=1000.0,
        chat_interval=0.0,
        sweep_interval=0.2,
        secret_token=SECRET,
    )
    if webhook:
        port = free_port()
        config = config.model_copy(
            update={"webhook_url": f"http://127.0.0.1:{port}/tg-hook", "listen": "127.0.0.1", "port": port}
        )
    return config.model_copy(update=overrides)


@asynccontextmanager
async def running_bot(
    services: Services,
    fake: FakeBotAPI,
    *,
    webhook: bool = False,
    feeds: Sequence[Feed] = (),
    **overrides: Any,
) -> AsyncIterator[TelegramAdapter]:
    """Start the bot (polling or webhook) against the fake; stop it cleanly on exit."""
    config = bot_config(fake, webhook=webhook, **overrides)
    stop = asyncio.Event()
    ready: asyncio.Future[TelegramAdapter] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(services, config, stop, started=ready.set_result, feeds=feeds))
    done, _ = await asyncio.wait({task, ready}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()  # raises what went wrong
    adapter = ready.result()
    _RUNNING[fake] = (adapter, fake.pushed)
    try:
        yield adapter
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        _RUNNING.pop(fake, None)


_RUNNING: dict[FakeBotAPI, tuple[TelegramAdapter, int]] = {}


async def turn(fake: FakeBotAPI, within: float = 10.0) -> None:
    """Wait until the running bot has handled every update queued so far (and so sent its answers)."""
    adapter, baseline = _RUNNING[fake]
    deadline = asyncio.get_running_loop().time() + within
    while adapter.handled < fake.pushed - baseline:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"handled {adapter.handled} of {fake.pushed - baseline} updates")
        await asyncio.sleep(0.005)
