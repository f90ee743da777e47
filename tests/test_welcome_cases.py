"""The hard cases of a welcome at the door: races, nobody in time, revoked welcomers, /stop mid-relay,
limits and 'meld misbruik', a crash between accept and notify, crisis words in a relayed text, DST."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from conversations.clock import FixedClock
from conversations.context import Services, Settings
from conversations.engine import Engine
from conversations.flows.welcome import keep_until
from conversations.types import Input
from conversations.welcome_source import SOURCE
from storage import welcome
from storage.db import Database, parse_utc
from storage.keys import KeyRing
from storage.support import SupportStore
from tests.conftest import TEST_SECRET
from tests.support_helpers import drain, make_meeting, make_worker, press, text_of
from tests.welcome_helpers import (
    NEWCOMER,
    WELCOMER,
    WELCOMER_2,
    ask_welcome,
    inbox,
    make_welcomer,
    one,
    welcoming_meeting,
)

AMS = ZoneInfo("Europe/Amsterdam")


async def request_id(services: Services) -> int:
    req = await welcome.active_request(services.db, services.keys.pseudonym(NEWCOMER))
    assert req is not None
    return req.id


async def accepted_pair(services: Services, engine: Engine, *, second: bool = False) -> int:
    """A meeting, one (or two) welcomers, a newcomer's request accepted by WELCOMER; the request id."""
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    if second:
        await make_welcomer(services, engine, WELCOMER_2, mid)
    await ask_welcome(engine, NEWCOMER, mid)
    offer = one(await inbox(services, WELCOMER), "voor het eerst")
    await engine.handle(WELCOMER, press(offer, "Ik vang op"))
    await engine.handle(WELCOMER, Input.of_text("Ik sta bij de deur, rode sjaal."))
    await inbox(services, NEWCOMER)
    if second:
        await inbox(services, WELCOMER_2)
    return await request_id(services)


async def counters(services: Services) -> tuple[int, int, int, int]:
    rows = await welcome.counters(services.db)
    assert len(rows) == 1
    return rows[0][2:]


async def test_two_welcomers_accept_at_once_one_wins(
    db_path: Path, services: Services, engine: Engine
) -> None:
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    await make_welcomer(services, engine, WELCOMER_2, mid)
    await ask_welcome(engine, NEWCOMER, mid)
    offers = {chat: one(await inbox(services, chat), "voor het eerst") for chat in (WELCOMER, WELCOMER_2)}
    # Two processes on one database file, each with its own connection, press at the same moment.
    other = Database(db_path)
    await other.open()
    try:
        engine_b = Engine(Services(other, services.keys, services.clock, Settings()))
        a, b = await asyncio.gather(
            engine.handle(WELCOMER, press(offers[WELCOMER], "Ik vang op")),
            engine_b.handle(WELCOMER_2, press(offers[WELCOMER_2], "Ik vang op")),
        )
    finally:
        await other.close()
    won = ["Dank je! Je vangt iemand op" in text_of(r) for r in (a, b)]
    assert sorted(won) == [False, True], [text_of(a), text_of(b)]
    loser = (a, b)[won.index(False)]
    assert "Iemand anders vangt al op" in text_of(loser)
    news = [o for o in await inbox(services, NEWCOMER) if "Goed nieuws" in text_of(o.reply)]
    assert len(news) == 1
    assert await counters(services) == (1, 1, 0, 0)


async def test_nobody_accepts_in_time(services: Services, engine: Engine, clock: FixedClock) -> None:
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    await ask_welcome(engine, NEWCOMER, mid)
    offer = one(await inbox(services, WELCOMER), "voor het eerst")
    clock.set(datetime(2026, 3, 24, 13, 29, tzinfo=AMS))  # 19:30 meeting, 6 hours: closes at 13:30
    assert [o for o in await inbox(services, NEWCOMER) if "lukte niet" in text_of(o.reply)] == []
    clock.set(datetime(2026, 3, 24, 13, 30, tzinfo=AMS))
    told = one(await inbox(services, NEWCOMER), "lukte niet")
    lines = text_of(told).splitlines()
    assert lines[0].startswith("Over dinsdag 24 maart:") and "kom tien minuten eerder" in text_of(told)
    late = await engine.handle(WELCOMER, press(offer, "Ik vang op"))
    assert "niet meer open" in text_of(late)
    assert await counters(services) == (1, 0, 0, 1)
    assert await welcome.active_request(services.db, services.keys.pseudonym(NEWCOMER)) is None


