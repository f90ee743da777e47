"""/beheer over real HTTP: the real Application against the fake Bot API, a follower on another chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from conversations.context import Services
from storage.support import SupportStore
from tests.fakebotapi import FakeBotAPI
from tests.support_helpers import make_meeting
from tests.tgharness import running_bot, turn

FOLLOWER, WORKER, STRANGER = 4101, 4102, 4103


async def until(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Wait for the bot's sender (it runs on its own schedule) to have done something."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not condition():
        if loop.time() > end:
            raise TimeoutError("the sender did not get there")
        await asyncio.sleep(0.02)


async def test_worker_cancels_and_the_follower_hears_it_once(services: Services) -> None:
    mid = await make_meeting(services)
    code, _ = await SupportStore(services.db, services.keys).create_invite(services.clock.now())
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.callback(FOLLOWER, f"c:start:{mid}")  # the card first: its follow button is pressed
        fake.callback(FOLLOWER, f"c:follow:{mid}")
        fake.command(STRANGER, "beheer")
        fake.command(WORKER, "beheer", code)
        await turn(fake)
        assert any("ken ik niet" in t for t in fake.texts(STRANGER))
        assert not any(b.get("callback_data", "").startswith("b:") for b in fake.buttons(STRANGER))
        fake.press(WORKER, "b:find")
        await turn(fake)
        fake.text(WORKER, "brug")
        await turn(fake)
        for data in (f"b:m:{mid}", "b:cx", "b:cd:20260324"):
            fake.press(WORKER, data)
            await turn(fake)
        assert any("Zo ziet het bericht eruit:" in t for t in fake.texts(WORKER))
        fake.press(WORKER, "b:ok")
        await turn(fake)
        got = await fake.wait_for("sendMessage", chat_id=FOLLOWER, count=3)  # card, follow answer, change
        await until(lambda: any("Bericht 1 is klaar." in t for t in fake.texts(WORKER)))
    change = [t for t in fake.texts(FOLLOWER) if t.startswith("Wijziging voor een meeting die je volgt:")]
    assert len(change) == 1 and "gaat op dinsdag 24 maart niet door" in change[0]
    assert len(got) >= 2
    summary = next(t for t in fake.texts(WORKER) if "Bericht 1 is klaar." in t)
    assert "Verstuurd: 1" in summary
    assert not [c for c in fake.calls if c.status >= 400 and c.method.lower() != "getupdates"]
