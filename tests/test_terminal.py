"""The terminal chat as a subprocess: welcome and buttons, /stop, restart mid-flow, and a privacy scan."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import struct
import subprocess
from pathlib import Path

from content.i18n import translator
from storage.db import Database
from storage.keys import load_keyring
from storage.users import UserStore
from tests.conftest import ROOT, TEST_SECRET, cli_env, run_cli

NL, EN = translator("nl"), translator("en")


def chat(db: Path, stdin: str, *extra: str) -> str:
    proc = run_cli("chat", "--db", str(db), *extra, stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def stored_user(db: Path, chat_id: int) -> tuple[bool, int]:
    """Whether a users row exists for the chat, and how many users rows there are."""

    async def look() -> tuple[bool, int]:
        keys = load_keyring(db, create=False)
        async with Database(db) as conn:
            row = await UserStore(conn, keys).get(keys.pseudonym(chat_id))
            count = await conn.fetchone("SELECT COUNT(*) FROM users")
        return row is not None, int(count[0]) if count else 0

    return asyncio.run(look())


def test_dutch_welcome_with_numbered_buttons(tmp_path: Path) -> None:
    out = chat(tmp_path / "nl.db", "/start\n1\n", "--lang", "nl")
    assert "Goed dat je er bent." in out
    assert f"  [1] {NL.t('menu.btn.learn')}" in out and f"  [2] {NL.t('menu.btn.which')}" in out
    assert NL.t("topic.what.1") in out, "button 1 was pressed and answered"


def test_english_welcome(tmp_path: Path) -> None:
    out = chat(tmp_path / "en.db", "/start\n1\n", "--lang", "en")
    assert EN.t("menu.welcome").splitlines()[0] in out
    assert f"  [1] {EN.t('menu.btn.learn')}" in out
    assert EN.t("topic.what.1") in out
    assert NL.t("menu.prompt") not in out


def test_stop_leaves_no_user_row(tmp_path: Path) -> None:
    db = tmp_path / "stop.db"
    out = chat(db, "/start\n2\n/stop\n", "--chat-id", "4242")
    assert NL.t("stop.done").splitlines()[0] in out
    assert stored_user(db, 4242) == (False, 0)


def test_restart_continues_where_it_stopped(tmp_path: Path) -> None:
    db = tmp_path / "restart.db"
    first = chat(db, f"/start\n{NL.t('menu.btn.which')}\n{NL.t('which.opt.who.self')}\n", "--chat-id", "31")
    assert NL.t("which.q.what") in first
    second = chat(db, f"{NL.t('which.opt.what.alcohol')}\n", "--chat-id", "31")
    assert second.startswith(NL.t("which.q.what")), "the screen it was on is shown again"
    assert NL.t("which.q.young") in second, "and the answer moves the flow on"
    assert stored_user(db, 31) == (True, 1)


def needles(chat_id: int, free_text: str, lat: float) -> dict[str, bytes]:
    """Every way the chat id, the free text or the location could sit in a file."""
    found = {"chat id as text": str(chat_id).encode(), "free text": free_text.encode()}
    found["free text word"] = free_text.split()[0].encode()
    found["latitude as text"] = f"{lat}".encode()
    for order, tag in (("<", "le"), (">", "be")):
        found[f"chat id 8-byte {tag}"] = struct.pack(f"{order}q", chat_id)
        found[f"chat id 4-byte {tag} (low bits)"] = struct.pack(f"{order}I", chat_id & 0xFFFFFFFF)
        found[f"latitude double {tag}"] = struct.pack(f"{order}d", lat)
    for width in (5, 6):  # SQLite stores integers in 1, 2, 3, 4, 6 or 8 bytes, big-endian
        found[f"chat id {width}-byte be"] = chat_id.to_bytes(width, "big")
        found[f"chat id {width}-byte le"] = chat_id.to_bytes(width, "little")
    return found


def test_privacy_scan_of_database_files(tmp_path: Path) -> None:
    db = tmp_path / "scan.db"
    chat_id, free_text, lat = 987654321987, "Zonnebloemveldkwispel ik woon aan de Lindelaan 8", 52.091731
    session = "\n".join(
        [
            "/start",
            NL.t("menu.btn.which"),
            free_text,
            NL.t("which.opt.who.self"),
            "ik drink te veel, ik heet Zonnebloemveldkwispel",
            f"/location {lat} 5.121956",
            NL.t("which.done"),
            "/privacy",
            "/menu",
            NL.t("menu.btn.learn"),
            free_text,
        ]
    )
    chat(db, session + "\n", "--chat-id", str(chat_id))
    assert stored_user(db, chat_id)[0], "the session was stored under its pseudonym"
    files = [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
    assert db in files
    pseudonym = load_keyring(db, create=False).pseudonym(chat_id).encode()
    assert any(pseudonym in p.read_bytes() for p in files), "control: the scan sees what is stored"
    leaks = [
        f"{path.name}: {what}"
        for path in files
        for what, needle in needles(chat_id, free_text, lat).items()
        if needle in path.read_bytes()
    ]
    assert not leaks, leaks


def test_the_chat_greets_at_once_in_the_chosen_language(tmp_path: Path) -> None:
    """No /start needed: the first thing on screen is the welcome, in --lang."""
    english = chat(tmp_path / "en.db", "", "--lang", "en")
    assert english.startswith(EN.t("menu.welcome").splitlines()[0]), english[:200]
    dutch = chat(tmp_path / "nl.db", "")
    assert dutch.startswith(NL.t("menu.welcome").splitlines()[0]), dutch[:200]


def test_the_clock_shows_amsterdam_time_labelled_whatever_the_host_zone(tmp_path: Path) -> None:
    env = cli_env(TZ="America/New_York")
    proc = run_cli(
        "chat", "--db", str(tmp_path / "c.db"), "--now", "2026-03-27T12:00", stdin="/wait 1h\n", env=env
    )
    assert "⏱  2026-03-27 13:00 Amsterdam (CET)" in proc.stdout, proc.stdout[-300:]
    summer = run_cli(
        "chat", "--db", str(tmp_path / "c.db"), "--now", "2026-07-01T09:30", stdin="/wait 30m\n", env=env
    )
    assert "⏱  2026-07-01 10:00 Amsterdam (CEST)" in summer.stdout


def test_a_malformed_now_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    proc = run_cli("chat", "--db", str(tmp_path / "c.db"), "--now", "27-03-2026 12:00", stdin="")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert "2026-03-27T12:00" in proc.stderr


def test_an_unreachable_bot_api_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "123456789:AAE-abcdefghijklmnopqrstuvwxyz12345"
    env = cli_env(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot",
        EERSTESTAP_ALLOW_DEMO="1",
        EERSTESTAP_SECRET_KEY=TEST_SECRET,
    )
    proc = run_cli("run", "--db", str(tmp_path / "r.db"), "--env-file", os.devnull, env=env, timeout=120)
    assert proc.returncode == 2, (proc.stdout, proc.stderr[-800:])
    assert "Traceback" not in proc.stderr and token not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach the Telegram Bot API" in lines[0], proc.stderr


def test_calendar_files_go_to_a_private_folder(tmp_path: Path) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o755)
    env = cli_env(XDG_RUNTIME_DIR=str(runtime))
    proc = run_cli(
        "chat", "--db", str(tmp_path / "f.db"), stdin="/start meeting_2\nZet in mijn agenda\n", env=env
    )
    assert proc.returncode == 0, proc.stderr
    folder = runtime / "eerstestap-files"
    files = list(folder.iterdir())
    assert len(files) == 1 and str(files[0]) in proc.stdout
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert "/tmp/eerstestap-files" not in proc.stdout


def test_generated_catalogs_are_ignored_by_git() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "content/locale/nl/LC_MESSAGES/core.mo"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0
