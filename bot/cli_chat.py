"""`eerstestap chat`: the terminal chat."""

from __future__ import annotations

import argparse
import sys

from bot.runtime import open_services
from bot.terminal import TerminalChat, private_files_dir, run_terminal
from content import LANGUAGES
from conversations.clock import OffsetClock


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("chat", parents=[common], help="chat with the bot in this terminal")
    p.add_argument("--lang", choices=LANGUAGES, default=None, help="language (default nl)")
    p.add_argument("--chat-id", type=int, default=1, help="a stand-in chat id (default 1)")
    p.add_argument(
        "--now", default=None, help="start the simulated clock at this local time, e.g. 2026-03-27T12:00"
    )
    p.set_defaults(func=run)


async def run(args: argparse.Namespace) -> int:
    from bot.cli import parse_local_time

    try:
        start = parse_local_time(args.now) if args.now else None
    except ValueError as exc:
        print(f"eerstestap chat: {exc}", file=sys.stderr)
        return 2
    clock = OffsetClock(start)
    async with open_services(args.config, clock) as services:
        chat = TerminalChat(services, clock, args.chat_id, sys.stdout, private_files_dir(args.config))
        if args.lang:
            await chat.engine.set_language(args.chat_id, args.lang)
        if sys.stdin.isatty():
            print("Eerste Stap — Ctrl-D stopt / quits.", file=sys.stderr)
        await run_terminal(chat, sys.stdin)
    return 0