async def test_the_timeout_is_a_setting(services: Services, engine: Engine, clock: FixedClock) -> None:
    services.settings.welcome_timeout = timedelta(hours=12)
    mid = await welcoming_meeting(services)
    await ask_welcome(engine, NEWCOMER, mid)
    req = await welcome.active_request(services.db, services.keys.pseudonym(NEWCOMER))
    assert req is not None and parse_utc(req.deadline_at) == datetime(2026, 3, 24, 7, 30, tzinfo=AMS)


async def test_a_revoked_welcomer_gives_the_request_back(services: Services, engine: Engine) -> None:
    rid = await accepted_pair(services, engine, second=True)
    worker = await SupportStore(services.db, services.keys).role_of(
        services.keys.pseudonym(WELCOMER), "welcomer"
    )
    assert worker is not None
    assert await SupportStore(services.db, services.keys).revoke(worker.id, services.clock.now())
    one(await inbox(services, NEWCOMER), "kan niet meer")
    offer = one(await inbox(services, WELCOMER_2), "voor het eerst")
    gone = await engine.handle(WELCOMER, Input.of_button(f"o:re:{rid}"))
    assert "gestopt" in text_of(gone)
    taken = await engine.handle(WELCOMER_2, press(offer, "Ik vang op"))
    assert "Dank je! Je vangt iemand op" in text_of(taken)
    req = await welcome.get_request(services.db, rid)
    assert req is not None and req.status == "accepted" and not req.has_find  # the old 'find me' is gone


async def test_stop_by_the_newcomer_mid_relay(services: Services, engine: Engine) -> None:
    rid = await accepted_pair(services, engine)
    await engine.handle(WELCOMER, Input.of_button(f"o:rw:{rid}"))
    await engine.handle(WELCOMER, Input.of_text("Ik ben er om 19:15"))  # queued for the newcomer
    reply = await engine.handle(NEWCOMER, Input.of_text("/stop"))
    assert reply.erased
    key = services.keys.pseudonym(NEWCOMER)
    for table in ("welcome_requests", "welcome_outbox"):
        rows = await services.db.fetchall(f"SELECT COUNT(*) FROM {table} WHERE user_key = ?", (key,))
        assert rows[0][0] == 0
    assert await services.db.fetchone("SELECT 1 FROM welcome_requests WHERE id = ?", (rid,)) is None
    told = one(await inbox(services, WELCOMER), "gestopt")
    assert "Je hoeft niemand op te vangen" in text_of(told)
    assert "19:15" not in text_of(told)


async def test_stop_by_the_welcomer_mid_relay(services: Services, engine: Engine) -> None:
    rid = await accepted_pair(services, engine)
    await engine.handle(NEWCOMER, Input.of_button(f"o:re:{rid}"))
    await engine.handle(NEWCOMER, Input.of_text("Ik kom met de fiets"))  # queued for the welcomer
    assert (await engine.handle(WELCOMER, Input.of_text("/stop"))).erased
    welcomer_key = services.keys.pseudonym(WELCOMER)
    assert (
        await services.db.fetchall("SELECT 1 FROM welcome_outbox WHERE user_key = ?", (welcomer_key,)) == []
    )
    assert (
        await services.db.fetchall("SELECT 1 FROM support_workers WHERE user_key = ?", (welcomer_key,)) == []
    )
    told = one(await inbox(services, NEWCOMER), "Over dinsdag 24 maart")
    assert "kom tien minuten eerder" in text_of(told)  # nobody else welcomes there: closed, kindly


