"""The shape of a flow, and button ids: '<prefix>:<action>[:<arg>]', always well under 64 bytes."""

from __future__ import annotations

from conversations.context import Context
from conversations.types import Button, Reply

MAX_BUTTON_ID = 64


def button_id(prefix: str, action: str, *args: object) -> str:
    """Build a button id; raises if it would not fit Telegram's callback data."""
    bid = ":".join([prefix, action, *(str(a) for a in args)])
    if len(bid.encode()) > MAX_BUTTON_ID:
        raise ValueError(f"button id too long: {bid!r}")
    return bid


def parse_button(bid: str) -> tuple[str, str, list[str]]:
    """Split a button id into prefix, action and arguments."""
    parts = bid.split(":")
    return parts[0], (parts[1] if len(parts) > 1 else ""), parts[2:]


class Flow:
    """A small state machine. Subclasses set name and prefix and override what they handle.

    Each handler returns a Reply, or None when it does not recognise the input (the engine then answers
    kindly and shows the menu).
    """

    name: str = ""
    prefix: str = ""
    commands: tuple[str, ...] = ()

    def button(self, label: str, action: str, *args: object) -> Button:
        """A button that comes back to this flow."""
        return Button(label=label, id=button_id(self.prefix, action, *args))

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        """Enter the flow (from the menu, a deep link or another flow)."""
        raise NotImplementedError

    async def show(self, ctx: Context) -> Reply:
        """Show the current step again (after a restart, a crisis message or an unclear answer)."""
        return await self.start(ctx)

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        return None

    async def on_text(self, ctx: Context, text: str) -> Reply | None:
        return None

    async def on_location(self, ctx: Context, lat: float, lon: float) -> Reply | None:
        return None

    async def on_command(self, ctx: Context, command: str, args: str) -> Reply | None:
        return None
