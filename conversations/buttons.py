"""Button ids, '<prefix>:<action>[:<arg>...]', from one typed helper that checks Telegram's 64-byte limit.

Also the exit row every screen offers (menu and urgent help) and the check that a reply has one.
"""

from __future__ import annotations

from content.i18n import Translator
from conversations.types import Button, Reply

MAX_BUTTON_ID = 64
SEPARATOR = ":"
ButtonArg = str | int


def button_id(prefix: str, action: str, *args: ButtonArg) -> str:
    """Build a button id; raises ValueError if a part holds the separator or the id would not fit."""
    bid = SEPARATOR.join((prefix, action, *map(str, args)))
    if bid.count(SEPARATOR) != len(args) + 1 or not prefix:  # a part holds the separator
        raise ValueError(f"bad button id parts: {[prefix, action, *map(str, args)]!r}")
    if len(bid) * 4 > MAX_BUTTON_ID and len(bid.encode()) > MAX_BUTTON_ID:  # (4 bytes a character at most)
        raise ValueError(f"button id too long: {bid!r}")
    return bid


def parse_button(bid: str) -> tuple[str, str, list[str]]:
    """Split a button id into prefix, action and arguments."""
    parts = bid.split(SEPARATOR)
    return parts[0], (parts[1] if len(parts) > 1 else ""), parts[2:]


def button(label: str, prefix: str, action: str, *args: ButtonArg) -> Button:
    """A button that leads to a flow's action (prefix names the flow)."""
    return Button(label=label, id=button_id(prefix, action, *args))


def grid(buttons: list[Button], per_row: int) -> list[list[Button]]:
    """Buttons laid out in rows of `per_row` (the last row may be shorter)."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


MENU_ID = button_id("m", "home")
URGENT_ID = button_id("h", "show")
BACK_ID = button_id("h", "back")  # 'go on where I was': the engine re-shows the current step
MAIN_MENU_MARK = frozenset({button_id("w", "start"), URGENT_ID})


def nav_row(t: Translator) -> list[Button]:
    """The exit every screen offers: back to the menu, and urgent help."""
    return [Button(t.t("nav.menu"), MENU_ID), Button(t.t("nav.urgent"), URGENT_ID)]


def has_exit(reply: Reply) -> bool:
    """Whether a reply already offers the menu, or is the main menu itself."""
    ids = {b.id for b in reply.buttons()}
    return MENU_ID in ids or MAIN_MENU_MARK <= ids


def ensure_exit(reply: Reply, t: Translator) -> Reply:
    """Add the exit row to the last message of a reply that has none."""
    if reply.messages and not has_exit(reply):
        reply.messages[-1].buttons.append(nav_row(t))
    return reply
