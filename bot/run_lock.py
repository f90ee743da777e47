"""One `eerstestap run` per database: a second process would answer every update twice.

An exclusive `flock` on a file beside the database (`<db>.run-lock`). The kernel drops it when the
process ends in any way, SIGKILL included, so a restart never waits for a stale lease; a database-row
lease could not tell a crashed holder from a slow one without a timeout.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class AlreadyRunning(RuntimeError):
    """Another process holds the run lock of this database."""


def lock_path(db_path: Path) -> Path:
    """The lock file beside a database file."""
    return db_path.with_name(db_path.name + ".run-lock")


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """Hold the database's run lock for the block; AlreadyRunning (one sentence) if another process has it."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise AlreadyRunning(
                f"another `eerstestap run`{f' (process {holder})' if holder.isdigit() else ''} is using "
                f"the database {db_path}; stop it first (two bots on one database answer everyone twice)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor drops the lock
