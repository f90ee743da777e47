"""Make docs/poster.png and docs/lijst.png: page images of the two printables, from the demo directory.

Needs pdftoppm (Debian's poppler-utils). Run: `python tools/render_printables.py`.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content.i18n import translator  # noqa: E402
from printables.poster import poster_pdf  # noqa: E402
from printables.week_list import load_week, week_list_pdf  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.directory import MeetingStore  # noqa: E402

DOCS = ROOT / "docs"
DEMO = ROOT / "content" / "demo" / "demo_meetings.json"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
BOT = "https://t.me/EersteStapBot"


async def pdfs(tmp: Path) -> dict[str, bytes]:
    async with Database(tmp / "demo.db") as db:
        await MeetingStore(db).load_demo(DEMO, NOW)
        week = await load_week(db, 52.0907, 5.1214, "Utrecht", NOW, radius_km=25)
    t = translator("nl")
    return {
        "poster": poster_pdf(t, f"{BOT}?start=wachtlijst--wachtkamer", "wachtlijst"),
        "lijst": week_list_pdf(t, week, NOW, f"{BOT}?start=buurt"),
    }


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("needs pdftoppm: apt-get install poppler-utils", file=sys.stderr)
        return 2
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in asyncio.run(pdfs(Path(tmp))).items():
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(data)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                            str(DOCS / name)], check=True)  # fmt: skip
            print(DOCS / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
