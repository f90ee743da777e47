"""What a failed send means: did Telegram surely not take the message, or may it have arrived?

Telegram's Bot API has no idempotency key: a message sent again is a second message. So a send that
failed is classified by what the failure proves:

- **not taken**: Telegram answered with a server error (500, 502 …), or the request never fully left
  (no connection, connection pool exhausted, body not written). Sending again cannot duplicate anything.
- **uncertain**: the request was written but no answer came (read timeout, connection dropped after the
  request). Telegram may have delivered it. Sending again may duplicate; not sending may lose it.

The sender of unprompted messages (reminders, broadcasts) retries *uncertain* sends too: a lost
"meeting cancelled" notice costs a wasted trip, a duplicate costs a second buzz. Chat answers are not
retried after an uncertain failure (the person is there and can press again). See bot/delivery.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
from telegram.error import BadRequest, NetworkError

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_PAUSE = 0.5  # seconds before sending again a message Telegram did not take
NOT_SENT_CAUSES = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)


def network_fault(exc: BaseException) -> bool:
    """A fault of the network or of Telegram's servers, not a refusal of this message (400/403/429)."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


def not_taken(exc: BaseException) -> bool:
    """Whether a network fault proves Telegram did not take the message (so sending again is safe)."""
    if not network_fault(exc):
        return False
    cause = exc.__cause__
    if cause is None:  # Telegram answered: a server error such as 500 or 502
        return True
    return isinstance(cause, NOT_SENT_CAUSES)


async def once_more_if_not_taken(
    call: Callable[[], Awaitable[T]], sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> T:
    """Make a Bot API call; if Telegram surely did not take it, wait a moment and make it once more."""
    try:
        return await call()
    except NetworkError as exc:
        if not not_taken(exc):
            raise
        log.info("Telegram did not take a message (%s); sending it once more", type(exc).__name__)
    await sleep(RETRY_PAUSE)
    return await call()
