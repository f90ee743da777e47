"""Small parts of the Telegram side: configuration, rendering, emulator tolerance, referrals, the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Update

from bot.app import should_edit
from bot.cli_link import link_for, payload_for
from bot.lenient import fix_payload
from bot.render import escape, fits_callback, inline_markup, markup_json, split_text
from content.i18n import messages
from conversations.context import Services
from conversations.types import Button, Reply
from storage.botmeta import first_group_notice
from storage.referrals import count_referral, referral_counts
from storage.support import figures
from tests.conftest import cli_env, run_cli


def test_render_escapes_splits_and_guards_callback_data() -> None:
    assert escape('<b>"AA" & NA</b>') == '&lt;b&gt;"AA" &amp; NA&lt;/b&gt;'
    long = ("regel met <tekens> & meer\n" * 400).strip()
    parts = split_text(long)
    assert len(parts) > 1 and "".join(parts) == long
    assert all(len(escape(p)) <= 4096 for p in parts)
    assert fits_callback("m:home") and not fits_callback("x" * 65) and not fits_callback("")
    assert fits_callback("é" * 32) and not fits_callback("é" * 33)
    markup = inline_markup(
        [
            [Button("ok", "m:home"), Button("te lang", "x" * 65)],
            [Button("web", url="https://aa-nederland.nl")],
        ]
    )
    assert markup is not None
    rows = markup.inline_keyboard
    assert [b.callback_data for b in rows[0]] == ["m:home"] and rows[1][0].url == "https://aa-nederland.nl"
    mixed = [
        [Button("ok", "m:home"), Button("te lang", "x" * 65)],
        [Button("web", url="https://aa-nederland.nl")],
    ]
    assert markup_json(mixed) == markup.to_dict(), "the raw keyboard is what python-telegram-bot would send"
    assert markup_json([[Button("x", "y" * 70)]]) is None


def test_should_edit_only_within_one_flow_screen() -> None:
    lang = Reply().add("Taal", [[Button("English", "s:setlang:en")]])
    assert should_edit(lang, "s:setlang:en", ["s:setlang:nl", "s:setlang:en"])
    menu_ids = ["l:start", "w:start", "n:start", "s:lang"]
    assert not should_edit(Reply().add("Wat is..", [[Button("x", "l:more")]]), "l:start", menu_ids)
    two = Reply().add("a").add("b")
    assert not should_edit(two, "s:setlang:en", ["s:setlang:en"])
    assert should_edit(Reply(edit=True).add("x"), "t:go", ["t:go"])


def test_lenient_fixes_emulator_answers() -> None:
    me = fix_payload({"ok": True, "result": {"username": "TestNameBot", "first_name": "T", "id": 666}})
    assert me["result"]["is_bot"] is True
    sent = fix_payload(
        {"ok": True, "result": {"message_id": 3, "date": 1_795_000_000_123, "chat_id": "5", "text": "x"}}
    )
    assert sent["result"]["date"] == 1_795_000_000 and sent["result"]["chat"] == {"id": 5, "type": "private"}
    updates = fix_payload(
        {
            "ok": True,
            "result": [
                {
                    "update_id": 7,
                    "callback_query": {
                        "id": "1",
                        "from": {"id": 5, "first_name": "T"},
                        "data": "m:home",
                        "message": {"from": {"id": 5, "first_name": "T", "is_bot": False}, "chat": {"id": 5}},
                    },
                }
            ],
        }
    )
    update = Update.de_json(updates["result"][0], None)
    assert update.callback_query is not None and update.callback_query.chat_instance == ""
    assert update.effective_chat is not None and update.effective_chat.id == 5


async def test_referrals_are_daily_anonymous_counters(services: Services) -> None:
    at = datetime(2026, 3, 23, 23, 30, tzinfo=UTC)  # already the 24th in Amsterdam
    assert await count_referral(services.db, "kliniek_utrecht", at)
    assert await count_referral(services.db, "kliniek_utrecht", at)
    assert await count_referral(services.db, "poster-2", datetime(2026, 3, 23, 9, tzinfo=UTC))
    assert not await count_referral(services.db, "bad tag!", at)
    assert await referral_counts(services.db) == [
        ("poster-2", "2026-03-23", 1),
        ("kliniek_utrecht", "2026-03-24", 2),
    ]
    assert (await figures(services.db))["referrals"] == [
        "2026-03 kliniek_utrecht: <5",
        "2026-03 poster-2: <5",
    ]
    assert "user_key" not in [c[1] for c in await services.db.fetchall("PRAGMA table_info('referrals')")]


async def test_group_notice_once(services: Services) -> None:
    now = services.clock.now()
    assert await first_group_notice(services.db, "abc", now)
    assert not await first_group_notice(services.db, "abc", now)


def test_telegram_texts_exist_in_both_languages() -> None:
    nl = {k for k in messages("nl") if k.startswith("telegram.")}
    en = {k for k in messages("en") if k.startswith("telegram.")}
    assert nl == en and len(nl) >= 14
    assert len(messages("en")["telegram.short_description"]) <= 120
    assert len(messages("nl")["telegram.description"]) <= 512


def test_link_payloads() -> None:
    assert payload_for("kliniek_utrecht", None) == "kliniek_utrecht"
    assert payload_for(None, "naasten") == "naasten"
    assert payload_for(None, "meeting_12") == "meeting_12"
    assert payload_for("kliniek_utrecht", "wachtlijst") == "wachtlijst--kliniek_utrecht"
    assert link_for("@EersteStapBot", "naasten") == "https://t.me/EersteStapBot?start=naasten"
    for tag, flow in (
        ("a b", None),
        (None, "nope"),
        (None, None),
        ("x" * 60, "naasten"),
        ("a--b", None),
        ("naasten", None),
        ("meeting_3", None),
    ):
        with pytest.raises(ValueError):
            payload_for(tag, flow)


def test_cli_link_writes_a_qr_and_run_explains_missing_settings(tmp_path: Path) -> None:
    qr = tmp_path / "poster.png"
    out = run_cli(
        "link",
        "--tag",
        "huisarts_zeist",
        "--qr",
        str(qr),
        env=cli_env(EERSTESTAP_BOT_USERNAME="EersteStapBot"),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "https://t.me/EersteStapBot?start=huisarts_zeist"
    assert qr.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = run_cli("run", "--db", str(tmp_path / "x.db"), "--env-file", str(tmp_path / "none.env"))
    assert out.returncode == 2 and "TELEGRAM_BOT_TOKEN is not set" in out.stderr
    env = cli_env(TELEGRAM_BOT_TOKEN="123:abc", TELEGRAM_BASE_URL="http://127.0.0.1:9/bot")
    out = run_cli("run", "--db", str(tmp_path / "x.db"), "--env-file", str(tmp_path / "none.env"), env=env)
    assert out.returncode == 3 and "EERSTESTAP_ALLOW_DEMO=1" in out.stderr


def test_bench_updates_prints_its_figures() -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run(
        [sys.executable, "bench/updates.py", "--updates", "120", "--rounds", "1"],
        capture_output=True, text=True, cwd=ROOT, env=cli_env(), timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "ratio full/bare:" in out.stdout and "p99" in out.stdout
    assert "median of 1 alternating rounds" in out.stdout
    for kind in ("location", "near", "press", "text"):  # p50/p99 per kind of update
        assert any(line.split()[:1] == [kind] and "p99" in line for line in out.stdout.splitlines()), kind
