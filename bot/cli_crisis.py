"""`eerstestap crisis check [--json] [FILE]`: the crisis detector's verdict per message, for clinicians.

Reads one message per line (stdin when no FILE) and prints one line per message: the level (urgent, concern,
none), the kind of emergency, the message and why (the rule or the model features that fired). With --json,
one object per line: {"text", "level", "category", "why"}. Others script against this shape: keep it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from conversations.crisis import explain


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("crisis", help="review the crisis detector")
    crisis_sub = p.add_subparsers(dest="crisis_command", required=True)
    check = crisis_sub.add_parser("check", help="level and kind of each message (one per line)")
    check.add_argument("--json", action="store_true", help="one JSON object per line")
    check.add_argument("file", nargs="?", type=Path, help="messages, one per line (default: stdin)")
    check.set_defaults(func=run_check)


def check_lines(lines: TextIO, out: TextIO, as_json: bool) -> None:
    """Write a verdict for every line read."""
    for line in lines:
        text = line.rstrip("\r\n")
        v = explain(text)
        if as_json:
            record = {"text": text, "level": v.level, "category": v.category, "why": v.why}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            why = f"\t({v.why})" if v.why else ""
            out.write(f"{v.level}\t{v.category or '-'}\t{text}{why}\n")
        out.flush()


def run_check(args: argparse.Namespace) -> int:
    if args.file is None:
        check_lines(sys.stdin, sys.stdout, args.json)
        return 0
    try:
        with args.file.open(encoding="utf-8", errors="replace") as fh:
            check_lines(fh, sys.stdout, args.json)
    except OSError as exc:
        print(f"eerstestap crisis check: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0
