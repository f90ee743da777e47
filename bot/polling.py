"""Long polling that acknowledges only handled updates, and stops fetching at once on shutdown.

Telegram forgets every update below the `offset` of the next getUpdates call. PTB's Updater moves the
offset as soon as it has fetched a batch and queues whole batches ahead, so a SIGTERM with a backlog either
takes long (everything fetched is handled first) or, killed after the grace period, loses updates that were
acknowledged but never answered. Here at most `window` updates are in hand at a time; the offset never
passes the oldest update still being handled, so what was not handled is delivered again after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram.error import Conflict, TelegramError
from telegram.ext import Application

log = logging.getLogger(__name__)
WINDOW = 32  # updates in hand at most: a few seconds of work at Telegram's send limit
LONG_POLL = 10  # seconds a getUpdates call waits for something new
MAX_BACKOFF = 30.0
STOP_RETRY = 0.5  # seconds between cancellations while the fetch loop is ending


class Poller:
    """Fetches updates into the Application's queue; `done(update_id)` marks one handled."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        *,
        allowed_updates: Sequence[str],
        window: int = WINDOW,
        poll_interval: float = 0.0,
        long_poll: int = LONG_POLL,
    ) -> None:
        self.application = application
        self.allowed_updates = list(allowed_updates)
        self.window = window
        self.poll_interval = poll_interval
        self.long_poll = long_poll
        self.in_hand: set[int] = set()
        self.highest = -1  # the highest update id queued so far
        self.acknowledged = 0  # the offset Telegram was last given
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def offset(self) -> int:
        """Everything below this was handled: the oldest update in hand, else the next new one."""
        if self.in_hand:
            return min(self.in_hand)
        return self.highest + 1 if self.highest >= 0 else self.acknowledged

    def done(self, update_id: int) -> None:
        """An update was handled (answered, or failed and apologised for)."""
        self.in_hand.discard(update_id)
        self._changed.set()

    def stopping(self) -> bool:
        """Whether stop_fetching() was called (read at each turn of the fetch loop)."""
        return self._stopping

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="eerstestap-poller")

    async def stop_fetching(self) -> None:
        """Stop at once, abandoning a long poll in progress (its updates are simply fetched again later).

        The library may turn the cancellation of a request into a network error; the loop then sees
        `_stopping` instead of retrying, and the task is cancelled again until it has ended.
        """
        self._stopping = True
        task, self._task = self._task, None
        while task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=STOP_RETRY)
        if task is not None and not task.cancelled() and task.exception() is not None:
            log.warning("the poller ended with %s", type(task.exception()).__name__)

    async def acknowledge(self) -> None:
        """Tell Telegram which updates were handled (before exiting), and nothing beyond them."""
        if self.offset <= self.acknowledged:
            return
        try:
            await self.application.bot.get_updates(offset=self.offset, limit=1, timeout=0)
            self.acknowledged = self.offset
        except TelegramError as exc:
            log.warning("could not acknowledge the handled updates (%s)", type(exc).__name__)

    async def _run(self) -> None:
        backoff = 1.0
        while not self.stopping():
            self._changed.clear()  # before looking: a completion from now on wakes the wait below
            if len(self.in_hand) > self.window // 2:  # a fetch returns those in hand too: fetch in halves
                await self._wait_for_progress()
                continue
            offset = self.offset
            try:
                updates = await self.application.bot.get_updates(
                    offset=offset,
                    limit=self.window,
                    timeout=self.long_poll,
                    allowed_updates=self.allowed_updates,
                )
            except Conflict:
                if self.stopping():
                    return
                log.error("another bot instance or a webhook is using this token; retrying")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            except TelegramError as exc:
                if self.stopping():  # a cancelled request can come back as a network error
                    return
                log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            self.acknowledged = max(self.acknowledged, offset)
            fresh = [u for u in updates if u.update_id > self.highest]
            for update in fresh:
                self.in_hand.add(update.update_id)
                self.highest = update.update_id
                await self.application.update_queue.put(update)
            if self.poll_interval:
                await asyncio.sleep(self.poll_interval)

    async def _wait_for_progress(self) -> None:
        try:
            await asyncio.wait_for(self._changed.wait(), 1.0)
        except TimeoutError:
            pass
