"""The one message budget: evenly spaced slots, people before bulk, bulk keeps its share, 429 pauses;
and replies need fewer messages (a lead joins its screen)."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.render import compact
from bot.send_limit import PriorityRateLimiter, bulk_sending
from conversations.context import Services
from conversations.types import Button, Reply
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import running_bot, turn


async def run(limiter: PriorityRateLimiter, endpoint: str, log: list[tuple[str, float]], tag: str) -> Any:
    async def callback() -> bool:
        log.append((tag, asyncio.get_running_loop().time()))
        return True

    return await limiter.process_request(callback, (), {}, endpoint, {}, None)


async def test_people_go_first_and_bulk_keeps_its_share() -> None:
    limiter = PriorityRateLimiter(rate=200.0, bulk_share=0.25)
    log: list[tuple[str, float]] = []
    granted: list[
        float
    ] = []  # when the limiter gave each slot (a stalled loop may run two callbacks at once)
    pick = limiter._next

    def logged_pick() -> Any:
        picked = pick()
        if picked is not None:
            granted.append(asyncio.get_running_loop().time())
        return picked

    limiter._next = logged_pick  # type: ignore[method-assign]

    async def bulk(i: int) -> None:
        with bulk_sending():
            await run(limiter, "sendMessage", log, "bulk")

    await asyncio.gather(
        *(bulk(i) for i in range(80)), *(run(limiter, "sendMessage", log, "person") for _ in range(80))
    )
    await limiter.shutdown()
    order = [tag for tag, _ in log]
    first = order[:100]
    assert 0.2 <= first.count("bulk") / len(first) <= 0.32, first  # about its share while both wait
    assert order.index("person") <= 2 and "person" not in order[-40:]  # people are served first
    times = [t for _, t in log]
    assert len(granted) == len(times) == 160
    assert all(b - a >= 0.5 / 200 * 0.9 for a, b in itertools.pairwise(granted))  # slots spread out
    assert all(sum(1 for t in times if s <= t < s + 1.0) <= 200 for s in times)  # never over the rate


async def test_calls_that_send_no_message_take_no_slot() -> None:
    limiter = PriorityRateLimiter(rate=5.0)
    log: list[tuple[str, float]] = []
    busy = asyncio.gather(*(run(limiter, "sendMessage", log, "m") for _ in range(5)))
    await asyncio.sleep(0.05)
    assert await asyncio.wait_for(run(limiter, "answerCallbackQuery", log, "a"), 0.1)
    await busy
    await limiter.shutdown()


async def test_a_429_pauses_everyone_then_the_call_is_made_again() -> None:
    limiter = PriorityRateLimiter(rate=100.0, max_retries=2)
    tries: list[float] = []

    async def flaky() -> bool:
        tries.append(asyncio.get_running_loop().time())
        if len(tries) == 1:
            raise RetryAfter(1)
        return True

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {}, None)
    assert tries[1] - tries[0] >= 0.95

    async def always() -> bool:
        raise RetryAfter(0)

    with pytest.raises(RetryAfter):
        await limiter.process_request(always, (), {}, "sendMessage", {}, None)
    await limiter.shutdown()


def test_a_lead_joins_the_screen_after_it() -> None:
    menu = [[Button("Menu", "m:home")]]
    reply = Reply().add("Dat begreep ik niet.").add("Waar wil je heen?", menu)
    joined = compact(reply)
    assert [m.text for m in joined.messages] == ["Dat begreep ik niet.\n\nWaar wil je heen?"]
    assert joined.messages[0].buttons == menu
    two_screens = Reply().add("Eerst dit", menu).add("Dan dat", menu)
    assert len(compact(two_screens).messages) == 2  # a message with buttons stays its own
    asking = Reply(request_location=True).add("Deel je locatie").add("Of kies een plaats", menu)
    assert len(compact(asking).messages) == 2


async def test_a_sticker_gets_one_message_note_and_screen(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.command(61, "start")
        await turn(fake)
        before = len(fake.sent(61))
        fake.media(61, "sticker")
        await turn(fake)
        assert len(fake.sent(61)) == before + 1


async def test_a_stalled_loop_catches_up_but_never_beyond_the_rate_in_any_second() -> None:
    limiter = PriorityRateLimiter(rate=20.0)
    log: list[tuple[str, float]] = []
    calls = asyncio.gather(*(run(limiter, "sendMessage", log, "m") for _ in range(45)))
    await asyncio.sleep(0.1)
    time.sleep(0.3)  # noqa: ASYNC251  (the event loop is held up: its missed slots come right after)
    await calls
    await limiter.shutdown()
    times = [t for _, t in log]
    assert all(sum(1 for t in times if s <= t < s + 1.0) <= 20 for s in times)
    assert times[-1] - times[0] < 2.8  # 45 calls, 20 in any second: done in the third, the stall cost none


async def test_a_slow_call_counts_until_it_ends_so_telegram_never_sees_more_than_the_rate() -> None:
    """Telegram counts a message when it arrives: a call held up (a busy loop, a slow connection) lands
    later than its slot. Counted from the slot, ten late ones and ten prompt ones would arrive in the
    same second; counted until a second after each call ended, never more than the rate."""
    limiter = PriorityRateLimiter(rate=10.0)
    arrived: list[float] = []

    async def send(delay: float) -> bool:
        await asyncio.sleep(delay)
        arrived.append(asyncio.get_running_loop().time())
        return True

    await asyncio.gather(
        *(
            limiter.process_request(send, (0.5 if i < 10 else 0.0,), {}, "sendMessage", {}, None)
            for i in range(30)
        )
    )
    await limiter.shutdown()
    assert len(arrived) == 30
    assert all(sum(1 for t in arrived if s <= t < s + 1.0) <= 10 for s in arrived)
