"""`eerstestap site build OUT/`: the public website (static files) from the directory and content/."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.config import Config
from bot.runtime import open_services
from content import LANGUAGES
from storage.directory import MeetingStore
from storage.meeting import Meeting
from storage.occurrences import DateChange
from storage.published import published_changes, published_meetings


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("site", parents=[common], help="the public website")
    ssub = p.add_subparsers(dest="site_command", required=True)
    leaf = argparse.ArgumentParser(add_help=False)
    leaf.add_argument("--db", type=Path, default=argparse.SUPPRESS, help="SQLite file")
    b = ssub.add_parser("build", parents=[leaf], help="write a static website into OUT/")
    b.add_argument("out", type=Path, metavar="OUT/")
    b.add_argument("--lang", default=",".join(LANGUAGES), help="languages, Dutch first (default: nl,en)")
    b.add_argument("--base-url", default=None, help="public address, for canonical links and sitemap.xml")
    b.add_argument("--map", action="store_true", help="add Leaflet maps (vendored from npm; off by default)")
    b.add_argument(
        "--tile-url", default=None, help="map tiles (default $EERSTESTAP_TILE_URL, else OpenStreetMap's)"
    )
    b.add_argument(
        "--leaflet-dir",
        type=Path,
        default=None,
        help="Leaflet's dist/ folder (default $EERSTESTAP_LEAFLET_DIR, else found)",
    )
    b.add_argument(
        "--bot", default=None, help="bot username for t.me links (default $EERSTESTAP_BOT_USERNAME)"
    )
    b.add_argument(
        "--exclude-source", action="append", default=[], help="leave out a source's meetings (repeatable)"
    )
    b.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    b.add_argument("--json", action="store_true", help="print the report as one JSON object")
    b.set_defaults(func=run_build)


def parse_langs(text: str) -> tuple[str, ...]:
    """'nl,en' → ('nl', 'en'); unknown codes are an error."""
    langs = tuple(dict.fromkeys(x.strip().lower() for x in text.split(",") if x.strip()))
    bad = [x for x in langs if x not in LANGUAGES]
    if not langs or bad:
        raise ValueError(f"--lang: choose from {', '.join(LANGUAGES)}")
    return langs


def run_build(args: argparse.Namespace) -> int:
    """Read the directory, then build outside the event loop (worker processes are forked)."""
    from site_builder.build import DEFAULT_TILES, SiteOptions, build_site

    try:
        langs = parse_langs(args.lang)
    except ValueError as exc:
        print(f"eerstestap site: {exc}", file=sys.stderr)
        return 2
    config: Config = args.config
    bot = config.bot_username or ""
    if not bot:
        print(
            "eerstestap site: set --bot USERNAME or $EERSTESTAP_BOT_USERNAME (for the t.me links)",
            file=sys.stderr,
        )
        return 2
    data = asyncio.run(read_directory(config, args.exclude_source))
    options = SiteOptions(
        out=args.out,
        bot=bot,
        now=data.now,
        langs=langs,
        base_url=args.base_url,
        map=args.map,
        tile_url=config.tile_url or DEFAULT_TILES,
        leaflet_dir=config.leaflet_dir,
        only_info=data.only_demo,
        jobs=max(1, args.jobs if args.jobs is not None else default_jobs()),
    )
    try:
        report = build_site(options, data.meetings, data.changes)
    except OSError as exc:
        print(f"eerstestap site: {exc}", file=sys.stderr)
        return 2
    if data.only_demo:
        print("demo directory: only the information pages were published", file=sys.stderr)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print(
            f"{args.out}: {report.pages} pages, {report.meetings} meetings, {report.files} files, "
            f"{report.seconds:.2f} s; largest page {report.largest_page[0]} ({report.largest_page[1]} bytes)"
        )
    return 0


@dataclass(frozen=True, slots=True)
class DirectoryData:
    """What a build reads from the database."""

    now: datetime
    only_demo: bool
    meetings: list[Meeting]
    changes: dict[tuple[int, date], DateChange]


async def read_directory(config: Config, exclude: list[str]) -> DirectoryData:
    """Published meetings and their one-off changes (the demo directory publishes none)."""
    from site_builder.build import change_window

    async with open_services(config) as services:
        now = services.clock.now()
        only_demo = await MeetingStore(services.db).only_demo()
        meetings = await published_meetings(services.db, exclude_sources=exclude)
        first, last = change_window(now)
        changes = await published_changes(services.db, meetings, first, last)
    return DirectoryData(now, only_demo, meetings, changes)


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
