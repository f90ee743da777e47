"""Shared helpers for the directory tests: the demo directory, pressing buttons, reading replies."""

from __future__ import annotations

import json

from bot.demo_directory import DEMO_FILE
from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input, Reply
from storage.directory import MeetingStore

CHAT = 4242


async def load_demo(services: Services) -> None:
    """The fictional demo directory, as a fresh install has it."""
    await MeetingStore(services.db).load_demo(DEMO_FILE, services.clock.now())


async def demo_id(services: Services, slug: str) -> int:
    """The id of a demo meeting by slug (voorbeeld-02 = NA, Tuesday 19:30, Utrecht)."""
    row = await services.db.fetchone("SELECT id FROM meetings WHERE source = 'demo' AND slug = ?", (slug,))
    assert row is not None
    return int(row[0])


def text(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


def ids(reply: Reply) -> list[str]:
    return [b.id for b in reply.buttons()]


async def press(engine: Engine, button: str, chat: int = CHAT) -> Reply:
    return await engine.handle(chat, Input.of_button(button))


async def say(engine: Engine, words: str, chat: int = CHAT) -> Reply:
    return await engine.handle(chat, Input.of_text(words))


async def share(engine: Engine, lat: float, lon: float, chat: int = CHAT) -> Reply:
    return await engine.handle(chat, Input.of_location(lat, lon))


async def stored_state(services: Services, chat: int = CHAT) -> str:
    """The flow state as stored in the database (to check nothing private is in it)."""
    row = await services.users.get(services.keys.pseudonym(chat))
    assert row is not None
    return json.dumps(row.state)
