"""`eerstestap purge`: erase pseudonyms whose retention has run out."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from bot.runtime import open_services
from conversations.clock import FixedClock


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("purge", parents=[common], help="erase users inactive for longer than the retention")
    p.add_argument(
        "--now", type=_now_arg, default=None, help="act as if it were this Amsterdam time (scripts and tests)"
    )
    p.set_defaults(func=run)


def _now_arg(text: str) -> datetime:
    from bot.cli import parse_local_time

    try:
        return parse_local_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--now ")) from None


async def run(args: argparse.Namespace) -> int:
    clock = FixedClock(args.now) if args.now else None
    async with open_services(args.config, clock) as services:
        users = services.users
        count = await users.purge_expired(services.clock.now())
    print(f"purged {count}")
    if users.failed:
        print(f"eerstestap purge: {users.failed} could not be erased (see the log)", file=sys.stderr)
        return 1
    return 0
