"""The sender of unprompted messages (reminders, check-ins, broadcasts) and its scheduler wiring.

Every registered `conversations.outgoing` source is drained: claim due items → unseal the chat id →
render and send → settle. Sending is paced to `global_rate` messages a second in total and one message
per `chat_interval` seconds per chat. 429 waits `retry_after` (everyone pauses) and retries; 403 settles
"blocked" and erases the user. Network faults and Telegram's 5xx never fail a message at once: the
render layer sends once more when Telegram surely did not take it, then the item goes back to its
source, which waits longer after each attempt (2 s … 5 min) and gives up only after about 25 minutes.
A fault after which the message may have arrived (no answer) is retried too and counted as uncertain:
Telegram has no idempotency key, and a lost notice is worse than a duplicate (bot.send_faults).
The JobQueue wakes the sender at the next due time, sweeps every `sweep_interval` seconds, and purges
expired users daily.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.config import Config
from bot.send_faults import not_taken
from conversations.assembly import sources as default_sources
from conversations.context import Services
from conversations.outgoing import Outcome, OutgoingSource
from conversations.types import Outgoing, Reply

if TYPE_CHECKING:
    from telegram.ext import Application, ContextTypes

log = logging.getLogger(__name__)
SendFn = Callable[[int, Reply], Awaitable[object]]
SleepFn = Callable[[float], Awaitable[None]]
PURGE_TIME = time(3, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
RETRY_LATER = timedelta(minutes=1)
SETTLED_MEMORY = 50_000  # items settled by this process that a late re-claim must not send again
IDLE_RETRY = 1.0  # seconds before looking again at a due time that yielded nothing
BACKOFF: Literal["backoff"] = "backoff"  # network faults: retry, after the source's growing wait
LATE_OK = {"misfire_grace_time": None, "coalesce": True}  # a busy loop delays a job; it still runs once


@dataclass(slots=True)
class DeliveryConfig:
    """Limits and timings of the sender."""

    global_rate: float = 30.0  # messages per second, all chats together
    chat_interval: float = 1.0  # seconds between two messages to one chat
    network_attempts: int = 1  # tries per claim on network faults; then the source retries it later
    backoff: float = 1.0  # first in-process network-retry wait in seconds, doubled each time
    max_rate_waits: int = 10  # 429 answers tolerated per item before it is put back ("retry")
    batch: int = 60  # items claimed per round (about two seconds of sending at 30/s)
    workers: int = 1  # sends in flight; also the most duplicates a crash can cause. EERSTESTAP_SEND_WORKERS
    sweep_interval: float = 30.0  # seconds between sweeps for anything missed

    @classmethod
    def from_config(cls, config: Config) -> DeliveryConfig:
        """The sender's part of the settings (EERSTESTAP_GLOBAL_RATE, _CHAT_INTERVAL, _SWEEP_SECONDS, ...)."""
        return cls(
            global_rate=config.global_rate,
            chat_interval=config.chat_interval,
            sweep_interval=config.sweep_interval,
            workers=config.send_workers,
        )


@dataclass(slots=True)
class DrainStats:
    """What one drain did."""

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    requeued: int = 0
    rate_waits: int = 0
    network_retries: int = 0
    uncertain: int = 0  # network faults after which the message may have arrived

    @property
    def total(self) -> int:
        return self.sent + self.blocked + self.failed + self.requeued


@dataclass(slots=True)
class Pacer:
    """Reserves send slots: evenly spaced at `rate` overall, `interval` apart per key."""

    rate: float
    interval: float
    _next_global: float = 0.0
    _next_key: dict[str, float] = field(default_factory=dict)

    def reserve_key(self, key: str, now: float) -> float:
        """The earliest time this key may send; reserves it."""
        at = max(now, self._next_key.get(key, 0.0))
        self._next_key[key] = at + self.interval
        if len(self._next_key) > 50_000:  # forget keys whose slot is in the past
            self._next_key = {k: v for k, v in self._next_key.items() if v > now}
        return at

    def reserve_global(self, now: float) -> float:
        """The earliest time anyone may send; reserves it."""
        at = max(now, self._next_global)
        self._next_global = at + 1.0 / self.rate
        return at

    def pause(self, until: float) -> None:
        """Nobody sends before `until` (after a 429)."""
        self._next_global = max(self._next_global, until)


