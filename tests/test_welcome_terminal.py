"""Done-when in the terminal: three `eerstestap chat --chat-id` processes on one `--db` (a support worker,
a welcomer, a newcomer), then a byte scan of the database, its -wal and -shm and the logs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import TEST_SECRET, cli_env, run_cli
from tests.welcome_helpers import db_files, leaks

WORKER, WELCOMER, NEWCOMER = "918273611", "918273612", "918273613"
NOW = "2026-03-23T12:00"
NICK = "Zwaluwstaart"
FIND = "Ik sta om 19:20 bij de deur, met een rode sjaal."
TO_WELCOMER = ("Ik ben er om 19:25", "Ik kom met de fiets")
TO_NEWCOMER = ("Ik sta bij de fietsenstalling", "Tot zo, ik zwaai")


def test_three_chats_on_one_database(tmp_path: Path) -> None:
    db = str(tmp_path / "chat.db")
    env = cli_env(EERSTESTAP_SECRET_KEY=TEST_SECRET)
    logs: list[str] = []

    def chat(chat_id: str, lines: list[str], now: str = NOW) -> str:
        done = run_cli(
            "-v",
            "chat",
            "--db",
            db,
            "--chat-id",
            chat_id,
            "--now",
            now,
            stdin="\n".join(lines) + "\n",
            env=env,
        )
        assert done.returncode == 0, done.stderr
        logs.append(done.stderr)
        return done.stdout

    code = run_cli("admin", "invite", "--db", db, env=env).stdout.split()[0]
    wcode = run_cli("admin", "invite", "--role", "welcomer", "--db", db, env=env).stdout.split()[0]

    worker = chat(
        WORKER, [f"/beheer {code}", "Meeting zoeken", "Voorbeeld NA dinsdag Utrecht", "1", "Opvang aanzetten"]
    )
    assert "Opvang staat aan voor deze meeting." in worker, worker
    welcomer = chat(WELCOMER, [f"/opvang {wcode}", "1", "Klaar"])
    assert (
        "Welkom als opvanger (O2)" in welcomer and "Je vangt op bij: Voorbeeld NA dinsdag Utrecht" in welcomer
    )

    newcomer = chat(NEWCOMER, [
        "/start meeting_2", "Probeer deze meeting 6 keer", "2 uur van tevoren",
        "/start meeting_2", "Opgevangen worden bij je eerste keer?", "1", NICK,
    ])  # fmt: skip
    assert "Je vraag is verstuurd" in newcomer, newcomer

    offer = chat(WELCOMER, ["/wait 1m", "Ik vang op", FIND])
    assert "Iemand komt dinsdag 24 maart voor het eerst naar de meeting om 19:30 in Utrecht." in offer
    assert f"Diegene heet: {NICK}" in offer and "Doorgestuurd" in offer

    heard = chat(NEWCOMER, ["/wait 1m", "Antwoorden", TO_WELCOMER[0], "Bericht sturen", TO_WELCOMER[1]])
    assert "Goed nieuws over dinsdag 24 maart." in heard and FIND in heard
    assert heard.count("Doorgestuurd.") == 2

    answered = chat(
        WELCOMER, ["/wait 1m", "Antwoorden", TO_NEWCOMER[0], "Bericht: dinsdag 24 maart", TO_NEWCOMER[1]]
    )
    assert all(t in answered for t in TO_WELCOMER) and answered.count("Doorgestuurd.") == 2

    evening_lines = ["/wait 1m", "/wait 1h", "/wait 4h", "Ja, ik ben gegaan", "Ja, ik ben opgevangen"]
    evening = chat(NEWCOMER, evening_lines, now="2026-03-24T17:00")
    assert all(t in evening for t in TO_NEWCOMER)
    reminder = evening.split("je meeting", 1)[1]
    assert f"Zo vind je wie je opvangt: {FIND}" in reminder.split("\n\n")[0]
    assert "Nog één vraag: ben je opgevangen?" in evening and "Fijn dat je bent opgevangen!" in evening

    figures = json.loads(run_cli("admin", "figures", "--db", db, "--json", env=env).stdout)
    assert figures["welcome"] == ["2026-03 NA: <5 / <5 / <5 / 0"]
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT requested, accepted, met, uncovered FROM welcome_counters"
        ).fetchall() == [(1, 1, 1, 0)]
        nick_box = conn.execute("SELECT nick_box FROM welcome_requests").fetchone()[0]
    assert nick_box

    purged = run_cli("purge", "--db", db, "--now", "2026-03-26T00:00", env=env)
    assert purged.returncode == 0, purged.stderr
    log = tmp_path / "chat.log"
    log.write_text("\n".join(logs) + purged.stderr, encoding="utf-8")
    needles = {t: t.encode() for t in (*TO_WELCOMER, *TO_NEWCOMER, FIND, NICK)}
    needles["sealed nickname"] = bytes(nick_box)
    needles.update({f"chat {c}": c.encode() for c in (WORKER, WELCOMER, NEWCOMER)})
    assert leaks([*db_files(db), log], needles) == []
