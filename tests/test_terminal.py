"""The terminal chat as a subprocess: welcome and buttons, /stop, restart mid-flow, and a privacy scan."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

from content.i18n import translator
from storage.db import Database
from storage.keys import load_keyring
from storage.users import UserStore
from tests.conftest import run_cli

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
