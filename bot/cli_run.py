"""`eerstestap run`: the bot on Telegram (long polling, or a webhook with a secret token)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from bot.config import ConfigError, require_token
from bot.feeds_config import FeedsError, load_feeds
from bot.run_lock import AlreadyRunning, run_lock
from bot.runtime import flow_settings, open_services
from storage.claims import expire_claims
from storage.directory import MeetingStore

log = logging.getLogger(__name__)
DEMO_REFUSAL = (
    "the meeting directory holds no real meetings (only demo data, or nothing): import the real "
    "directory first, or set EERSTESTAP_ALLOW_DEMO=1 (or pass --allow-demo) to run a labelled demo bot"
)
MIXED_REFUSAL = (
    "the meeting directory holds {count} invented demo meetings next to real ones: remove them with "
    "`eerstestap directory drop-demo` (importing the real directory also does), or set "
    "EERSTESTAP_ALLOW_DEMO=1 (or pass --allow-demo) to run a labelled demo bot"
)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("run", parents=[common], help="run the bot on Telegram (needs TELEGRAM_BOT_TOKEN)")
    p.add_argument("--webhook-url", default=None, help="public URL for webhook mode (default: long polling)")
    p.add_argument("--listen", default=None, help="address the webhook server listens on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port of the webhook server (default 8443)")
    p.add_argument("--allow-demo", action="store_true", help="run even if the directory is demo data only")
    p.add_argument("--feeds", type=Path, default=None, help="sync the sources of this feeds file on schedule")
    p.add_argument("--env-file", type=Path, default=Path(".env"), help="read settings from this file (.env)")
    p.set_defaults(func=run)


async def demo_refusal(store: MeetingStore) -> str | None:
    """Why production must not start on this directory: no real meetings, or any invented one."""
    if await store.only_demo():
        return DEMO_REFUSAL
    count = await store.demo_count()
    return MIXED_REFUSAL.format(count=count) if count else None


async def run(args: argparse.Namespace) -> int:
    config = args.config  # read and checked by bot.cli.main, with --env-file and the options above
    try:
        token = require_token(config)
    except ConfigError as exc:
        print(f"eerstestap run: {exc}", file=sys.stderr)
        return 2
    try:
        feeds = load_feeds(config.feeds) if config.feeds is not None else []
    except FeedsError as exc:
        print(f"eerstestap run: {exc}", file=sys.stderr)
        return 2
    from bot.app import serve  # imports python-telegram-bot only when running

    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "job skipped: still running" is routine
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    settings = flow_settings(config, demo_allowed=config.allow_demo)
    try:
        with run_lock(config.db_path):
            async with open_services(config, settings=settings) as services:
                refusal = None if config.allow_demo else await demo_refusal(MeetingStore(services.db))
                if refusal:
                    print(f"eerstestap run: {refusal}", file=sys.stderr)
                    return 3
                released = await expire_claims(services.db, services.clock.now())
                if released:
                    log.info("took over %d messages a stopped process had claimed", released)
                await serve(services, config, stop, feeds=feeds)
    except AlreadyRunning as exc:
        print(f"eerstestap run: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # only Bot API trouble becomes a sentence; anything else is re-raised
        sentence = bot_api_trouble(exc, config.base_url)
        if sentence is None:
            raise
        print(f"eerstestap run: {sentence.replace(token, '<token>')}", file=sys.stderr)
        return 2
    return 0


def bot_api_trouble(exc: BaseException, base_url: str) -> str | None:
    """One sentence for a Bot API that cannot be reached or refuses the token, else None."""
    from telegram.error import InvalidToken, NetworkError

    if isinstance(exc, InvalidToken):
        return "the Bot API refused the token: check TELEGRAM_BOT_TOKEN (from @BotFather)."
    if isinstance(exc, NetworkError):
        return (
            f"cannot reach the Telegram Bot API at {base_url} ({exc.message}); "
            "check the network connection and TELEGRAM_BASE_URL."
        )
    return None
