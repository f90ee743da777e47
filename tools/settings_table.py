"""Rewrite the README's settings table from `bot.config.Config` (run from the repository root)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import markdown_table  # noqa: E402


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- settings:start -->\n).*?(<!-- settings:end -->)", re.S)
    if not pattern.search(text):
        print("README.md has no <!-- settings:start --> ... <!-- settings:end --> markers", file=sys.stderr)
        return 1
    readme.write_text(
        pattern.sub(lambda m: m.group(1) + markdown_table() + m.group(2), text), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
