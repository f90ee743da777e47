"""Shared fixtures: real SQLite files in a temp dir, a fixed clock, the engine, the CLI as a subprocess."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conversations.arrivals import ARRIVALS
from conversations.clock import FixedClock
from conversations.context import Services, Settings
from conversations.engine import Engine
from conversations.location_cache import LOCATIONS
from storage.db import Database
from storage.keys import KeyRing

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared data (real snapshot, sources): $EERSTESTAP_SHARED_DIR, else ../shared (or ../../shared
    for a git worktree one level deeper); tests that need it skip when it is absent."""
    if env := os.environ.get("EERSTESTAP_SHARED_DIR"):
        return Path(env)
    near = [p / "shared" for p in (ROOT.parent, ROOT.parent.parent)]
    return next((p for p in near if p.is_dir()), near[0])


SHARED = shared_dir()


def keep_bytecode() -> None:
    """Let the interpreters the tests start keep their bytecode (in a private folder outside the checkout).

    With PYTHONDONTWRITEBYTECODE set, each `python -m bot ...` the tests run compiles the project's modules
    from source again (~0.4 s of CPU each time, a few hundred times a run)."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE") or os.environ.get("PYTHONPYCACHEPREFIX"):
        return
    prefix = Path(tempfile.gettempdir()) / f"eerstestap-pycache-{os.getuid()}"
    try:
        prefix.mkdir(mode=0o700, exist_ok=True)
        info = prefix.lstat()
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077:
        del os.environ["PYTHONDONTWRITEBYTECODE"]
        os.environ["PYTHONPYCACHEPREFIX"] = str(prefix)


keep_bytecode()
TEST_SECRET = "7f" * 32


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for running `python -m bot` from the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EERSTESTAP_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `eerstestap ARGS` as a subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env or cli_env(),
        cwd=ROOT,
        timeout=timeout,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "eerstestap.db"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 23, 10, 0, tzinfo=UTC))


@pytest.fixture
async def services(db_path: Path, clock: FixedClock) -> AsyncIterator[Services]:
    db = Database(db_path)
    await db.open()
    try:
        yield Services(db=db, keys=KeyRing(bytes.fromhex(TEST_SECRET)), clock=clock, settings=Settings())
    finally:
        await db.close()


@pytest.fixture
def engine(services: Services) -> Engine:
    return Engine(services)


@pytest.fixture(autouse=True)
def fresh_locations() -> Iterator[None]:
    """Each test starts with no search location in memory (as after a restart)."""
    LOCATIONS.clear()
    ARRIVALS.clear()
    yield
    LOCATIONS.clear()
    ARRIVALS.clear()


@pytest.fixture
async def demo(services: Services) -> Services:
    """Services whose directory holds the bundled demo meetings."""
    from tests.directory_helpers import load_demo

    await load_demo(services)
    return services


# The slowest tests (a full `--durations` run, longest first) start first: `pytest -n auto` hands tests out
# round-robin in this order, so no worker is left running a long one alone at the end. Only the order
# changes; a test missing here runs after these, in the usual order.
START_FIRST = (
    "tests/test_welcome_terminal.py",
    "tests/test_welcome_flow.py::test_admin_invite_welcomer_and_welcome_switch",
    "tests/test_broadcast_e2e.py::test_cancel_in_the_terminal_chat",
    "tests/test_imports.py::test_every_module_imports_alone_in_a_fresh_interpreter",
    "tests/test_admin_cli.py",
    "tests/test_broadcast_crash.py",
    "tests/test_trial_cli.py",
    "tests/test_crisis.py::test_eval_script_prints_every_figure",
    "tests/test_feed_sync_crash.py",
    "tests/test_guidance_cli.py",
    "tests/test_regex_anchors.py",
    "tests/test_directory_cli.py",
    "tests/test_terminal.py",
    "tests/test_send_faults.py",
    "tests/test_sigterm_backlog.py",
    "tests/test_printables.py",
    "tests/test_site_browser.py",
    "tests/test_crisis_screens.py",
    "tests/test_site_build.py",
    "tests/test_support_directory.py",
    "tests/test_telegram_units.py",
    "tests/test_cli_run.py",
    "tests/test_bench_broadcast.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the tests named in START_FIRST first, in that order (the rest keep theirs)."""

    def rank(item: pytest.Item) -> int:
        return next(
            (n for n, name in enumerate(START_FIRST) if item.nodeid.startswith(name)), len(START_FIRST)
        )

    items.sort(key=rank)
