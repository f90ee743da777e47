"""Every button any flow can produce fits Telegram's 64-byte callback data (walks the flows breadth-first)."""

from __future__ import annotations

from collections import deque

from bot.render import fits_callback, inline_markup
from conversations.deeplinks import DEEP_LINKS
from conversations.engine import Engine
from conversations.types import Input, Reply

MAX_PRESSES = 600
MAX_DEPTH = 5
UTRECHT = (52.0907, 5.1214)


async def test_every_reachable_button_fits_64_bytes(engine: Engine) -> None:
    seen: set[str] = set()
    too_long: list[str] = []
    starts = [Input.of_text("/start")] + [Input.of_text(f"/start {p}") for p in DEEP_LINKS]
    starts += [Input.of_text(f"/{c}") for c in engine.by_command]
    queue: deque[tuple[Input, ...]] = deque((s,) for s in starts)
    chat = 10_000
    presses = 0
    while queue and presses < MAX_PRESSES:
        path = queue.popleft()
        chat += 1
        reply = Reply()
        for inp in path:
            reply = await engine.handle(chat, inp)
            presses += 1
        if reply.request_location:
            reply = reply.extend(await engine.handle(chat, Input.of_location(*UTRECHT)))
        for button in reply.buttons():
            if button.url:
                continue
            if not fits_callback(button.id):
                too_long.append(button.id)
            if button.id not in seen and len(path) < MAX_DEPTH:
                seen.add(button.id)
                queue.append((*path, Input.of_button(button.id)))
        for message in reply.messages:
            inline_markup(message.buttons)  # builds python-telegram-bot buttons: raises on bad ones
    assert too_long == []
    assert {"m:home", "l:start", "s:setlang:en"} <= seen
    assert len(seen) >= 10
