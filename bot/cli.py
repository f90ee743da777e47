"""The `eerstestap` command: chat in the terminal, run on Telegram, manage the directory and more."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from datetime import datetime
from pathlib import Path

from bot.config import Config, ConfigError, load_config
from storage.keys import KeyError_
from storage.occurrences import DEFAULT_ZONE, zone

# Modules that add subcommands; each has register(subparsers, common) -> None.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "bot.cli_chat",
    "bot.cli_maintenance",
    "bot.cli_directory",
    "bot.cli_run",
    "bot.cli_link",
    "bot.cli_admin",
    "bot.cli_print",
    "bot.cli_site",
    "bot.cli_crisis",
)


def parse_local_time(text: str) -> datetime:
    """'2026-03-27T12:00' as Europe/Amsterdam local time (an explicit offset is respected).

    Raises ValueError with one sentence a person can act on.
    """
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--now {text!r} is not a date and time; write it like 2026-03-27T12:00 (Amsterdam time)."
        ) from None
    return dt if dt.tzinfo else dt.replace(tzinfo=zone(DEFAULT_ZONE))


def common_parser() -> argparse.ArgumentParser:
    """Options every subcommand takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: $EERSTESTAP_DB, then the data directory)"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eerstestap", description="Eerste Stap: a first step to self-help groups."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)
    common = common_parser()
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


# Command-line options that stand for a setting (argparse dest -> variable); the option wins.
OPTION_SETTINGS = {
    "db": "EERSTESTAP_DB",
    "webhook_url": "EERSTESTAP_WEBHOOK_URL",
    "listen": "EERSTESTAP_LISTEN",
    "port": "EERSTESTAP_PORT",
    "allow_demo": "EERSTESTAP_ALLOW_DEMO",
    "feeds": "EERSTESTAP_FEEDS",
    "tile_url": "EERSTESTAP_TILE_URL",
    "leaflet_dir": "EERSTESTAP_LEAFLET_DIR",
    "bot": "EERSTESTAP_BOT_USERNAME",
}


def config_for(args: argparse.Namespace) -> Config:
    """The settings, read once: environment, the .env file of `run`, then the options; or ConfigError."""
    given = {dest: getattr(args, dest, None) for dest in OPTION_SETTINGS}
    overrides = {OPTION_SETTINGS[d]: v for d, v in given.items() if v is not None and v is not False}
    options = {OPTION_SETTINGS[d]: "--" + d.replace("_", "-") for d in given}
    return load_config(
        os.environ, env_file=getattr(args, "env_file", None), overrides=overrides, options=options
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.config = config_for(args)
    except ConfigError as exc:
        print(f"eerstestap {args.command}: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        result = args.func(args)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        return int(result or 0)
    except ConfigError as exc:
        print(f"eerstestap {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyError_ as exc:  # the secret key: missing, damaged, readable by others or not this database's
        print(f"eerstestap: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
