"""Helpers for the welcome tests: a meeting with welcoming on, a welcomer, a newcomer's request."""

from __future__ import annotations

from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input, Outgoing, Reply
from storage import welcome
from storage.support import SupportStore
from tests.support_helpers import drain, make_meeting, press, text_of

NEWCOMER = 501
WELCOMER = 601
WELCOMER_2 = 602


async def welcoming_meeting(services: Services) -> int:
    """A Tuesday 19:30 meeting in Utrecht ('De Brug', NA) with welcoming on."""
    mid = await make_meeting(services)
    await welcome.set_meeting(services.db, mid, True, services.clock.now(), None)
    return mid


async def make_welcomer(services: Services, engine: Engine, chat_id: int, meeting_id: int) -> Reply:
    """Invite with the welcomer role, redeem with /opvang CODE, choose the meeting."""
    store = SupportStore(services.db, services.keys)
    code, _ = await store.create_invite(services.clock.now(), "test", role="welcomer")
    reply = await engine.handle(chat_id, Input.of_text(f"/opvang {code}"))
    assert "opvanger" in text_of(reply), text_of(reply)
    picked = await engine.handle(chat_id, press(reply, "De Brug"))
    assert "✓" in " ".join(b.label for b in picked.buttons())
    return picked


async def ask_welcome(engine: Engine, chat_id: int, meeting_id: int, nick: str | None = "Sam") -> Reply:
    """From the meeting card: ask for a welcome, take the first date, give a nickname (or none)."""
    card = await engine.handle(chat_id, Input.of_button(f"c:start:{meeting_id}"))
    dates = await engine.handle(chat_id, press(card, "opgevangen"))
    first = next(b for b in dates.buttons() if b.id.startswith("o:d:"))
    asked = await engine.handle(chat_id, Input.of_button(first.id))
    if nick is None:
        return await engine.handle(chat_id, press(asked, "Zonder naam"))
    return await engine.handle(chat_id, Input.of_text(nick))


async def inbox(services: Services, chat_id: int) -> list[Outgoing]:
    """Everything due now for one chat (claimed and settled as sent)."""
    return await drain(services, services.clock.now(), services.keys.pseudonym(chat_id))


def one(items: list[Outgoing], kind_text: str) -> Reply:
    """The one delivered reply whose text contains kind_text."""
    found = [i.reply for i in items if kind_text in text_of(i.reply)]
    assert len(found) == 1, [text_of(i.reply) for i in items]
    return found[0]


def leaks(files: list, needles: dict[str, bytes]) -> list[str]:  # type: ignore[type-arg]
    """Which needles (name → bytes) occur in which of the files that exist (db, -wal, -shm, logs)."""
    found = []
    for path in files:
        if not path.exists():
            continue
        data = path.read_bytes()
        found += [f"{name} in {path.name}" for name, needle in needles.items() if needle and needle in data]
    return found


def db_files(db: object) -> list:  # type: ignore[type-arg]
    """The database file and its -wal and -shm companions."""
    from pathlib import Path

    path = Path(str(db))
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
