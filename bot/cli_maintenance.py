"""`eerstestap purge`: erase pseudonyms whose retention has run out."""

from __future__ import annotations

import argparse
import sys

from bot.runtime import open_services


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("purge", parents=[common], help="erase users inactive for longer than the retention")
    p.set_defaults(func=run)


async def run(args: argparse.Namespace) -> int:
    async with open_services(args.config) as services:
        users = services.users
        count = await users.purge_expired(services.clock.now())
    print(f"purged {count}")
    if users.failed:
        print(f"eerstestap purge: {users.failed} could not be erased (see the log)", file=sys.stderr)
        return 1
    return 0
