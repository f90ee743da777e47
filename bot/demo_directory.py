"""Startup hook: an empty directory gets the fictional demo meetings, so a fresh `eerstestap chat` works."""

from __future__ import annotations

import logging

from content import CONTENT_DIR
from conversations.context import Services
from storage.directory import MeetingStore

log = logging.getLogger(__name__)
DEMO_FILE = CONTENT_DIR / "demo" / "demo_meetings.json"


async def load_demo_directory(services: Services) -> None:
    """Load the demo meetings (is_demo = 1) when the meetings table is empty."""
    report = await MeetingStore(services.db).load_demo(DEMO_FILE, services.clock.now())
    if report is not None:
        log.info("loaded %d demo meetings", report.added)
