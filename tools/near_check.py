"""Near-me on the real snapshot: the first listed meeting against the nearest one, per town (issue 12).

    .venv/bin/python -m tools.near_check [SNAPSHOT]

Imports the snapshot into a temporary database, types each town into the chat as a person would, and
prints the nearest meeting's distance, the first line's distance, and what the first line was under the
old order (soonest first over up to 50 km).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from conversations.clock import FixedClock
from conversations.context import Services, Settings
from conversations.engine import Engine
from conversations.places import resolve
from conversations.types import Input, Reply
from storage.db import Database
from storage.directory import MeetingStore
from storage.importers import parse_file
from storage.keys import KeyRing

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(
    os.environ.get("EERSTESTAP_SHARED_DIR")
    or next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), "shared")
)
SNAPSHOT = SHARED / "data" / "nl-meetings-2026-07-18.json"
TOWNS = ("Groningen", "Maastricht", "Utrecht", "Zwolle", "Ede")
NOW = datetime(2026, 7, 20, 10, 0, tzinfo=UTC)  # a Monday, two days after the snapshot
KM_RE = re.compile(r" · (\d+(?:,\d)?) km · ")


@dataclass(frozen=True, slots=True)
class FirstLine:
    """One town: the nearest meeting's distance and the first listed line's distance, in km."""

    town: str
    nearest_km: float
    first_km: float
    first_km_by_time: float


def listing_km(reply: Reply) -> list[float]:
    """The distances of a near-me listing's lines, in order."""
    body = "\n".join(m.text for m in reply.messages)
    return [float(m.group(1).replace(",", ".")) for m in KM_RE.finditer(body)]


@asynccontextmanager
async def real_services(snapshot: Path, folder: Path) -> AsyncIterator[Services]:
    """Services over a fresh database holding the snapshot."""
    parsed, _, source = parse_file(snapshot)
    db = Database(folder / "real.db")
    await db.open()
    try:
        await MeetingStore(db).import_parsed(parsed, source, NOW)
        yield Services(db=db, keys=KeyRing(b"\x7f" * 32), clock=FixedClock(NOW), settings=Settings())
    finally:
        await db.close()


async def first_line(engine: Engine, services: Services, town: str, chat: int) -> FirstLine:
    """Type the town into the chat; compare the first line with the nearest meeting."""
    await engine.handle(chat, Input.of_button("n:start"))
    reply = await engine.handle(chat, Input.of_text(town))
    place = resolve(town).unique
    assert place is not None, town
    nearest = (await MeetingStore(services.db).near(place.lat, place.lon, limit=1))[0].km
    by_time = await engine.handle(chat, Input.of_button("n:sort"))
    return FirstLine(town, round(nearest, 1), listing_km(reply)[0], listing_km(by_time)[0])


async def check(snapshot: Path = SNAPSHOT, towns: tuple[str, ...] = TOWNS) -> list[FirstLine]:
    """The figures for each town."""
    with tempfile.TemporaryDirectory() as folder:
        async with real_services(snapshot, Path(folder)) as services:
            engine = Engine(services)
            return [await first_line(engine, services, town, 7000 + i) for i, town in enumerate(towns)]


def main() -> int:
    snapshot = Path(sys.argv[1]) if len(sys.argv) > 1 else SNAPSHOT
    if not snapshot.exists():
        print(f"no snapshot at {snapshot}", file=sys.stderr)
        return 2
    print(f"{'town':<12} {'nearest km':>10} {'first line km':>13} {'soonest-first km':>16}")
    for r in asyncio.run(check(snapshot)):
        print(f"{r.town:<12} {r.nearest_km:>10.1f} {r.first_km:>13.1f} {r.first_km_by_time:>16.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
