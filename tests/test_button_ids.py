"""Button ids from the one helper: the separator and Telegram's 64-byte limit are checked; shared menu
buttons are never changed by one reply."""

from __future__ import annotations

import pytest

from conversations.buttons import MAX_BUTTON_ID, button_id, parse_button
from conversations.context import Services
from conversations.engine import Engine
from conversations.flows.menu import menu_reply
from conversations.types import Button, Input


def test_button_ids_are_checked() -> None:
    assert button_id("c", "start", 12) == "c:start:12"
    assert parse_button(button_id("n", "f", "d", "-")) == ("n", "f", ["d", "-"])
    for bad in (("", "x"), ("a:b", "x"), ("n", "f:g"), ("n", "f", "a:b")):
        with pytest.raises(ValueError, match="bad button id"):
            button_id(*bad)
    fits = "é" * ((MAX_BUTTON_ID - len("p:a:")) // 2)  # two bytes each: exactly 64 bytes
    assert len(button_id("p", "a", fits).encode()) == MAX_BUTTON_ID
    with pytest.raises(ValueError, match="too long"):
        button_id("p", "a", fits + "e")
    with pytest.raises(ValueError, match="too long"):
        button_id("p", "a", "🙂" * 16)  # 16 characters, 64 bytes of emoji, 68 with the prefix


async def test_a_reply_cannot_change_the_shared_menu(engine: Engine, services: Services) -> None:
    ctx = await engine.context(3)
    first = menu_reply(ctx)
    first.messages[-1].buttons.append([Button("extra", "x:y")])
    first.messages[-1].buttons[0].append(Button("more", "x:z"))
    again = menu_reply(ctx)
    assert "x:y" not in [b.id for b in again.buttons()] and "x:z" not in [b.id for b in again.buttons()]
    reply = await engine.handle(3, Input.of_button("m:home"))
    assert [b.id for b in reply.buttons()] == [b.id for b in again.buttons()]
