"""`eerstestap admin` for scripts: changes with friendly refusals, broadcasts, progress, figures, roles."""

from __future__ import annotations

import json
from pathlib import Path

from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from storage.referrals import count_referral
from storage.support import figures
from storage.trials import TrialStore
from tests.conftest import TEST_SECRET, cli_env, run_cli
from tests.support_helpers import add_follower, make_meeting, make_worker, text_of


def test_admin_changes_broadcasts_and_roles(tmp_path: Path) -> None:
    db = str(tmp_path / "admin.db")
    env = cli_env(EERSTESTAP_SECRET_KEY=TEST_SECRET)
    chat = run_cli(
        "chat", "--db", db, "--chat-id", "11", stdin="/start meeting_2\nVolg deze meeting\n", env=env
    )
    assert "Je volgt deze meeting" in chat.stdout, chat.stdout
    now = ("--now", "2026-03-23T12:00")
    wrong = run_cli("admin", "cancel", "2", "2026-03-25", "--db", db, *now, env=env)
    assert wrong.returncode == 2 and "not on the meeting's weekday" in wrong.stdout
    missing = run_cli("admin", "cancel", "999", "2026-03-24", "--db", db, env=env)
    assert missing.returncode == 1 and "no meeting 999" in missing.stdout
    bad_time = run_cli("admin", "move", "2", "2026-03-24", "--time", "half acht", "--db", db, *now, env=env)
    assert bad_time.returncode == 2 and "--time" in bad_time.stdout
    cancel = run_cli("admin", "cancel", "2", "2026-03-24", "--db", db, "--json", *now, env=env)
    assert json.loads(cancel.stdout) == {"broadcast": 1, "queued": 1, "skipped": 0}
    to_region = ("--program", "na", "--region", "Utrecht", "--db", db, "--json")
    region = run_cli("admin", "broadcast", "Nieuwe groep", *to_region, env=env)
    assert json.loads(region.stdout)["queued"] == 1
    progress = json.loads(run_cli("admin", "progress", "--db", db, "--json", env=env).stdout)
    assert [(b["id"], b["pending"], b["sent"]) for b in progress["broadcasts"]] == [(2, 1, 0), (1, 1, 0)]
    seen = run_cli("chat", "--db", db, "--chat-id", "11", stdin="/wait 1m\n", env=env)
    assert seen.stdout.count("Wijziging voor een meeting die je volgt:") == 1
    assert "Een bericht voor wie meetings in Utrecht volgt." in seen.stdout
    progress = json.loads(run_cli("admin", "progress", "1", "--db", db, "--json", env=env).stdout)
    assert progress["broadcasts"][0]["sent"] == 1
    code = run_cli("admin", "invite", "--db", db, "--json", env=env)
    assert json.loads(code.stdout)["code"].count("-") == 2
    listed = json.loads(run_cli("admin", "list", "--db", db, "--json", env=env).stdout)
    assert listed["workers"] == [] and len(listed["open_invites"]) == 1
    assert run_cli("admin", "revoke", "7", "--db", db, env=env).returncode == 1


def test_admin_refuses_what_would_mislead_followers(tmp_path: Path) -> None:
    """Past dates, a second cancel, empty texts, http links, unknown or empty regions: one sentence each."""
    db = str(tmp_path / "admin.db")
    env = cli_env(EERSTESTAP_SECRET_KEY=TEST_SECRET)
    chat = run_cli(
        "chat", "--db", db, "--chat-id", "11", stdin="/start meeting_2\nVolg deze meeting\n", env=env
    )
    assert "Je volgt deze meeting" in chat.stdout, chat.stdout
    now = ("--db", db, "--now", "2026-03-23T12:00")

    def refused(*args: str) -> str:
        done = run_cli("admin", *args, *now, env=env)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and done.stdout.count("\n") == 1, done.stdout
        return done.stdout

    assert "That date is over" in refused("cancel", "2", "2026-03-17")
    assert "That date is over" in refused("move", "2", "2026-03-17", "--time", "20:00")
    assert run_cli("admin", "cancel", "2", "2026-03-24", *now, env=env).returncode == 0
    assert "already cancelled" in refused("cancel", "2", "2026-03-24")
    assert "empty" in refused("note", "2", "   ")
    assert "empty" in refused("broadcast", " ", "--meeting", "2")
    assert "https://" in refused("edit", "2", "--url", "http://meet.example/na")
    assert "https://" in refused("edit", "2", "--url", "meet.example/na")
    assert "do not know that region" in refused(
        "broadcast", "Hallo", "--program", "NA", "--region", "Utrehct"
    )
    assert "Nobody in that region" in refused("broadcast", "Hallo", "--program", "AA", "--region", "Utrecht")
    as_json = run_cli("admin", "cancel", "2", "2026-03-10", "--json", *now, env=env)
    assert json.loads(as_json.stdout)["refused"] == "past"
    bad_now = run_cli("admin", "cancel", "2", "2026-03-24", "--db", db, "--now", "morgen", env=env)
    assert bad_now.returncode == 2 and "2026-03-27T12:00" in bad_now.stderr
    progress = json.loads(run_cli("admin", "progress", "--db", db, "--json", env=env).stdout)
    assert len(progress["broadcasts"]) == 1  # only the one real cancel went out


async def test_figures_mask_small_counts(engine: Engine, services: Services) -> None:
    mid = await make_meeting(services)
    trials = TrialStore(services.db)
    for i in range(7):
        await trials.start(f"k{i}", mid, "NA", "2h", services.clock.now())
    await trials.start("a1", mid, "AA", "2h", services.clock.now())
    await trials.start("b1", mid, "ALANON", "2h", services.clock.now())
    for _ in range(3):
        await count_referral(services.db, "kliniek_a", services.clock.now())
    fig = await figures(services.db)
    assert "2026-03 NA: 7 / 0 / 0" in fig["trials"]
    assert "2026-03 AA: <5 / 0 / 0" in fig["trials"]
    assert fig["referrals"] == ["2026-03 kliniek_a: <5"]
    await add_follower(services, 1, mid)
    await make_worker(services, engine, 500)
    shown = text_of(await engine.handle(500, Input.of_button("b:fig")))
    assert "2026-03 AA: <5 / 0 / 0" in shown and "kliniek_a: <5" in shown
    assert "2026-03 Al-Anon: <5 / 0 / 0" in shown and "ALANON" not in shown  # names, not codes
