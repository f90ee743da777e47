"""`eerstestap purge`: erase pseudonyms whose retention has run out."""

from __future__ import annotations

import argparse

from bot.runtime import open_services


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("purge", parents=[common], help="erase users inactive for longer than the retention")
    p.set_defaults(func=run)


async def run(args: argparse.Namespace) -> int:
    async with open_services(args.config) as services:
        count = await services.users.purge_expired(services.clock.now())
    print(f"purged {count}")
    return 0
