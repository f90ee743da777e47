"""Helpers for the support-worker tests: a meeting, followers with sealed chat ids, draining a source."""

from __future__ import annotations

from datetime import datetime

from conversations.assembly import sources
from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input, Outgoing, Reply
from storage.db import utc_text
from storage.edits import add_meeting
from storage.support import SupportStore


async def make_meeting(
    services: Services, name: str = "De Brug", program: str = "NA", weekday: int = 2
) -> int:
    """A Tuesday 19:30 in-person meeting in Utrecht."""
    async with services.db.tx() as tx:
        return await add_meeting(
            tx,
            services.clock.now(),
            program=program,
            name=name,
            weekday=weekday,
            start_time="19:30",
            end_time="21:00",
            location="Buurthuis De Linde",
            address="Lindelaan 4, Utrecht",
            city="Utrecht",
            region="Utrecht",
            source="test",
        )


async def add_follower(services: Services, chat_id: int, meeting_id: int, *, sealed: bool = True) -> str:
    """A pseudonym that follows a meeting (with a sealed chat id unless told otherwise)."""
    key = services.keys.pseudonym(chat_id)
    now = services.clock.now()
    await services.users.save(key, "nl", {}, now)
    if sealed:
        await services.users.remember_chat(key, chat_id)
    await services.db.execute(
        "INSERT OR IGNORE INTO follows(user_key, meeting_id, created_at) VALUES (?, ?, ?)",
        (key, meeting_id, now.isoformat()),
    )
    return key


async def make_worker(services: Services, engine: Engine, chat_id: int) -> Reply:
    """Invite and redeem: chat_id becomes a support worker."""
    code, _ = await SupportStore(services.db, services.keys).create_invite(services.clock.now(), "test")
    return await engine.handle(chat_id, Input.of_text(f"/beheer {code}"))


async def drain(services: Services, now: datetime, user_key: str | None = None) -> list[Outgoing]:
    """Claim everything due from every source and settle it as sent."""
    out: list[Outgoing] = []
    for source in sources():
        while items := await source.claim_due(services, now, user_key=user_key, limit=100):
            for item in items:
                await source.settle(services, item, "sent")
            out.extend(items)
    return out


def press(reply: Reply, label_part: str) -> Input:
    """The button whose label contains a text."""
    for b in reply.buttons():
        if label_part.lower() in b.label.lower():
            return Input.of_button(b.id)
    raise AssertionError(f"no button {label_part!r} in {[b.label for b in reply.buttons()]}")


def text_of(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


async def bulk_followers(services: Services, chat_ids: list[int], meeting_id: int) -> dict[int, str]:
    """Many followers with sealed chat ids at once (one transaction); chat id → pseudonym."""
    now = utc_text(services.clock.now())
    keys = {chat: services.keys.pseudonym(chat) for chat in chat_ids}
    async with services.db.tx() as tx:
        await tx.executemany(
            "INSERT INTO users(user_key, lang, state, chat_box, updated_at, expires_at) "
            "VALUES (?, 'nl', '{}', ?, ?, '2999-01-01T00:00:00Z')",
            [(key, services.keys.seal(chat, key), now) for chat, key in keys.items()],
        )
        await tx.executemany(
            "INSERT INTO follows(user_key, meeting_id, created_at) VALUES (?, ?, ?)",
            [(key, meeting_id, now) for key in keys.values()],
        )
    return keys
