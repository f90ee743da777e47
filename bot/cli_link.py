"""`eerstestap link`: the t.me deep link for a poster (a referral tag and/or a flow) and its QR code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Config
from conversations.deeplinks import DEEP_LINKS, TAG_SEPARATOR, resolve_deep_link
from storage.referrals import countable_tag, valid_tag

ENV_USERNAME = "EERSTESTAP_BOT_USERNAME"
MAX_PAYLOAD = 64


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("link", parents=[common], help="print a t.me deep link for a poster, optionally as QR")
    p.add_argument("--tag", default=None, help="anonymous referral tag, e.g. kliniek_utrecht ([A-Za-z0-9_-])")
    p.add_argument(
        "--flow",
        default=None,
        help="open a flow directly: " + ", ".join([*sorted(DEEP_LINKS), "meeting_<id>"]),
    )
    p.add_argument("--username", default=None, help=f"bot username (default ${ENV_USERNAME}, else getMe)")
    p.add_argument("--qr", type=Path, default=None, help="write a QR code image (.png or .svg) for a poster")
    p.set_defaults(func=run)


def payload_for(tag: str | None, flow: str | None) -> str:
    """The /start payload: a flow's deep-link word, a referral tag, or both as '<flow>--<tag>'."""
    if flow and tag:
        combined = f"{payload_for(None, flow)}{TAG_SEPARATOR}{payload_for(tag, None)}"
        if len(combined) > MAX_PAYLOAD:
            raise ValueError(f"flow and tag together are longer than {MAX_PAYLOAD} characters")
        return combined
    if flow:
        if resolve_deep_link(flow) is None or not valid_tag(flow):
            choices = ", ".join([*sorted(DEEP_LINKS), "meeting_<id>"])
            raise ValueError(f"unknown flow {flow!r}; choose one of {choices}")
        return flow
    if not tag:
        raise ValueError("give --tag TAG (a poster's referral tag) or --flow FLOW")
    if not countable_tag(tag) or TAG_SEPARATOR in tag:
        raise ValueError(
            "a tag is 3 to 64 characters from a-z, 0-9, _ and -, starting with a letter, without five "
            "digits in a row (no '--')"
        )
    if resolve_deep_link(tag) is not None:
        raise ValueError(f"{tag!r} opens a flow; choose another tag")
    return tag


def link_for(username: str, payload: str) -> str:
    """https://t.me/<bot>?start=<payload>."""
    return f"https://t.me/{username.lstrip('@')}?start={payload}"


async def fetch_username(config: Config) -> str | None:
    """Ask Telegram (getMe) when a token is configured."""
    if not config.token:
        return None
    from telegram import Bot

    async with Bot(config.token, base_url=config.base_url) as bot:
        return bot.username


async def bot_username(args: argparse.Namespace) -> str | None:
    """--username, else EERSTESTAP_BOT_USERNAME, else getMe with the token; says what to set when none."""
    username = args.username or args.config.bot_username or await fetch_username(args.config)
    if not username:
        print(
            f"eerstestap {args.command}: give --username, or set {ENV_USERNAME} or TELEGRAM_BOT_TOKEN",
            file=sys.stderr,
        )
    return username


async def start_link(args: argparse.Namespace) -> str | None:
    """The deep link that --tag/--flow ask for, or None after saying what is wrong."""
    try:
        payload = payload_for(args.tag, args.flow)
    except ValueError as exc:
        print(f"eerstestap {args.command}: {exc}", file=sys.stderr)
        return None
    username = await bot_username(args)
    return link_for(username, payload) if username else None


async def run(args: argparse.Namespace) -> int:
    url = await start_link(args)
    if url is None:
        return 2
    print(url)
    if args.qr:
        import segno

        args.qr.parent.mkdir(parents=True, exist_ok=True)
        segno.make(url, error="m").save(str(args.qr), scale=10, border=4)
        print(f"QR code: {args.qr}")
    return 0
