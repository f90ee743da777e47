"""Small facts the Telegram side keeps: whether a group has been told that the bot is private-only."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, utc_text


async def first_group_notice(db: Database, group_key: str, now: datetime) -> bool:
    """Record that a group (by its keyed digest) was told; True only the first time."""
    changed = await db.execute(
        "INSERT INTO group_notices(group_key, noticed_at) VALUES (?, ?) ON CONFLICT(group_key) DO NOTHING",
        (group_key, utc_text(now)),
    )
    return changed > 0
