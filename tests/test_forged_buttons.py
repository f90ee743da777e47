"""Callback data with Unicode digits or ids beyond int64 reads as an expired button, with no error line
(issue 18, low)."""

from __future__ import annotations

import logging

import pytest

from conversations.engine import Engine, plain_argument
from conversations.types import Input

CHAT = 7707
FORGED = ["c:start:²", "c:follow:١٢", "t:new:99999999999999999999:day", "c:start:9223372036854775808",
          "t:going:-99999999999999999999", "l:part:x:³"]  # fmt: skip


@pytest.mark.parametrize("data", FORGED)
async def test_forged_numbers_get_the_expired_answer(
    engine: Engine, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    caplog.set_level(logging.INFO)
    await engine.handle(CHAT, Input.of_text("/start"))
    reply = await engine.handle(CHAT, Input.of_button(data))
    assert "werkt niet meer" in reply.messages[0].text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_ordinary_arguments_pass() -> None:
    assert all(map(plain_argument, ["12", "-5", "9223372036854775807", "day", "NA", "a1"]))
    assert not any(map(plain_argument, ["²", "1²", "9223372036854775808", "٣"]))
