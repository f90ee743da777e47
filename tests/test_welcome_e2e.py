"""Done-when, over real HTTP against the fake Bot API: a support worker switches welcoming on, a welcomer
signs up and accepts, a newcomer asks, both exchange two relayed messages, the reminder carries the
welcome, the check-in counts it; then a byte scan of the database files and the log finds nothing."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conversations.clock import FixedClock
from conversations.context import Services
from storage import welcome
from storage.support import SupportStore
from tests.fakebotapi import FakeBotAPI
from tests.support_helpers import make_meeting
from tests.test_support_telegram import until
from tests.tgharness import running_bot, turn
from tests.welcome_helpers import db_files, leaks

AMS = ZoneInfo("Europe/Amsterdam")
WORKER, WELCOMER, NEWCOMER = 918273601, 918273602, 918273603
FIND = "Ik sta om 19:20 bij de deur, met een rode sjaal."
TO_WELCOMER = ("Ik ben er om 19:25", "Ik kom met de fiets, tot zo")
TO_NEWCOMER = "Ik sta bij de fietsenstalling"
NICK = "Zwaluwstaart"


def has(fake: FakeBotAPI, chat: int, part: str) -> bool:
    return any(part in t for t in fake.texts(chat))


async def test_welcome_over_http(
    services: Services, clock: FixedClock, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="conversations")
    caplog.set_level(logging.DEBUG, logger="storage")
    caplog.set_level(logging.INFO)
    mid = await make_meeting(services)
    store = SupportStore(services.db, services.keys)
    code, _ = await store.create_invite(clock.now())
    wcode, _ = await store.create_invite(clock.now(), role="welcomer")
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.command(WORKER, "beheer", code)
        await turn(fake)
        fake.callback(WORKER, f"b:m:{mid}")
        await turn(fake)
        fake.press(WORKER, "b:wel:1")
        await turn(fake)
        assert has(fake, WORKER, "Opvang staat aan")

        fake.command(WELCOMER, "opvang", wcode)
        await turn(fake)
        fake.press(WELCOMER, f"o:tg:{mid}")
        await turn(fake)
        assert any(b["text"].startswith("✓") for b in fake.buttons(WELCOMER))

        for data in (f"t:start:m{mid}", f"t:new:{mid}:2h", f"c:start:{mid}", f"o:ask:{mid}", "o:d:20260324"):
            fake.callback(NEWCOMER, data)
            await turn(fake)
        fake.text(NEWCOMER, NICK)
        await turn(fake)
        assert has(fake, NEWCOMER, "Je vraag is verstuurd")
        rid = (await welcome.active_request(services.db, services.keys.pseudonym(NEWCOMER))).id  # type: ignore[union-attr]

        await until(lambda: has(fake, WELCOMER, "voor het eerst"))
        offer = next(t for t in fake.texts(WELCOMER) if "voor het eerst" in t)
        assert offer.startswith(
            "Iemand komt dinsdag 24 maart voor het eerst naar de meeting om 19:30 in Utrecht."
        )
        fake.press(WELCOMER, f"o:acc:{rid}")
        await turn(fake)
        assert has(fake, WELCOMER, f"Diegene heet: {NICK}")
        fake.text(WELCOMER, FIND)
        await turn(fake)
        await until(lambda: has(fake, NEWCOMER, "rode sjaal"))

        for text in TO_WELCOMER:
            fake.press(NEWCOMER, f"o:re:{rid}")
            await turn(fake)
            fake.text(NEWCOMER, text)
            await turn(fake)
        await until(lambda: all(has(fake, WELCOMER, t) for t in TO_WELCOMER))
        fake.press(WELCOMER, f"o:re:{rid}")
        await turn(fake)
        fake.text(WELCOMER, TO_NEWCOMER)
        await turn(fake)
        try:
            await until(lambda: has(fake, NEWCOMER, TO_NEWCOMER))
        except TimeoutError:
            raise AssertionError((fake.texts(WELCOMER)[-4:], fake.texts(NEWCOMER)[-4:])) from None
        relayed = next(t for t in fake.texts(NEWCOMER) if TO_NEWCOMER in t)
        assert relayed.splitlines()[:2] == ["Een kort bericht over dinsdag 24 maart.", "Van wie jou opvangt:"]
        # Neither side's messages carry the other's chat id, name or username.
        for chat, other in ((NEWCOMER, WELCOMER), (WELCOMER, NEWCOMER)):
            assert not any(str(other) in t for t in fake.texts(chat))

        clock.set(datetime(2026, 3, 24, 17, 30, tzinfo=AMS))
        await until(lambda: has(fake, NEWCOMER, "je meeting"), within=15)
        reminder = next(t for t in fake.texts(NEWCOMER) if "je meeting" in t)
        assert f"Zo vind je wie je opvangt: {FIND}" in reminder
        await until(lambda: has(fake, WELCOMER, "je vangt iemand op"))
        assert has(fake, WELCOMER, f"Diegene heet: {NICK}")

        clock.set(datetime(2026, 3, 24, 21, 20, tzinfo=AMS))
        await until(lambda: has(fake, NEWCOMER, "Ben je gegaan?"), within=15)
        yes = next(
            b["callback_data"] for b in fake.buttons(NEWCOMER) if b["callback_data"].startswith("t:yes:")
        )
        fake.press(NEWCOMER, yes)
        await turn(fake)
        assert has(fake, NEWCOMER, "ben je opgevangen?")
        fake.press(NEWCOMER, f"o:met:{rid}:1")
        await turn(fake)
        assert has(fake, NEWCOMER, "Fijn dat je bent opgevangen")
    assert [r[2:] for r in await welcome.counters(services.db)] == [(1, 1, 1, 0)]

    nick_box = (await welcome.get_request(services.db, rid)).nick_box  # type: ignore[union-attr]
    assert nick_box
    clock.set(datetime(2026, 3, 26, 0, 0, tzinfo=AMS))  # the day after the meeting is over
    await services.users.purge_expired(clock.now())
    await services.db.checkpoint()
    log_file = db_path.with_name("bot.log")
    log_file.write_text("\n".join(r.getMessage() for r in caplog.records), encoding="utf-8")
    needles = {t: t.encode() for t in (*TO_WELCOMER, TO_NEWCOMER, FIND, NICK)}
    needles["sealed nickname"] = nick_box
    for chat in (WORKER, WELCOMER, NEWCOMER):
        needles[f"chat {chat}"] = str(chat).encode()
    assert leaks([*db_files(db_path), log_file], needles) == []
    assert caplog.records  # the log was captured (and scanned)
