"""Buttons and replies that many flows share: the way out, the menu, 'that button has expired'."""

from __future__ import annotations

from content.i18n import Translator
from conversations.types import Button, Reply

MENU_ID = "m:home"
URGENT_ID = "h:show"
MAIN_MENU_MARK = frozenset({"w:start", URGENT_ID})


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