async def test_relay_limits_and_bad_input(services: Services, engine: Engine, clock: FixedClock) -> None:
    rid = await accepted_pair(services, engine)
    await engine.handle(NEWCOMER, Input.of_button(f"o:re:{rid}"))
    too_long = await engine.handle(NEWCOMER, Input.of_text("x" * (welcome.RELAY_MAX + 1)))
    assert "te lang" in text_of(too_long)
    for n in range(welcome.RELAY_PER_DAY):
        await engine.handle(NEWCOMER, Input.of_button(f"o:re:{rid}"))
        sent = await engine.handle(NEWCOMER, Input.of_text(f"bericht {n}"))
        assert "Doorgestuurd" in text_of(sent)
    await engine.handle(NEWCOMER, Input.of_button(f"o:re:{rid}"))
    limited = await engine.handle(NEWCOMER, Input.of_text("nog eentje"))
    assert "al 10 berichten" in text_of(limited)
    got = [o for o in await inbox(services, WELCOMER) if "bericht" in text_of(o.reply)]
    assert len(got) == welcome.RELAY_PER_DAY
    forged = await engine.handle(NEWCOMER, Input.of_button("o:re:99999"))
    assert "gestopt" in text_of(forged)  # not theirs: a kind answer, nothing sent
    clock.set(datetime(2026, 3, 24, 0, 30, tzinfo=AMS))  # a new day in Amsterdam, still Monday in UTC
    await engine.handle(NEWCOMER, Input.of_button(f"o:re:{rid}"))
    assert "Doorgestuurd" in text_of(await engine.handle(NEWCOMER, Input.of_text("weer een dag")))


async def test_report_misuse_ends_it_and_tells_a_worker_only_that(services: Services, engine: Engine) -> None:
    await make_worker(services, engine, 700)
    rid = await accepted_pair(services, engine)
    await engine.handle(WELCOMER, Input.of_button(f"o:rw:{rid}"))
    await engine.handle(WELCOMER, Input.of_text("geheime inhoud"))
    relayed = one(await inbox(services, NEWCOMER), "geheime inhoud")
    reported = await engine.handle(NEWCOMER, press(relayed, "Meld misbruik"))
    assert "niet wat er stond" in text_of(reported)
    worker_msgs = await inbox(services, 700)
    report = one(worker_msgs, "Meld misbruik")
    assert "geheime inhoud" not in text_of(report) and "de nieuwkomer" in text_of(report)
    one(await inbox(services, WELCOMER), "gestopt")
    log = await SupportStore(services.db, services.keys).audit_log(5)
    assert log[0].action == "welcome.report" and log[0].summary == "by newcomer"
    again = await engine.handle(WELCOMER, Input.of_button(f"o:rw:{rid}"))
    assert "gestopt" in text_of(again)


async def test_crisis_words_in_a_relayed_text_get_help_and_are_not_passed_on(
    services: Services, engine: Engine
) -> None:
    rid = await accepted_pair(services, engine)
    await engine.handle(NEWCOMER, Input.of_button(f"o:re:{rid}"))
    reply = await engine.handle(NEWCOMER, Input.of_text("ik wil dood, ik wil er een eind aan maken"))
    assert "113" in text_of(reply)
    assert [o for o in await inbox(services, WELCOMER) if "dood" in text_of(o.reply)] == []


async def test_a_crash_between_accept_and_notify_delivers_once(db_path: Path, clock: FixedClock) -> None:
    keys = KeyRing(bytes.fromhex(TEST_SECRET))
    db = Database(db_path)
    await db.open()
    services = Services(db, keys, clock, Settings())
    engine = Engine(services)
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    await ask_welcome(engine, NEWCOMER, mid)
    offer = one(await inbox(services, WELCOMER), "voor het eerst")
    await engine.handle(WELCOMER, press(offer, "Ik vang op"))
    claimed = await SOURCE.claim_due(services, clock.now(), user_key=keys.pseudonym(NEWCOMER))
    assert [i for i in claimed if "Goed nieuws" in text_of(i.reply)]  # claimed, then the process dies
    await db.close()

    db = Database(db_path)
    await db.open()
    try:
        services = Services(db, keys, clock, Settings())
        assert await inbox(services, NEWCOMER) == []  # the dead process's lease still holds
        clock.advance(timedelta(seconds=61))
        after = [o for o in await drain(services, clock.now()) if "Goed nieuws" in text_of(o.reply)]
        assert len(after) == 1
        assert [o for o in await drain(services, clock.now()) if "Goed nieuws" in text_of(o.reply)] == []
    finally:
        await db.close()


