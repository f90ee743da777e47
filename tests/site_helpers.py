"""Helpers for the website tests: directories to build from, and a build into a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

from bot.demo_directory import DEMO_FILE
from conversations.context import Services
from site_builder.build import BuildReport, SiteOptions, build_site, change_window
from storage.directory import MeetingStore
from storage.importers import parse_bytes
from storage.published import published_changes, published_meetings
from tests.conftest import SHARED

BOT = "EersteStapTestBot"
# ../shared beside the checkout (as CI lays it), or where SHARED_DIR points (a developer's worktree).
REAL = Path(os.environ.get("SHARED_DIR") or SHARED) / "data" / "nl-meetings-2026-07-18.json"
SAMPLE_SOURCE = "sample"


async def load_sample(services: Services) -> None:
    """The demo meetings imported as if they were a real feed (source 'sample', not demo)."""
    parsed = parse_bytes(DEMO_FILE.read_bytes(), "meeting-guide", SAMPLE_SOURCE)
    await MeetingStore(services.db).import_parsed(parsed, SAMPLE_SOURCE, services.clock.now())


async def load_real(services: Services) -> None:
    """The shared snapshot of 943 real meetings, through the importer."""
    from storage.importers import parse_file

    parsed, _fmt, source = parse_file(REAL, None, None, None)
    await MeetingStore(services.db).import_parsed(parsed, source, services.clock.now())


async def build(
    services: Services, out: Path, *, exclude: tuple[str, ...] = (), **options: object
) -> BuildReport:
    """Build the site from what the database holds, as the CLI does."""
    now = services.clock.now()
    meetings = await published_meetings(services.db, exclude_sources=exclude)
    first, last = change_window(now)
    changes = await published_changes(services.db, meetings, first, last)
    only_info = await MeetingStore(services.db).only_demo()
    opts = SiteOptions(out=out, bot=BOT, now=now, only_info=only_info, **options)  # type: ignore[arg-type]
    return build_site(opts, meetings, changes)
