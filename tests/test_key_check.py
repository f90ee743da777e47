"""A missing, damaged, exposed or different key stops start-up with one sentence and exit 2; a database
that has users never gets a new key (issue 18, point 4)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from storage.db import Database
from storage.keys import ENV_KEY_FILE, ENV_SECRET, key_file_for

SECRET = "ab" * 32


@pytest.fixture(autouse=True)
def no_key_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_SECRET, raising=False)
    monkeypatch.delenv(ENV_KEY_FILE, raising=False)
    monkeypatch.delenv("EERSTESTAP_DB", raising=False)


def purge(db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Start a command on the database (purge: opens it, checks the key, touches nobody recent)."""
    code = main(["purge", "--db", str(db)])
    return code, capsys.readouterr().err


def with_a_user(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A database made with the key beside it, holding one user."""
    assert purge(db, capsys)[0] == 0

    async def add() -> None:
        async with Database(db) as conn:
            await conn.execute(
                "INSERT INTO users(user_key, lang, updated_at, expires_at) VALUES ('u', 'nl', 'x', '9999')"
            )

    asyncio.run(add())


def refused(db: Path, capsys: pytest.CaptureFixture[str], *names: str) -> str:
    code, err = purge(db, capsys)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert all(name in lines[0] for name in names), lines[0]
    return lines[0]


def test_a_new_database_gets_a_key_and_keeps_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "data" / "bot.db"
    assert purge(db, capsys)[0] == 0
    key = key_file_for(db)
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert oct(db.parent.stat().st_mode & 0o777) == "0o700", "the data directory is owner-only"
    first = key.read_text()
    assert purge(db, capsys)[0] == 0 and key.read_text() == first


def test_a_missing_key_is_never_regenerated_for_a_database_with_users(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    with_a_user(db, capsys)
    key_file_for(db).unlink()
    refused(db, capsys, "missing", ENV_KEY_FILE)
    assert not key_file_for(db).exists()


def test_a_database_from_before_the_check_with_users_gets_no_new_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    with_a_user(db, capsys)

    async def forget_check() -> None:
        async with Database(db) as conn:
            await conn.execute("DELETE FROM key_check")

    asyncio.run(forget_check())
    key_file_for(db).unlink()
    refused(db, capsys, "missing")
    assert not key_file_for(db).exists()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "one character changed": lambda p: p.write_text(
        ("0" if p.read_text()[5] != "0" else "1").join([p.read_text()[:5], p.read_text()[6:]])
    ),
    "a line appended": lambda p: p.write_text(p.read_text() + "extra line\n"),
    "hex appended": lambda p: p.write_text(p.read_text() + "abcdef\n"),
    "truncated": lambda p: p.write_text(p.read_text()[:20]),
    "empty": lambda p: p.write_text(""),
    "a directory": lambda p: (p.unlink(), p.mkdir(mode=0o700)),  # type: ignore[func-returns-value]
    "readable by others": lambda p: p.chmod(0o644),
    "readable by the group": lambda p: p.chmod(0o640),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_key_file_stops_start_up(
    damage: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    with_a_user(db, capsys)
    key = key_file_for(db)
    DAMAGE[damage](key)
    if key.is_file():
        key.chmod(key.stat().st_mode & 0o777)  # keep the damaged mode
    line = refused(db, capsys, ENV_KEY_FILE)
    assert str(key) in line or "does not match" in line


def test_a_named_key_file_is_blamed_by_its_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "keys" / "k"
    key.parent.mkdir()
    fd = os.open(key, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"short\n")
    os.close(fd)
    monkeypatch.setenv(ENV_KEY_FILE, str(key))
    line = refused(tmp_path / "bot.db", capsys, ENV_KEY_FILE, str(key))
    assert ENV_SECRET not in line


def test_a_different_secret_in_the_environment_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "bot.db"
    monkeypatch.setenv(ENV_SECRET, SECRET)
    with_a_user(db, capsys)
    monkeypatch.setenv(ENV_SECRET, "cd" * 32)
    refused(db, capsys, ENV_SECRET, "does not match")
    monkeypatch.setenv(ENV_SECRET, SECRET)
    assert purge(db, capsys)[0] == 0
