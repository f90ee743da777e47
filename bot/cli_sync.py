"""`eerstestap directory sync [SOURCE…] [--json] [--accept]`: fetch the feeds of feeds.toml and apply them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.feeds_config import FeedsError, load_feeds
from bot.runtime import open_services

ENV_FEEDS = "EERSTESTAP_FEEDS"


def register_sync(
    dsub: argparse._SubParsersAction[argparse.ArgumentParser], leaf: argparse.ArgumentParser
) -> None:
    p = dsub.add_parser("sync", parents=[leaf], help="fetch the feeds of feeds.toml and apply what changed")
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="only these sources (default: all)")
    p.add_argument("--feeds", type=Path, default=None, help=f"the feeds file (default ${ENV_FEEDS})")
    p.add_argument("--accept", action="store_true", help="apply a version the safety valve held")
    p.add_argument("--json", action="store_true", help='print {"sources": [...]} as one JSON object')
    p.set_defaults(func=run_sync)


async def run_sync(args: argparse.Namespace) -> int:
    from bot.feed_sync import SyncLimits, sync_all  # httpx only for this subcommand and `run`

    path = args.config.feeds  # --feeds, else EERSTESTAP_FEEDS
    if path is None:
        print(f"eerstestap directory sync: give --feeds FILE or set {ENV_FEEDS}", file=sys.stderr)
        return 2
    try:
        feeds = load_feeds(path)
    except FeedsError as exc:
        print(f"eerstestap directory sync: {exc}", file=sys.stderr)
        return 2
    names = {f.name for f in feeds}
    unknown = [s for s in args.sources if s not in names]
    if unknown:
        print(f"eerstestap directory sync: no source {unknown[0]!r} in {path}", file=sys.stderr)
        return 2
    chosen = [f for f in feeds if not args.sources or f.name in args.sources]
    async with open_services(args.config) as services:
        results = await sync_all(services, chosen, accept=args.accept, limits=SyncLimits())
    if args.json:
        print(json.dumps({"sources": [r.as_json() for r in results]}, ensure_ascii=False))
    else:
        for r in results:
            line = f"{r.name}: {r.status}"
            if r.report is not None:
                rep = r.report
                line += f" (added {rep.added}, updated {rep.updated}, deactivated {rep.deactivated}, "
                line += (
                    f"rejected {max(rep.rejected_total, len(rep.rejected))}, messages queued {rep.notified})"
                )
            if r.detail:
                line += f" — {r.detail}"
            print(line)
    return 1 if any(r.status == "failed" for r in results) else 0
