"""The bot's own feed schedule: an hourly look at which sources are due, daily ones at a quiet hour."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.feed_sync import retime_queued, sync_all
from bot.feeds_config import Feed
from conversations.context import Services
from storage.db import parse_utc
from storage.feeds import FeedState, feed_states
from storage.occurrences import DEFAULT_ZONE, zone

log = logging.getLogger(__name__)
QUIET_HOURS = range(3, 6)  # Amsterdam time: daily syncs run between 03:00 and 06:00
CHECK_EVERY = timedelta(hours=1)
SLACK = timedelta(minutes=10)


def due_feeds(feeds: list[Feed], states: dict[str, FeedState], now: datetime) -> list[Feed]:
    """The sources whose interval has passed; those of a day or more only in the quiet hours."""
    quiet = now.astimezone(zone(DEFAULT_ZONE)).hour in QUIET_HOURS
    due = []
    for feed in feeds:
        state = states.get(feed.name)
        if feed.interval >= timedelta(days=1) and not quiet:
            continue
        if state is None or now - parse_utc(state.checked_at) >= feed.interval - SLACK:
            due.append(feed)
    return due


def start_feed_jobs(
    application: Application[Any, Any, Any, Any, Any, Any],
    services: Services,
    feeds: list[Feed],
    poke: Callable[[], None],
) -> None:
    """Register the hourly check (and finish any re-timing a stopped process left)."""
    jobs = application.job_queue
    if jobs is None or not feeds:
        return

    async def check(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await retime_queued(services)
            states = {s.name: s for s in await feed_states(services.db)}
            due = due_feeds(feeds, states, services.clock.now())
            if due:
                results = await sync_all(services, due)
                log.info("feed sync: %s", ", ".join(f"{r.name} {r.status}" for r in results))
                poke()
        except Exception as exc:
            log.error("feed sync failed (%s)", type(exc).__name__)

    jobs.run_repeating(check, interval=CHECK_EVERY, first=5.0, name="feed-sync")
