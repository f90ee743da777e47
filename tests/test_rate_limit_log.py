"""When PTB's rate limiter gives up on a 429, the log gets one line and no traceback (issue 18, low)."""

from __future__ import annotations

import logging

import pytest

from conversations.context import Services
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import running_bot, turn

CHAT = 4290


async def test_a_429_given_up_on_logs_one_line(services: Services, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.fail("sendMessage", status=429, retry_after=1, count=8)
        fake.text(CHAT, "hallo")
        await turn(fake, within=30)
    held = [r for r in caplog.records if "rate" in r.name.lower() or "send_limit" in r.name]
    assert held and all(r.exc_info is None and r.levelno <= logging.WARNING for r in held)
    assert not [r for r in caplog.records if r.exc_info], "no tracebacks at all"
