"""Done-when: a support worker cancels next Tuesday's meeting → followers and trial participants get one
message each, their reminder for that date is not sent, their trial count waits (in the engine and in the
terminal chat)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from storage.trials import TrialStore
from tests.conftest import TEST_SECRET, cli_env, run_cli
from tests.support_helpers import add_follower, drain, make_meeting, make_worker, press, text_of

AMS = ZoneInfo("Europe/Amsterdam")
WORKER = 500
FOLLOWER, TRIAL, BOTH = 11, 12, 13


async def test_cancel_next_tuesday_end_to_end(engine: Engine, services: Services, clock) -> None:
    mid = await make_meeting(services)  # NA, Tuesday 19:30-21:00; the clock is Monday 23 March 2026
    await add_follower(services, FOLLOWER, mid)
    for chat in (TRIAL, BOTH):
        await engine.handle(chat, Input.of_button(f"t:start:m{mid}"))
        reply = await engine.handle(chat, Input.of_button(f"t:new:{mid}:2h"))
        assert "24 maart" in text_of(reply)
    await add_follower(services, BOTH, mid)  # follows and is in a trial: still one message
    keys = {chat: services.keys.pseudonym(chat) for chat in (FOLLOWER, TRIAL, BOTH)}

    await make_worker(services, engine, WORKER)
    reply = await engine.handle(WORKER, Input.of_text("/beheer"))
    reply = await engine.handle(WORKER, press(reply, "Meeting zoeken"))
    reply = await engine.handle(WORKER, Input.of_text("De Brug"))
    reply = await engine.handle(WORKER, press(reply, "De Brug"))
    reply = await engine.handle(WORKER, press(reply, "afzeggen"))
    reply = await engine.handle(WORKER, press(reply, "dinsdag 24 maart"))
    assert "3 volgers en deelnemers" in text_of(reply)
    await engine.handle(WORKER, press(reply, "Versturen"))

    out = await drain(services, clock.now())
    got = [o.user_key for o in out if o.kind == "broadcast"]
    assert sorted(got) == sorted(keys.values())  # one message each
    message = text_of(next(o.reply for o in out if o.kind == "broadcast"))
    assert message.startswith("Wijziging voor een meeting die je volgt:")
    assert "gaat op dinsdag 24 maart niet door" in message
    follower_msg = next(o.reply for o in out if o.user_key == keys[FOLLOWER])
    card = text_of(await engine.handle(FOLLOWER, press(follower_msg, "Bekijk de meeting")))
    assert "dinsdag 24 maart gaat deze meeting niet door" in card  # the card reflects it at once

    # Tuesday: the 2-hours-before reminder and the check-in after the meeting are not sent.
    for at in ("2026-03-24T17:35", "2026-03-24T21:30", "2026-03-25T09:00"):
        clock.set(datetime.fromisoformat(at).replace(tzinfo=AMS))
        later = await drain(services, clock.now())
        assert [o for o in later if o.user_key in keys.values()] == []
    trials = TrialStore(services.db)
    for chat in (TRIAL, BOTH):
        trial = await trials.open_trial(keys[chat])
        assert trial is not None and trial.attended == 0 and trial.status == "active"
    # The next Tuesday is reminded as usual: the trial simply waited.
    clock.set(datetime(2026, 3, 31, 17, 35, tzinfo=AMS))
    week_after = [o for o in await drain(services, clock.now()) if o.user_key in keys.values()]
    assert sorted(o.user_key for o in week_after) == sorted([keys[TRIAL], keys[BOTH]])
    assert all("19:30" in text_of(o.reply) for o in week_after)


def test_cancel_in_the_terminal_chat(tmp_path: Path) -> None:
    db = str(tmp_path / "chat.db")
    env = cli_env(EERSTESTAP_SECRET_KEY=TEST_SECRET)
    now = "2026-03-23T12:00"
    first = run_cli(
        "chat",
        "--db",
        db,
        "--chat-id",
        "11",
        "--now",
        now,
        stdin="/start meeting_1\nVolg deze meeting\n",
        env=env,
    )
    assert first.returncode == 0, first.stderr
    assert "Voorbeeld AA maandag Utrecht" in first.stdout
    assert "Je volgt deze meeting" in first.stdout
    trial = run_cli(
        "chat", "--db", db, "--chat-id", "12", "--now", now, env=env,
        stdin="/start meeting_1\nProbeer deze meeting 6 keer\n2 uur van tevoren\n",
    )  # fmt: skip
    assert trial.returncode == 0, trial.stderr
    assert "23 maart" in trial.stdout
    invite = run_cli("admin", "invite", "--db", db, "--note", "regio Utrecht", env=env)
    code = invite.stdout.split()[0]
    worker = run_cli(
        "chat",
        "--db",
        db,
        "--chat-id",
        "500",
        "--now",
        now,
        stdin=f"/beheer {code}\nMeeting zoeken\nVoorbeeld AA maandag Utrecht\n1\n"
        "Eén datum afzeggen\n1\nVersturen\n",
        env=env,
    )
    assert worker.returncode == 0, worker.stderr
    assert "contactpersoon (B1)" in worker.stdout
    assert "Zo ziet het bericht eruit:" in worker.stdout
    assert "Bericht 1 gaat naar 2 mensen" in worker.stdout
    seen = run_cli("chat", "--db", db, "--chat-id", "11", "--now", now, stdin="/wait 1m\n", env=env)
    assert seen.stdout.count("Wijziging voor een meeting die je volgt:") == 1
    assert "De meeting van maandag 19:30 in Utrecht gaat op maandag 23 maart niet door." in seen.stdout
    assert "Meeting: Voorbeeld AA maandag Utrecht" in seen.stdout
    again = run_cli("chat", "--db", db, "--chat-id", "11", "--now", now, stdin="/wait 1m\n", env=env)
    assert "Wijziging voor een meeting die je volgt:" not in again.stdout  # once, not twice
    # The trial participant: the change once, no reminder and no check-in that evening, the count waits.
    evening = run_cli("chat", "--db", db, "--chat-id", "12", "--now", now, stdin="/wait 12h\n", env=env)
    assert evening.stdout.count("Wijziging voor een meeting die je volgt:") == 1
    assert "je meeting" not in evening.stdout and "Ben je gegaan?" not in evening.stdout
    mine = run_cli("chat", "--db", db, "--chat-id", "12", "--now", now, stdin="/menu\n4\n", env=env)
    assert "0 van de 6" in mine.stdout, mine.stdout
    week_after = run_cli(
        "chat", "--db", db, "--chat-id", "12", "--now", "2026-03-30T12:00", stdin="/wait 6h\n", env=env
    )
    assert "je meeting" in week_after.stdout  # the next Monday is reminded as usual
    log = run_cli("admin", "log", "--db", db, env=env)
    assert "B1\tcancel\t1" in log.stdout
