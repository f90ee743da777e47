"""Opening the embedded services: database path, keys, clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from bot.config import Config
from bot.demo_directory import load_demo_directory
from conversations.clock import Clock, SystemClock
from conversations.context import Services, Settings
from storage.db import Database
from storage.keycheck import open_keyring

StartupHook = Callable[[Services], Awaitable[None]]
# Run once after the database is open, in order: an empty directory gets the demo meetings.
STARTUP_HOOKS: tuple[StartupHook, ...] = (load_demo_directory,)


def flow_settings(config: Config, *, demo_allowed: bool = True) -> Settings:
    """The run-time switches flows and message sources see, taken from the settings."""
    return Settings(
        demo_allowed=demo_allowed,
        outbox_lease=timedelta(seconds=config.outbox_lease),
        welcome_timeout=timedelta(hours=config.welcome_timeout),
    )


@asynccontextmanager
async def open_services(
    config: Config | Path, clock: Clock | None = None, settings: Settings | None = None
) -> AsyncIterator[Services]:
    """Open the database (migrated), load the keys, run startup hooks; close on exit.

    A bare path stands for the default settings with that database (benches and tests).
    """
    if isinstance(config, Path):
        config = Config(db=config)
    path = config.db_path
    db = Database(path)
    await db.open()
    try:
        keys = await open_keyring(db, path, secret=config.secret_key, key_file=config.key_file)
    except BaseException:
        await db.close()
        raise
    services = Services(
        db=db, keys=keys, clock=clock or SystemClock(), settings=settings or flow_settings(config)
    )
    try:
        for hook in STARTUP_HOOKS:
            await hook(services)
        yield services
    finally:
        await db.close()
