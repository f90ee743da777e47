"""Opening the embedded services: database path, keys, clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from conversations.clock import Clock, SystemClock
from conversations.context import Services, Settings
from storage.db import Database
from storage.keycheck import open_keyring

ENV_DB = "EERSTESTAP_DB"
# Async callables run once after the database is open (e.g. loading the demo directory into an empty db).
STARTUP_HOOKS: list[Callable[[Services], Awaitable[None]]] = []


def data_dir() -> Path:
    """The per-user data directory (XDG_DATA_HOME/eerstestap, else ~/.local/share/eerstestap)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "eerstestap"


def default_db_path() -> Path:
    """EERSTESTAP_DB, else eerstestap.db in the data directory."""
    env = os.environ.get(ENV_DB)
    return Path(env) if env else data_dir() / "eerstestap.db"


@asynccontextmanager
async def open_services(
    db_path: Path | str | None = None, clock: Clock | None = None, settings: Settings | None = None
) -> AsyncIterator[Services]:
    """Open the database (migrated), load the keys, run startup hooks; close on exit."""
    path = Path(db_path) if db_path else default_db_path()
    db = Database(path)
    await db.open()
    try:
        keys = await open_keyring(db, path)
    except BaseException:
        await db.close()
        raise
    services = Services(db=db, keys=keys, clock=clock or SystemClock(), settings=settings or Settings())
    try:
        for hook in STARTUP_HOOKS:
            await hook(services)
        yield services
    finally:
        await db.close()


def _register_directory_hooks() -> None:
    from bot.demo_directory import load_demo_directory

    if load_demo_directory not in STARTUP_HOOKS:
        STARTUP_HOOKS.append(load_demo_directory)


_register_directory_hooks()
