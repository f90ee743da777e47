"""A welcome at the door through the engine: ask, offer, accept, find me, relay, check-in, erasure."""

from __future__ import annotations

from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from tests.support_helpers import press, text_of
from tests.welcome_helpers import (
    NEWCOMER,
    WELCOMER,
    ask_welcome,
    inbox,
    make_welcomer,
    one,
    welcoming_meeting,
)


async def test_ask_accept_find_and_relay(services: Services, engine: Engine) -> None:
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    mine = await ask_welcome(engine, NEWCOMER, mid, "Sam")
    assert "Je vraag is verstuurd" in text_of(mine), text_of(mine)
    offer = one(await inbox(services, WELCOMER), "voor het eerst")
    first_two = offer.messages[0].text.splitlines()[:2]
    assert first_two == ["Iemand komt dinsdag 24 maart voor het eerst naar de meeting om 19:30 in Utrecht.",
                         "Wil je diegene opvangen?"]  # fmt: skip
    accepted = await engine.handle(WELCOMER, press(offer, "Ik vang op"))
    assert "Diegene heet: Sam" in text_of(accepted)
    news = one(await inbox(services, NEWCOMER), "Goed nieuws")
    assert "Iemand van de groep vangt je op." in text_of(news)
    await engine.handle(WELCOMER, Input.of_text("Ik sta om 19:20 bij de deur, met een rode sjaal."))
    found = one(await inbox(services, NEWCOMER), "Zo vind je")
    assert "rode sjaal" in text_of(found)
    write = await engine.handle(NEWCOMER, press(found, "Antwoorden"))
    sent = await engine.handle(NEWCOMER, Input.of_text("Ik ben er om 19:25"))
    assert "Doorgestuurd" in text_of(sent), text_of(write)
    relayed = one(await inbox(services, WELCOMER), "19:25")
    assert relayed.messages[0].text.splitlines()[0] == "Een kort bericht over dinsdag 24 maart."
    labels = [b.label for b in relayed.buttons()]
    assert "Stop contact" in labels and "Meld misbruik" in labels
    rows = await services.db.fetchall("SELECT body FROM welcome_outbox WHERE body IS NOT NULL")
    assert rows == []  # delivered: the sealed text is gone


def test_admin_invite_welcomer_and_welcome_switch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`admin invite --role welcomer` and `admin welcome on|off MEETING_ID [--json]` (scripted names)."""
    import json

    from tests.conftest import TEST_SECRET, cli_env, run_cli

    db = str(tmp_path / "w.db")
    env = cli_env(EERSTESTAP_SECRET_KEY=TEST_SECRET)
    code = run_cli("admin", "invite", "--role", "welcomer", "--db", db, env=env)
    assert code.returncode == 0 and "/opvang " in code.stdout, code.stdout + code.stderr
    on = run_cli("admin", "welcome", "on", "2", "--db", db, "--json", env=env)
    assert json.loads(on.stdout) == {"meeting": 2, "welcome": True, "changed": True, "welcomers": []}
    again = run_cli("admin", "welcome", "on", "2", "--db", db, env=env)
    assert "already" in again.stdout and again.returncode == 0
    off = run_cli("admin", "welcome", "off", "2", "--db", db, "--json", env=env)
    assert json.loads(off.stdout)["welcome"] is False
    missing = run_cli("admin", "welcome", "on", "999", "--db", db, env=env)
    assert missing.returncode == 1 and "no meeting 999" in missing.stdout
    bad = run_cli("admin", "invite", "--role", "king", "--db", db, env=env)
    assert bad.returncode == 2
    listed = json.loads(run_cli("admin", "list", "--db", db, "--json", env=env).stdout)
    assert len(listed["open_invites"]) == 1
