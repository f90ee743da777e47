"""Anonymous daily referral counters per tag (a poster's deep-link payload), never linked to a person."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from storage.db import Database

TAG_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LOCAL = ZoneInfo("Europe/Amsterdam")


def valid_tag(tag: str) -> bool:
    """A tag as Telegram allows it in a /start payload: [A-Za-z0-9_-]{1,64}."""
    return bool(TAG_RE.match(tag))


async def count_referral(db: Database, tag: str, now: datetime) -> bool:
    """Add one to today's (Amsterdam date) counter of a tag; False (nothing stored) for an invalid tag."""
    if not valid_tag(tag):
        return False
    day = now.astimezone(LOCAL).date().isoformat()
    await db.execute(
        "INSERT INTO referrals(tag, day, count) VALUES (?, ?, 1) "
        "ON CONFLICT(tag, day) DO UPDATE SET count = count + 1",
        (tag, day),
    )
    return True


async def referral_counts(db: Database) -> list[tuple[str, str, int]]:
    """Every (tag, day, count) row, by day then tag."""
    rows = await db.fetchall("SELECT tag, day, count FROM referrals ORDER BY day, tag")
    return [(r[0], r[1], int(r[2])) for r in rows]