class Sender:
    """Drains the outgoing sources through a send function that raises python-telegram-bot errors."""

    def __init__(
        self,
        services: Services,
        send: SendFn,
        config: DeliveryConfig | None = None,
        *,
        sleep: SleepFn = asyncio.sleep,
        running: Callable[[], bool] = lambda: True,
        sources: Sequence[OutgoingSource] | None = None,
    ) -> None:
        self.services = services
        self.send = send
        self.config = config or DeliveryConfig()
        self.sleep = sleep
        self.running = running
        self.pacer = Pacer(self.config.global_rate, self.config.chat_interval)
        self._lock = asyncio.Lock()
        self._again = False
        self.totals = DrainStats()
        self.on_drained: Callable[[], object] | None = None
        chosen = list(sources) if sources is not None else list(default_sources())
        self.source_list: Callable[[], list[OutgoingSource]] = lambda: chosen  # tests may narrow this
        self._in_flight: set[tuple[str, str, str, str]] = set()  # claimed here, not yet settled
        self._settled: OrderedDict[tuple[str, str, str, str], None] = OrderedDict()  # recently settled here

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    async def _wait_until(self, at: float) -> None:
        delay = at - self._now()
        if delay > 0:
            await self.sleep(delay)

    async def deliver(self, source: OutgoingSource, item: Outgoing) -> Outcome:
        """Send one claimed item and settle it; return the outcome."""
        result = await self._deliver(item, self.totals)
        outcome: Outcome = "retry" if result == BACKOFF else result
        await self._settle(source, item, outcome, backoff=result == BACKOFF)
        return outcome

    async def _deliver(self, item: Outgoing, stats: DrainStats) -> Outcome | Literal["backoff"]:
        try:
            chat_id = await self.services.users.chat_id(item.user_key)
        except Exception as exc:  # a box that does not unseal (wrong key, tampered)
            log.error("cannot unseal a chat id for %s (%s)", item.kind, type(exc).__name__)
            return "failed"
        if chat_id is None:
            return "failed"
        await self._wait_until(self.pacer.reserve_key(item.user_key, self._now()))
        network_tries = 0
        rate_waits = 0
        while True:
            if not self.running():
                return "retry"
            await self._wait_until(self.pacer.reserve_global(self._now()))
            try:
                await self.send(chat_id, item.reply)
                return "sent"
            except RetryAfter as exc:
                rate_waits += 1
                stats.rate_waits += 1
                self.pacer.pause(self._now() + retry_after_seconds(exc))
                if rate_waits > self.config.max_rate_waits:
                    return "retry"
            except Forbidden:
                return "blocked"
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    return "blocked"
                log.error("%s was refused by Telegram (%s)", item.kind, type(exc).__name__)
                return "failed"
            except NetworkError as exc:  # TimedOut included; BadRequest (a subclass) was handled above
                network_tries += 1
                stats.network_retries += 1
                if not not_taken(exc):
                    stats.uncertain += 1  # may have arrived: sending again may duplicate (bot.send_faults)
                if network_tries >= self.config.network_attempts:
                    log.info("%s not sent (%s); trying again later", item.kind, type(exc).__name__)
                    return BACKOFF
                await self.sleep(self.config.backoff * 2 ** (network_tries - 1))
            except Exception as exc:
                log.error("%s could not be sent (%s)", item.kind, type(exc).__name__)
                return "failed"

    async def _settle(
        self, source: OutgoingSource, item: Outgoing, outcome: Outcome, *, backoff: bool = False
    ) -> None:
        retry_at = None
        if outcome == "retry" and not backoff:  # stopping: due again at once; too many 429s: in a minute
            retry_at = self.services.clock.now() + (timedelta(0) if not self.running() else RETRY_LATER)
        # backoff (network faults): no time given, so the source waits longer after each attempt and
        # gives up only after many minutes (storage.broadcasts.backoff, MAX_ATTEMPTS)
        try:
            await source.settle(self.services, item, outcome, retry_at=retry_at)
        except Exception as exc:
            log.error("could not settle %s from %s (%s)", item.kind, source.name, type(exc).__name__)
        if outcome == "sent":
            self.totals.sent += 1
        elif outcome == "blocked":
            self.totals.blocked += 1
            await self.services.users.erase(item.user_key)
        elif outcome == "failed":
            self.totals.failed += 1
        else:
            self.totals.requeued += 1

    def _remember_settled(self, key: tuple[str, str, str, str]) -> None:
        self._settled[key] = None
        while len(self._settled) > SETTLED_MEMORY:
            self._settled.popitem(last=False)

    async def drain_source(self, source: OutgoingSource, now: datetime | None = None) -> int:
        """Claim and deliver everything due from one source; return how many were handled.

        Claiming runs ahead of sending by at most one batch (a bounded queue), so the workers never
        wait for a whole batch to finish and few items are claimed but unsent at any moment.
        """
        queue: asyncio.Queue[Outgoing | None] = asyncio.Queue(maxsize=self.config.batch)

        async def worker() -> None:
            while (item := await queue.get()) is not None:
                key = _identity(source, item)
                try:
                    if await self.deliver(source, item) != "retry" and key is not None:
                        self._remember_settled(key)
                except Exception as exc:  # settle failed: the source's lease brings the item back
                    log.error("delivering from %s failed (%s)", source.name, type(exc).__name__)
                finally:
                    self._in_flight.discard(key)

        workers = [asyncio.create_task(worker()) for _ in range(max(1, self.config.workers))]
        handled = 0
        try:
            while self.running():
                try:
                    items = await source.claim_due(
                        self.services, now or self.services.clock.now(), limit=self.config.batch
                    )
                except Exception as exc:
                    log.error("could not claim from %s (%s)", source.name, type(exc).__name__)
                    break
                if not items:
                    break
                for item in items:
                    key = _identity(source, item)
                    if key is not None and (key in self._in_flight or key in self._settled):
                        # Our own claim ran out while the item waited (a 429 pause), and the source handed
                        # it out again: it is queued, or was sent while this claim was being made.
                        continue
                    if key is not None:
                        self._in_flight.add(key)
                    await queue.put(item)
                    handled += 1
        finally:
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
        return handled

    async def next_due_at(self) -> datetime | None:
        """The earliest due time over this sender's sources."""
        times = [t for s in self.source_list() if (t := await s.next_due_at(self.services)) is not None]
        return min(times) if times else None

    async def drain(self, now: datetime | None = None) -> int:
        """Deliver everything due from every source; a drain asked for meanwhile runs right after."""
        if self._lock.locked():
            self._again = True
            return 0
        handled = 0
        async with self._lock:
            while True:
                self._again = False
                for source in self.source_list():
                    handled += await self.drain_source(source, now)
                if not self._again or not self.running():
                    break
        if self.on_drained is not None:
            self.on_drained()
        return handled


