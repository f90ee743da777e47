"""Hostile calls to the webhook over real HTTP: the secret is checked before the body is read, bodies are
capped, bad bodies get 400, a replayed update is answered once."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlparse

import pytest

from bot.webhook import MAX_BODY, SECRET_HEADER, RecentIds
from conversations.context import Services
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import SECRET, running_bot

CHAT = 4242


async def raw_request(url: str, head: dict[str, str], body: bytes = b"", *, wait: float = 5.0) -> int:
    """Send a POST by hand (headers, then `body`, perhaps far less than announced); the status line."""
    parts = urlparse(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        lines = [
            f"POST {parts.path} HTTP/1.1",
            f"Host: {parts.netloc}",
            *(f"{k}: {v}" for k, v in head.items()),
        ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), wait)
        return int(status.split()[1])
    finally:
        writer.close()


async def test_the_secret_is_checked_before_the_body_is_read(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake, webhook=True):
        url = fake.webhook.url
        big = {"Content-Type": "application/json", "Content-Length": str(60 << 20)}
        # 60 MB announced, not one byte sent: an answer now means the body was never waited for
        assert await raw_request(url, big) == 403
        assert await raw_request(url, {**big, SECRET_HEADER: "wrong"}) == 403
        assert await raw_request(url, {**big, SECRET_HEADER: SECRET}) == 413
        chunked = {"Content-Type": "application/json", "Transfer-Encoding": "chunked", SECRET_HEADER: SECRET}
        piece = b"x" * (256 << 10)
        body = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(MAX_BODY // len(piece) + 2))
        assert await raw_request(url, chunked, body) in (400, 413)
        assert fake.sent() == []


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}', b"[" * 50_000, b""]
)
async def test_a_body_that_is_no_update_gets_400(services: Services, body: bytes) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake, webhook=True):
        head = {"Content-Type": "application/json", "Content-Length": str(len(body)), SECRET_HEADER: SECRET}
        assert await raw_request(fake.webhook.url, head, body) == 400


async def sent_settles(fake: FakeBotAPI, at_least: int) -> int:
    """Wait until at least `at_least` messages went to CHAT, then a moment longer; how many went."""
    for _ in range(100):
        if len(fake.sent(CHAT)) >= at_least:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    return len(fake.sent(CHAT))


async def test_a_replayed_update_is_answered_once(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake, webhook=True):
        update = {"update_id": 900_001, "message": fake.incoming(CHAT, text="/start")}
        assert await fake.post_raw_webhook(update, SECRET) == 200
        first = await sent_settles(fake, 1)
        assert first > 0
        assert await fake.post_raw_webhook(update, SECRET) == 200
        later = {"update_id": 900_002, "message": fake.incoming(CHAT, text="/start")}
        assert await fake.post_raw_webhook(later, SECRET) == 200  # a new update is answered
        assert await sent_settles(fake, 2 * first) == 2 * first


async def test_an_update_the_library_cannot_read_is_skipped_and_logged_by_kind(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake, webhook=True):
        broken = {"update_id": 900_009, "message": {"message_id": "x", "text": "Jan de Vries 0612345678"}}
        with caplog.at_level(logging.INFO):
            assert await fake.post_raw_webhook(broken, SECRET) == 200
            fake.command(CHAT, "start")
            assert await sent_settles(fake, 1) > 0
        assert "kind message" in caplog.text
        assert "0612345678" not in caplog.text and "Vries" not in caplog.text


def test_recent_ids_forget_the_oldest() -> None:
    recent = RecentIds(size=3)
    assert [recent.add(i) for i in (1, 2, 1, 3, 4)] == [True, True, False, True, True]
    assert recent.add(1) and not recent.add(4)
