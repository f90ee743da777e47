"""One budget of messages per second for the whole bot: people first, bulk guaranteed a share.

Telegram allows a bot about 30 messages a second. Every call that puts a message in a chat (send, edit,
venue, file) takes a slot from one budget a little under that, spread out; a call counts from its slot
until a second after it ended, so however late a busy event loop or a slow connection delivers it,
Telegram never sees more than the budget in any second (a 429 would pause everyone). Calls that send
nothing (answering a button press, getUpdates, setting commands) take none. When people and bulk (reminders,
broadcasts: sent with `bulk_sending()` in effect) both wait, a person's answer goes first except on
bulk's own turns, which come round at its share of the budget (default 27 %, spread evenly), so a
broadcast never starves and never crowds people out. A 429 pauses every sender for its retry_after,
then the call is tried again.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import warnings
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
_BULK: ContextVar[bool] = ContextVar("bulk_sending", default=False)
MESSAGE_METHODS = frozenset(
    m.lower()
    for m in (
        "sendMessage", "editMessageText", "editMessageReplyMarkup", "editMessageCaption", "sendVenue",
        "sendLocation", "sendDocument", "sendPhoto", "sendMediaGroup", "copyMessage", "forwardMessage",
        "sendContact", "sendPoll", "sendAnimation", "sendVideo", "sendAudio", "sendVoice", "sendSticker",
    )
)  # fmt: skip
WINDOW = 1.0  # Telegram counts messages per second
BULK_BURST = 2.0  # bulk turns that may build up while nobody waits for them


@contextlib.contextmanager
def bulk_sending() -> Iterator[None]:
    """Calls made inside are bulk (reminders, broadcasts): they yield to people beyond their share."""
    token = _BULK.set(True)
    try:
        yield
    finally:
        _BULK.reset(token)


class PriorityRateLimiter(BaseRateLimiter[int]):
    """Message slots at `rate` per second (any second); people before bulk; bulk keeps `bulk_share`."""

    def __init__(self, rate: float = 29.0, bulk_share: float = 0.27, max_retries: int = 3) -> None:
        self.rate = rate
        self.bulk_share = bulk_share
        self.max_retries = max_retries
        self._queues: dict[bool, collections.deque[asyncio.Future[None]]] = {
            False: collections.deque(),
            True: collections.deque(),
        }
        self._bulk_credit = 0.0
        self._done: collections.deque[float] = collections.deque()  # when calls ended, last second
        self._in_flight = 0  # slots given whose call has not ended yet
        self._freed = asyncio.Event()  # a call ended: a slot may be free again
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._dispatcher: asyncio.Task[None] | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
            self._dispatcher = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        limited = endpoint.lower() in MESSAGE_METHODS
        bulk = _BULK.get()
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            if limited:
                await self._slot(bulk)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = _seconds(exc)
                loop = asyncio.get_running_loop()
                self._paused_until = max(self._paused_until, loop.time() + wait)
                if attempt == retries:
                    log.warning("Telegram's flood limit held a message back %d times", attempt + 1)
                    raise
                if not limited:
                    await asyncio.sleep(wait)
            finally:
                if limited:
                    self._ended()
        raise AssertionError("unreachable")

    def _ended(self) -> None:
        """A call that took a slot ended: it counts against the budget until a second after that."""
        self._in_flight -= 1
        self._done.append(asyncio.get_running_loop().time())
        self._freed.set()

    async def _slot(self, bulk: bool) -> None:
        """Wait for this call's turn."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues[bulk].append(future)
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch())
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # given, then the caller gave up: free it
                self._ended()
            raise

    def _next(self) -> tuple[bool, asyncio.Future[None]] | None:
        """Whose turn it is: bulk when its share has built up a slot (or nobody else waits)."""
        for queue in self._queues.values():
            while queue and queue[0].done():  # the caller gave up (cancelled)
                queue.popleft()
        people, bulk = self._queues[False], self._queues[True]
        # Every slot adds bulk's share to its credit, so its turns are spread evenly among people's and
        # make up its share of the slots actually given, however late the event loop runs.
        self._bulk_credit = min(BULK_BURST, self._bulk_credit + self.bulk_share)
        if bulk and (not people or self._bulk_credit >= 1.0):
            self._bulk_credit = max(0.0, self._bulk_credit - 1.0)
            return True, bulk.popleft()
        if people:
            return False, people.popleft()
        return None

    async def _dispatch(self) -> None:
        """Give slots: at most `rate` calls in flight or ended within the last second, spaced at least
        half a slot apart, so a late event loop catches up within the second's budget instead of losing
        slots. A call counts from its slot until a second after it ended: however late a busy loop or a
        slow connection delivers it, Telegram never sees more than `rate` in any second of its own."""
        loop = asyncio.get_running_loop()
        per_window = max(1, int(self.rate * WINDOW))
        while True:
            now = loop.time()
            while self._done and self._done[0] <= now - WINDOW:
                self._done.popleft()
            wait = max(self._next_slot, self._paused_until) - now
            if self._in_flight + len(self._done) >= per_window:
                if not self._done:  # every slot is in flight: wait for one to end
                    self._freed.clear()
                    await self._freed.wait()
                    continue
                wait = max(wait, self._done[0] + WINDOW - now)
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            picked = self._next()
            if picked is None:
                return
            picked[1].set_result(None)
            self._in_flight += 1
            self._next_slot = now + 0.5 / self.rate


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