async def test_the_nickname_goes_the_day_after_the_meeting(services: Services, engine: Engine, clock) -> None:
    rid = await accepted_pair(services, engine)
    clock.set(datetime(2026, 3, 25, 23, 59, tzinfo=AMS))
    await services.users.purge_expired(clock.now())
    assert await welcome.get_request(services.db, rid) is not None  # kept through the day after
    clock.set(datetime(2026, 3, 26, 0, 0, tzinfo=AMS))
    await services.users.purge_expired(clock.now())
    assert await welcome.get_request(services.db, rid) is None


async def test_dates_and_deadlines_across_dst(services: Services, engine: Engine, clock: FixedClock) -> None:
    """A Sunday 10:00 meeting on the day clocks go forward, and a Saturday before they go back."""
    clock.set(datetime(2026, 3, 27, 12, 0, tzinfo=AMS))
    sunday = await make_meeting(services, name="Zondag", weekday=7)
    await services.db.execute(
        "UPDATE meetings SET start_time = '10:00', end_time = '11:00' WHERE id = ?", (sunday,)
    )
    await welcome.set_meeting(services.db, sunday, True, clock.now(), None)
    await ask_welcome(engine, NEWCOMER, sunday)
    req = await welcome.active_request(services.db, services.keys.pseudonym(NEWCOMER))
    assert req is not None and req.on_date == "2026-03-29"
    assert req.starts == datetime(2026, 3, 29, 10, 0, tzinfo=AMS)  # 10:00 summer time: 08:00 UTC
    assert parse_utc(req.deadline_at) == req.starts - timedelta(hours=6)
    assert parse_utc(req.keep_until) == datetime(2026, 3, 31, 0, 0, tzinfo=AMS)
    assert keep_until(datetime(2026, 10, 24).date(), "Europe/Amsterdam") == datetime(
        2026, 10, 25, 23, 0, tzinfo=UTC
    )


async def test_a_sent_message_id_is_never_handed_out_again(services: Services, engine: Engine) -> None:
    """The sender skips a claim it settled already (same id): a deleted row's id must not come back."""
    rid = await accepted_pair(services, engine)
    await engine.handle(NEWCOMER, Input.of_button(f"o:re:{rid}"))
    await engine.handle(NEWCOMER, Input.of_text("een"))
    first = [int(i.ref) for i in await inbox(services, WELCOMER)]
    await engine.handle(NEWCOMER, Input.of_button(f"o:re:{rid}"))
    await engine.handle(NEWCOMER, Input.of_text("twee"))
    second = [int(i.ref) for i in await inbox(services, WELCOMER)]
    assert first and second and min(second) > max(first)


async def test_late_welcomers_are_asked_and_a_no_holds(services: Services, engine: Engine) -> None:
    """Ticking a meeting or ending a pause offers the open requests made meanwhile, but never one declined."""
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    await engine.handle(WELCOMER, Input.of_button("o:pause"))
    await ask_welcome(engine, NEWCOMER, mid)
    assert await inbox(services, WELCOMER) == []
    await engine.handle(WELCOMER, Input.of_button("o:resume"))
    offer = one(await inbox(services, WELCOMER), "voor het eerst")
    await engine.handle(WELCOMER, press(offer, "Deze keer niet"))
    await engine.handle(WELCOMER, Input.of_button("o:pause"))
    await engine.handle(WELCOMER, Input.of_button("o:resume"))
    assert await inbox(services, WELCOMER) == []  # 'not this time' holds
    await make_welcomer(services, engine, WELCOMER_2, mid)  # ticks the meeting after the request
    late = one(await inbox(services, WELCOMER_2), "voor het eerst")
    taken = await engine.handle(WELCOMER_2, press(late, "Ik vang op"))
    assert "Dank je! Je vangt iemand op" in text_of(taken)


