"""Screenshots of the website for the README: the home page and a town page, phone and desktop width.

Builds the site from the shared snapshot (or the sample directory when it is absent) into a temp folder,
serves it on 127.0.0.1 and photographs it with Debian's headless chromium (Playwright, no download).

    PYTHONPATH=. python tools/site_screenshots.py [--out docs] [--town utrecht]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conversations.clock import FixedClock  # noqa: E402
from conversations.context import Services, Settings  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.keys import KeyRing  # noqa: E402
from tests.browser import browser, serve  # noqa: E402
from tests.site_helpers import REAL, build, load_real, load_sample  # noqa: E402

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


async def build_into(folder: Path) -> Path:
    db = Database(folder / "shots.db")
    await db.open()
    clock = FixedClock(datetime(2026, 7, 20, 10, 0, tzinfo=UTC))
    services = Services(db=db, keys=KeyRing(b"\x01" * 32), clock=clock, settings=Settings())
    try:
        await (load_real if REAL.exists() else load_sample)(services)
        await build(services, folder / "site")
    finally:
        await db.close()
    return folder / "site"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--town", default="utrecht")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = asyncio.run(build_into(Path(tmp)))
        with serve(site) as base, browser() as chromium:
            for name, path in (("home", ""), ("town", f"plaats/{args.town}/")):
                for width, (w, h) in WIDTHS.items():
                    page = chromium.new_page(viewport={"width": w, "height": h})
                    page.goto(base + path)
                    target = args.out / f"site-{name}-{width}.png"
                    page.screenshot(path=str(target))
                    page.close()
                    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
