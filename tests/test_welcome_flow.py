"""A welcome at the door through the engine: ask, offer, accept, find me, relay, check-in, erasure."""

from __future__ import annotations

from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from storage import welcome
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
    run_cli("admin", "welcome", "on", "3", "--db", db, env=env)
    listed = json.loads(run_cli("admin", "list", "--db", db, "--json", env=env).stdout)
    assert len(listed["open_invites"]) == 1
    assert listed["welcome"] == [{"meeting": 3, "welcomers": []}]
    opvang = code.stdout[code.stdout.index("/opvang ") :].split()[1]
    joined = run_cli("chat", "--db", db, "--chat-id", "21", stdin=f"/opvang {opvang}\n", env=env)
    assert joined.returncode == 0, joined.stderr
    role = json.loads(run_cli("admin", "list", "--db", db, "--json", env=env).stdout)["workers"][0]["id"]
    revoked = run_cli("admin", "revoke", str(role), "--db", db, env=env)
    assert revoked.stdout.strip() == f"revoked O{role}", "a welcomer is O<id>, as `admin list` shows it"


async def test_the_trial_reminder_carries_the_welcome_and_the_checkin_counts_it(
    services: Services, engine: Engine, clock
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    ams = ZoneInfo("Europe/Amsterdam")
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    await engine.handle(NEWCOMER, Input.of_button(f"t:start:m{mid}"))
    mine = await engine.handle(NEWCOMER, Input.of_button(f"t:new:{mid}:2h"))
    assert any(
        b.id == f"o:ask:{mid}" for b in (await engine.handle(NEWCOMER, Input.of_button("t:start"))).buttons()
    )
    await ask_welcome(engine, NEWCOMER, mid, nick=None)
    offer = one(await inbox(services, WELCOMER), "voor het eerst")
    accepted = await engine.handle(WELCOMER, press(offer, "Ik vang op"))
    assert "Diegene gaf geen naam." in text_of(accepted), text_of(mine)
    await engine.handle(WELCOMER, Input.of_text("Ik sta om 19:20 bij de deur, met een rode sjaal."))
    await inbox(services, NEWCOMER)
    clock.set(datetime(2026, 3, 24, 17, 30, tzinfo=ams))
    reminder = one(await inbox(services, NEWCOMER), "je meeting")
    text = text_of(reminder)
    assert "Zo vind je wie je opvangt: Ik sta om 19:20 bij de deur, met een rode sjaal." in text
    assert "Zo vind je" not in "\n".join(text.splitlines()[:2])  # after the discreet first two lines
    clock.set(datetime(2026, 3, 24, 21, 20, tzinfo=ams))
    items = await inbox(services, NEWCOMER)
    checkin = one(items, "Ben je gegaan?")
    assert not [i for i in items if "Ben je opgevangen?" in text_of(i.reply)]  # the trial's check-in asks
    went = await engine.handle(NEWCOMER, press(checkin, "Ja"))
    assert "ben je opgevangen?" in text_of(went)
    met = await engine.handle(NEWCOMER, press(went, "Ja, ik ben opgevangen"))
    assert "Fijn dat je bent opgevangen" in text_of(met)
    again = await engine.handle(NEWCOMER, press(went, "Ja, ik ben opgevangen"))
    assert "Fijn" not in text_of(again)  # counted once
    rows = await welcome.counters(services.db)
    assert [r[2:] for r in rows] == [(1, 1, 1, 0)]
    from tests.support_helpers import make_worker

    await make_worker(services, engine, 700)
    figures = text_of(await engine.handle(700, Input.of_button("b:fig")))
    assert "Opvang per maand (gevraagd / aangenomen / opgevangen / niet op tijd):" in figures
    assert "2026-03 NA: <5 / <5 / <5 / 0" in figures  # masked under 5


async def test_without_a_trial_the_welcome_reminds_and_asks_itself(
    services: Services, engine: Engine, clock
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    ams = ZoneInfo("Europe/Amsterdam")
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    await ask_welcome(engine, NEWCOMER, mid)
    await engine.handle(WELCOMER, press(one(await inbox(services, WELCOMER), "voor het eerst"), "Ik vang op"))
    await inbox(services, NEWCOMER)
    clock.set(datetime(2026, 3, 24, 17, 30, tzinfo=ams))
    remind = one(await inbox(services, NEWCOMER), "je wordt opgevangen")
    assert text_of(remind).splitlines()[:2] == [
        "Vanavond 19:30: je wordt opgevangen.",
        "Lindelaan 4, Utrecht",
    ]
    clock.set(datetime(2026, 3, 24, 21, 20, tzinfo=ams))
    ask = one(await inbox(services, NEWCOMER), "Ben je opgevangen?")
    await engine.handle(NEWCOMER, press(ask, "Nee"))
    assert [r[2:] for r in await welcome.counters(services.db)] == [(1, 1, 0, 0)]


def test_no_welcome_message_names_a_fellowship_in_its_first_lines() -> None:
    """Lock screens: every kind, with a revealing meeting name and typed texts that name the group."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from content.i18n import translator
    from conversations.discretion import first_lines, revealing_words
    from conversations.welcome_source import render
    from storage.meeting import Meeting

    m = Meeting(
        source="t", slug="s", id=5, name="AA De Brug (Anonieme Alcoholisten)", program="AA", weekday=2,
        start_time="19:30", end_time="21:00", address="Kliniekstraat 1", city="Utrecht",
    )  # fmt: skip
    kinds = (
        "offer", "taken", "accepted", "found", "relay.newcomer", "relay.welcomer", "ended.newcomer",
        "ended.welcomer", "reopened", "uncovered", "report.newcomer", "report.welcomer", "remind", "ask",
        "remind.welcomer",
    )  # fmt: skip
    now = datetime(2026, 3, 24, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    for lang in ("nl", "en"):
        for kind in kinds:
            reply = render(
                translator(lang), kind, 7, m, date(2026, 3, 24), text="Bij de AA-deur, alcohol", now=now
            )
            assert reply is not None, kind
            head = first_lines(reply.messages[0].text)
            assert revealing_words("\n".join(head)) == [], (lang, kind, head)


async def test_pause_and_not_this_time(services: Services, engine: Engine) -> None:
    from tests.welcome_helpers import WELCOMER_2

    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    await make_welcomer(services, engine, WELCOMER_2, mid)
    home = await engine.handle(WELCOMER_2, Input.of_button("o:home"))
    paused = await engine.handle(WELCOMER_2, press(home, "Even pauze"))
    assert "Je hebt pauze" in text_of(paused)
    await ask_welcome(engine, NEWCOMER, mid)
    assert await inbox(services, WELCOMER_2) == []  # paused: not asked
    offer = one(await inbox(services, WELCOMER), "voor het eerst")
    no = await engine.handle(WELCOMER, press(offer, "Deze keer niet"))
    assert "Je krijgt deze vraag niet meer" in text_of(no)
    late = await engine.handle(WELCOMER, press(offer, "Ik vang op"))
    assert "niet meer open" in text_of(late)  # declined: no longer theirs to take
    resumed = await engine.handle(WELCOMER_2, Input.of_button("o:resume"))
    assert "weer vragen" in text_of(resumed)


async def test_which_group_fits_mentions_a_welcome_only_where_there_is_one(
    services: Services, engine: Engine
) -> None:
    async def outcome(chat: int) -> str:
        await engine.handle(chat, Input.of_button("w:start"))
        for answer in ("w:a:who:self", "w:a:what:drugs", "w:a:psych:no"):
            await engine.handle(chat, Input.of_button(answer))
        return text_of(await engine.handle(chat, Input.of_button("w:done")))

    hint = "kan iemand je opvangen bij je eerste keer"
    assert hint not in await outcome(801)
    await welcoming_meeting(services)  # an NA meeting
    shown = await outcome(802)
    assert hint in shown and "NA" in shown
    assert hint in text_of(await engine.resume(802))  # the result screen again, after a restart


async def test_a_welcomer_code_sent_to_beheer_opens_the_welcomer_screen(
    services: Services, engine: Engine
) -> None:
    from storage.support import SupportStore

    mid = await welcoming_meeting(services)
    code, _ = await SupportStore(services.db, services.keys).create_invite(
        services.clock.now(), role="welcomer"
    )
    reply = await engine.handle(WELCOMER, Input.of_text(f"/beheer {code}"))
    assert "Welkom als opvanger (O1)" in text_of(reply) and "contactpersoon" not in text_of(reply)
    picked = await engine.handle(
        WELCOMER, press(await engine.handle(WELCOMER, press(reply, "meetings kiezen")), "De Brug")
    )
    assert any(b.label.startswith("✓") for b in picked.buttons()) and mid


async def test_the_questions_read_the_welcoming_groups_only_for_the_outcome(
    services: Services, engine: Engine
) -> None:
    await welcoming_meeting(services)  # an NA meeting
    statements: list[str] = []
    reply = await engine.handle(803, Input.of_button("w:start"))
    services.db.loop_conn.set_trace_callback(statements.append)
    try:
        for answer in ("w:a:who:self", "w:a:what:drugs", "w:a:psych:no"):
            reply = await engine.handle(803, Input.of_button(answer))
        asked = list(statements)
        while "w:again" not in [b.id for b in reply.buttons()]:  # answer on until the outcome shows
            statements.clear()
            options = [b.id for b in reply.buttons() if b.id.startswith("w:a:")]
            reply = await engine.handle(803, Input.of_button(options[0]))
    finally:
        services.db.loop_conn.set_trace_callback(None)
    assert not any("welcome_meetings" in s for s in asked), "a question needs no welcoming groups"
    assert any("welcome_meetings" in s for s in statements)
    assert "kan iemand je opvangen bij je eerste keer" in text_of(reply)