async def test_withdraw_an_open_request(services: Services, engine: Engine) -> None:
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    mine = await ask_welcome(engine, NEWCOMER, mid)
    withdrawn = await engine.handle(NEWCOMER, press(mine, "Vraag intrekken"))
    assert "Je vraag is ingetrokken" in text_of(withdrawn)
    assert not (await services.users.get(services.keys.pseudonym(NEWCOMER))).has_chat  # type: ignore[union-attr]
    assert await inbox(services, WELCOMER) == []  # the unsent offer went with it
    again = await engine.handle(NEWCOMER, press(mine, "Vraag intrekken"))
    assert "gestopt" in text_of(again)  # an old button: a kind word


async def test_the_sealed_chat_id_goes_when_nothing_is_left_to_send(
    services: Services, engine: Engine, clock: FixedClock
) -> None:
    mid = await welcoming_meeting(services)
    await ask_welcome(engine, NEWCOMER, mid)  # nobody welcomes there: it will not be covered
    key = services.keys.pseudonym(NEWCOMER)
    assert (await services.users.get(key)).has_chat  # type: ignore[union-attr]
    clock.set(datetime(2026, 3, 24, 13, 30, tzinfo=AMS))
    one(await inbox(services, NEWCOMER), "lukte niet")
    assert not (await services.users.get(key)).has_chat  # type: ignore[union-attr]


async def test_a_blocked_welcomer_and_an_expired_newcomer_are_erased(
    services: Services, engine: Engine, clock: FixedClock
) -> None:
    from tests.fakebotapi import FakeBotAPI
    from tests.test_erase_everyone import rows_of
    from tests.test_support_telegram import until
    from tests.tgharness import running_bot, turn

    await accepted_pair(services, engine)  # before the bot runs: its sender would take the messages
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.my_chat_member(WELCOMER, "kicked")
        await turn(fake)
        await until(
            lambda: any("lukte niet" in t for t in fake.texts(NEWCOMER))
        )  # told: nobody else welcomes
    assert await rows_of(services.db, services.keys.pseudonym(WELCOMER)) == {}
    newcomer = services.keys.pseudonym(NEWCOMER)
    clock.advance(timedelta(days=91))
    await services.users.purge_expired(clock.now())
    assert await rows_of(services.db, newcomer) == {}


async def test_one_request_that_cannot_be_deleted_never_stops_the_purge(
    services: Services, engine: Engine, clock: FixedClock
) -> None:
    mid = await welcoming_meeting(services)
    for chat in (NEWCOMER, NEWCOMER + 1, NEWCOMER + 2):
        await ask_welcome(engine, chat, mid)
    stuck = await welcome.active_request(services.db, services.keys.pseudonym(NEWCOMER + 1))
    assert stuck is not None
    await services.db.execute(
        f"CREATE TRIGGER stuck BEFORE DELETE ON welcome_requests WHEN OLD.id = {stuck.id} "
        "BEGIN SELECT RAISE(ABORT, 'stuck row'); END"
    )
    clock.set(datetime(2026, 3, 26, 0, 0, tzinfo=AMS))
    assert await welcome.purge(services.db, clock.now()) == (2, 1)
    left = await services.db.fetchall("SELECT id FROM welcome_requests")
    assert [r[0] for r in left] == [stuck.id]


async def test_an_idle_welcomer_is_asked_before_the_role_is_erased(
    services: Services, engine: Engine, clock: FixedClock
) -> None:
    mid = await welcoming_meeting(services)
    await make_welcomer(services, engine, WELCOMER, mid)
    clock.advance(timedelta(days=84))
    asked = one(await inbox(services, WELCOMER), "blijven krijgen")
    await engine.handle(WELCOMER, press(asked, "Ja"))  # any answer is contact: 90 more days
    clock.advance(timedelta(days=10))
    await services.users.purge_expired(clock.now())
    assert await SupportStore(services.db, services.keys).role_of(
        services.keys.pseudonym(WELCOMER), "welcomer"
    )
