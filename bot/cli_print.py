"""`eerstestap poster` and `eerstestap list`: A4 PDFs for a waiting room, read back in the tests."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli_directory import resolve_point
from bot.cli_link import ENV_USERNAME, bot_username, link_for, start_link
from bot.runtime import open_services
from content import LANGUAGES
from content.i18n import translator
from storage.meeting import PROGRAMS

NEAR_ME_PAYLOAD = "buurt"


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("poster", parents=[common], help="an A4 poster (PDF) with a QR code into the bot")
    p.add_argument("--tag", required=True, help="anonymous referral tag, e.g. wachtkamer_utrecht")
    p.add_argument("--flow", default=None, help="open a flow directly, e.g. wachtlijst, naasten, welke")
    p.add_argument("--lang", choices=LANGUAGES, default="nl")
    p.add_argument("--username", default=None, help=f"bot username (default ${ENV_USERNAME}, else getMe)")
    p.add_argument("-o", "--output", type=Path, required=True, help="the PDF to write")
    p.set_defaults(func=run_poster)

    p = sub.add_parser("list", parents=[common], help="an A4 week list (PDF) of meetings near a place")
    p.add_argument("--place", required=True, help="a town, a postcode or LAT,LON")
    p.add_argument("--radius", type=float, default=25.0, help="km around the place (default 25)")
    p.add_argument("--program", default=None, type=str.upper, choices=PROGRAMS, help="one fellowship only")
    p.add_argument("--lang", choices=LANGUAGES, default="nl")
    p.add_argument("--username", default=None, help=f"bot username (default ${ENV_USERNAME}, else getMe)")
    p.add_argument("-o", "--output", type=Path, required=True, help="the PDF to write")
    p.set_defaults(func=run_list)


async def _write(path: Path, data: bytes) -> None:
    def write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    await asyncio.to_thread(write)


async def run_poster(args: argparse.Namespace) -> int:
    from printables.poster import poster_pdf  # the PDF library (~20 MB of RSS) only for this subcommand

    url = await start_link(args)
    if url is None:
        return 2
    await _write(args.output, poster_pdf(translator(args.lang), url, args.flow))
    print(f"{args.output} ({url})")
    return 0


async def run_list(args: argparse.Namespace) -> int:
    from printables.week_list import load_week, week_list_pdf  # the PDF library only for this subcommand

    if not 0 < args.radius <= 100:
        print("eerstestap list: --radius is a number of km from 1 to 100", file=sys.stderr)
        return 2
    point = resolve_point(args.place)
    if isinstance(point, str):
        print(f"eerstestap list: {point}", file=sys.stderr)
        return 2
    username = await bot_username(args)
    if not username:
        return 2
    t = translator(args.lang)
    async with open_services(args.config) as services:
        now = services.clock.now()
        week = await load_week(
            services.db, point[0], point[1], point[2], now, radius_km=args.radius, program=args.program
        )
    await _write(args.output, week_list_pdf(t, week, now, link_for(username, NEAR_ME_PAYLOAD)))
    print(f"{args.output}: {week.count} meetings in 7 days within {args.radius:g} km of {point[2]}")
    return 0
