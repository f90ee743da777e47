"""The real Application in webhook mode: the fake Bot API posts updates with the secret-token header."""

from __future__ import annotations

from conversations.context import Services
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import SECRET, running_bot, turn

CHAT = 777


async def test_webhook_conversation_and_secret_checked(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake, webhook=True):
        hook = fake.calls_of("setWebhook")[-1].params
        assert hook["url"].endswith("/tg-hook") and hook["secret_token"] == SECRET
        assert set(hook["allowed_updates"]) >= {"message", "callback_query", "my_chat_member"}
        fake.command(CHAT, "start")
        await turn(fake)
        assert fake.webhook_responses and set(fake.webhook_responses) == {200}
        assert "l:start" in [b["callback_data"] for b in fake.buttons(CHAT)]
        fake.press(CHAT, "l:start")
        await turn(fake)
        row = await services.users.get(services.keys.pseudonym(CHAT))
        assert row is not None and row.state["flow"] == "learn"
        # Anyone who finds the URL but lacks the secret is refused and gets nothing sent.
        before = len(fake.sent())
        forged = {"update_id": 1, "message": fake.incoming(CHAT + 1, text="/start")}
        assert await fake.post_raw_webhook(forged, "wrong") == 403
        assert await fake.post_raw_webhook(forged, None) == 403
        await turn(fake)
        assert len(fake.sent()) == before


async def test_webhook_blocked_user_is_erased(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake, webhook=True):
        fake.command(CHAT, "start")
        await turn(fake)
        key = services.keys.pseudonym(CHAT)
        assert await services.users.get(key) is not None
        fake.my_chat_member(CHAT, "kicked")
        await turn(fake)
        assert await services.users.get(key) is None
