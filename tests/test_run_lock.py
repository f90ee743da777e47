"""One `eerstestap run` per database: a second one is refused with one sentence, a dead one never blocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.run_lock import AlreadyRunning, lock_path, run_lock
from tests.conftest import ROOT, TEST_SECRET, cli_env, run_cli

TOKEN = "123456:AAE-abc_def"


def test_a_second_run_on_the_same_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    env = cli_env(TELEGRAM_BOT_TOKEN=TOKEN, EERSTESTAP_SECRET_KEY=TEST_SECRET)
    with run_lock(db):
        result = run_cli("run", "--db", str(db), "--allow-demo", env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("eerstestap run: another `eerstestap run` (process ")
    assert str(os.getpid()) in lines[0] and "Traceback" not in result.stderr
    assert not db.exists(), "refused before the database was opened"


def test_the_lock_is_per_database_and_released_on_exit(tmp_path: Path) -> None:
    with run_lock(tmp_path / "a.db"), run_lock(tmp_path / "b.db"):
        with pytest.raises(AlreadyRunning, match="another `eerstestap run`"):
            with run_lock(tmp_path / "a.db"):
                pass
    with run_lock(tmp_path / "a.db"):
        pass
    assert oct(lock_path(tmp_path / "a.db").stat().st_mode & 0o777) == "0o600"


def test_a_killed_holder_never_blocks_the_restart(tmp_path: Path) -> None:
    """SIGKILL leaves no stale lease: the kernel drops the lock with the process."""
    db = tmp_path / "bot.db"
    code = (
        "import sys, time; from pathlib import Path; from bot.run_lock import run_lock\n"
        "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=cli_env()
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning, match=f"process {holder.pid}"):
            with run_lock(db):
                pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        with run_lock(db):
            pass
    finally:
        holder.kill()
        holder.wait(10)
