"""A week before a quiet pseudonym with follows is erased, the bot asks once whether to keep them;
an answer keeps everything another 90 days; no answer lets the purge erase it silently."""

from __future__ import annotations

from datetime import timedelta

from conversations.context import Services
from conversations.discretion import first_lines, revealing_words
from conversations.engine import Engine
from conversations.expiry_source import SOURCE
from conversations.types import Input
from storage import follows
from tests.support_helpers import drain, make_meeting, text_of

CHAT = 77


async def follower(engine: Engine, services: Services, mid: int) -> str:
    """A person who follows a meeting (as the card's follow button does)."""
    card = await engine.handle(CHAT, Input.of_button(f"c:start:{mid}"))
    follow = next(b.id for b in card.buttons() if "follow" in b.id and "unfollow" not in b.id)
    await engine.handle(CHAT, Input.of_button(follow))
    key = services.keys.pseudonym(CHAT)
    assert await follows.is_following(services.db, key, mid)
    return key


def questions(items: list) -> list:
    return [o for o in items if o.kind == "expiry.ask"]


async def test_asked_once_a_week_before_and_an_answer_keeps_it(
    engine: Engine, services: Services, clock
) -> None:
    mid = await make_meeting(services)
    key = await follower(engine, services, mid)
    start = clock.now()
    assert questions(await drain(services, start + timedelta(days=82))) == []
    due = await SOURCE.next_due_at(services)
    assert due == start + timedelta(days=83)
    [ask] = questions(await drain(services, start + timedelta(days=83)))
    assert ask.user_key == key
    assert not any(revealing_words(line) for line in first_lines(text_of(ask.reply), 2))
    assert questions(await drain(services, start + timedelta(days=85))) == []  # once, not again
    clock.advance(timedelta(days=86))
    kept = await engine.handle(CHAT, Input.of_button("s:keep"))
    assert "Ik bewaar het" in text_of(kept)
    assert await services.users.purge_expired(start + timedelta(days=91)) == 0
    assert await follows.is_following(services.db, key, mid)
    # a new quiet spell: asked again a week before the new expiry
    assert questions(await drain(services, clock.now() + timedelta(days=82))) == []
    assert len(questions(await drain(services, clock.now() + timedelta(days=83)))) == 1


async def test_no_answer_erases_silently_and_nothing_to_lose_is_never_asked(
    engine: Engine, services: Services, clock
) -> None:
    mid = await make_meeting(services)
    key = await follower(engine, services, mid)
    await engine.handle(CHAT + 1, Input.of_text("/start"))  # follows nothing: nothing to ask about
    start = clock.now()
    asked = questions(await drain(services, start + timedelta(days=84)))
    assert [o.user_key for o in asked] == [key]
    assert await services.users.purge_expired(start + timedelta(days=90)) == 2
    assert not await follows.is_following(services.db, key, mid)
    assert await SOURCE.next_due_at(services) is None


async def test_a_claim_that_was_never_settled_is_asked_again_after_its_lease(
    engine: Engine, services: Services, clock
) -> None:
    mid = await make_meeting(services)
    await follower(engine, services, mid)
    at = clock.now() + timedelta(days=83)
    assert len(await SOURCE.claim_due(services, at)) == 1  # the process dies before sending
    assert await SOURCE.claim_due(services, at + timedelta(minutes=1)) == []
    [again] = await SOURCE.claim_due(services, at + timedelta(minutes=6))
    await SOURCE.settle(services, again, "sent")
    assert await SOURCE.claim_due(services, at + timedelta(hours=1)) == []