def _identity(source: OutgoingSource, item: Outgoing) -> tuple[str, str, str, str] | None:
    """What makes a claimed item unique (its source row), or None when the source gives no ref."""
    return (source.name, item.kind, item.ref, item.user_key) if item.ref else None


def retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after in seconds (an int today, a timedelta in a later python-telegram-bot)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Scheduler:
    """JobQueue wiring: a job at the next due time, a periodic sweep, a daily purge, and poke()."""

    NEXT = "outgoing-next"
    SOON = "outgoing-soon"

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], sender: Sender) -> None:
        self.application = application
        self.sender = sender
        self.jobs = application.job_queue
        if self.jobs is None:
            raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
        sender.running = lambda: application.running
        self._next_at: datetime | None = None
        self._soon = False

    def start(self, purge: bool = True) -> None:
        """Register the jobs (call once, before or after the application starts)."""
        assert self.jobs is not None
        self.jobs.run_repeating(
            self._sweep,
            interval=self.sender.config.sweep_interval,
            first=0.2,
            name="outgoing-sweep",
            job_kwargs=LATE_OK,
        )
        if purge:
            self.jobs.run_daily(self._purge, time=PURGE_TIME, name="purge-expired", job_kwargs=LATE_OK)

    def poke(self, delay: float = 0.5) -> None:
        """New rows may be due (e.g. a broadcast was confirmed): drain within `delay` seconds."""
        assert self.jobs is not None
        if not self._soon:
            self._soon = True
            self.jobs.run_once(self._soon_sweep, when=delay, name=self.SOON, job_kwargs=LATE_OK)

    async def _soon_sweep(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._soon = False
        await self._sweep(context)

    async def _sweep(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled = 0
        try:
            handled = await self.sender.drain()
            await self.sender.services.db.retry_checkpoint()  # an erased person must leave the WAL too
        except Exception as exc:
            log.error("sweep failed (%s)", type(exc).__name__)
        # Something 'due' that could not be claimed (leased by another process) must not spin the loop.
        await self.plan_next(min_delay=0.0 if handled else IDLE_RETRY)

    async def plan_next(self, min_delay: float = 0.0) -> None:
        """(Re)schedule the wake-up at the earliest due time of any source."""
        assert self.jobs is not None
        try:
            due = await self.sender.next_due_at()
        except Exception as exc:
            log.error("could not read the next due time (%s)", type(exc).__name__)
            return
        if due is None or (due == self._next_at and self.jobs.get_jobs_by_name(self.NEXT)):
            return
        for job in self.jobs.get_jobs_by_name(self.NEXT):
            job.schedule_removal()
        self._next_at = due
        delay = max(min_delay, (due - self.sender.services.clock.now()).total_seconds())
        if delay < self.sender.config.sweep_interval:
            self.jobs.run_once(self._sweep, when=delay + 0.05, name=self.NEXT, job_kwargs=LATE_OK)

    async def _purge(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.purge_now()

    async def purge_now(self) -> int:
        """Erase users whose retention ran out (the daily job); return how many."""
        services = self.sender.services
        try:
            count = await services.users.purge_expired(services.clock.now())
        except Exception as exc:
            log.error("purge failed (%s)", type(exc).__name__)
            return 0
        log.info("purged %d expired users", count)
        return count
