"""Anonymous daily referral counters per tag (a poster's deep-link payload), never linked to a person."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from storage.db import Database

TAG_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
POSTER_TAG = re.compile(
    r"^[a-z][a-z0-9_-]{2,63}$"
)  # what `eerstestap link` makes: lower case, a letter first
DIGIT_RUN = re.compile(r"\d{5,}")  # a phone number, a date of birth, a client number
LOCAL = ZoneInfo("Europe/Amsterdam")
KEEP_MONTHS = 13


def valid_tag(tag: str) -> bool:
    """A tag as Telegram allows it in a /start payload: [A-Za-z0-9_-]{1,64}."""
    return bool(TAG_RE.match(tag))


def countable_tag(tag: str) -> bool:
    """A poster's tag, not something a person typed after /start: lower case and starting with a letter
    (so no capitalised names), without a run of five or more digits (no phone numbers)."""
    return bool(POSTER_TAG.match(tag)) and not DIGIT_RUN.search(tag)


def oldest_kept(today: date) -> date:
    """The first day whose counters are still kept: 13 months back."""
    months = today.year * 12 + today.month - 1 - KEEP_MONTHS
    return date(months // 12, months % 12 + 1, 1)


async def count_referral(db: Database, tag: str, now: datetime) -> bool:
    """Add one to today's (Amsterdam date) counter of a poster tag; False (nothing stored) for any other
    payload. Counters older than 13 months are deleted on the way."""
    if not countable_tag(tag):
        return False
    today = now.astimezone(LOCAL).date()
    day = today.isoformat()
    await db.execute("DELETE FROM referrals WHERE day < ?", (oldest_kept(today).isoformat(),))
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
