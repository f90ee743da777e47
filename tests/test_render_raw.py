"""Pins go to the Bot API as plain JSON (like texts): the very request python-telegram-bot's typed
send_venue / send_location would make, and the message id comes back."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from telegram import Bot, ReplyKeyboardRemove
from telegram.request import BaseRequest, RequestData

from bot import render
from conversations.types import Button, Message, Pin


class Recording(BaseRequest):
    """Records each call's method and wire parameters; answers with a message."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint == "getMe":
            me = {"id": 1, "is_bot": True, "first_name": "B", "username": "b_bot"}
            return 200, json.dumps({"ok": True, "result": me}).encode()
        self.calls.append((endpoint.lower(), request_data.json_parameters if request_data else {}))
        chat = {"id": 5, "type": "private"}
        result = {"message_id": 41 + len(self.calls), "date": int(time.time()), "chat": chat}
        return 200, json.dumps({"ok": True, "result": result}).encode()


def decoded(params: dict[str, str]) -> dict[str, Any]:
    """Wire parameters with JSON values read back (key order inside them does not matter)."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


BUTTONS = [
    [Button("Volg", "c:follow:3"), Button("Site", url="https://example.org")],
    [Button("Menu", "m:home")],
]


@pytest.mark.parametrize(
    ("pin", "buttons", "extra"),
    [
        (Pin(52.09, 5.12, "De Brug", "Kerkstraat 5, Utrecht"), BUTTONS, None),
        (Pin(52.09, 5.12, "", "Kerkstraat 5"), BUTTONS, None),  # no title: a plain location
        (Pin(52.09, 5.12, "T" * 300, "A" * 300), [], ReplyKeyboardRemove()),  # cut to 256; extra markup
        (Pin(51.5, 4.25), [], None),
    ],
)
async def test_a_pin_sends_what_the_typed_method_sends(
    pin: Pin, buttons: list[list[Button]], extra: Any
) -> None:
    request = Recording()
    async with Bot("1:x", request=request) as bot:
        sent = await render.send_message(bot, 5, Message("", buttons, pin=pin), extra)
        markup = render.inline_markup(buttons) or extra
        if pin.title.strip() and pin.address.strip():
            typed = await bot.send_venue(
                5, pin.lat, pin.lon, pin.title[:256], pin.address[:256], reply_markup=markup
            )
        else:
            typed = await bot.send_location(5, pin.lat, pin.lon, reply_markup=markup)
    (raw_method, raw), (typed_method, expected) = request.calls
    assert raw_method == typed_method and decoded(raw) == decoded(expected)
    assert sent == typed.message_id - 1


async def test_reply_keyboards_go_out_as_their_typed_json_every_time() -> None:
    from telegram import KeyboardButton, ReplyKeyboardMarkup

    from conversations.types import Reply

    request = Recording()
    async with Bot("1:x", request=request) as bot:
        for _ in range(2):  # the second time from the kept JSON
            await render.send_reply(
                bot, 5, Reply(request_location=True).add("Waar?"), location_label="Deel", location_hint="h"
            )
            await render.send_reply(bot, 5, Reply().add("Lijst"), remove_keyboard=True)
    fresh = ReplyKeyboardMarkup(
        [[KeyboardButton("Deel", request_location=True)]], resize_keyboard=True, one_time_keyboard=True
    )
    typed = [fresh.to_dict(), ReplyKeyboardRemove().to_dict()]
    assert [decoded(params)["reply_markup"] for _, params in request.calls] == typed + typed
