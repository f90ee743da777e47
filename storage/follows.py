"""Which meetings a pseudonym follows, to hear about their schedule changes."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, utc_text


async def follow(db: Database, user_key: str, meeting_id: int, now: datetime) -> bool:
    """Follow a meeting; False if already followed."""
    changed = await db.execute(
        "INSERT OR IGNORE INTO follows(user_key, meeting_id, created_at) VALUES (?, ?, ?)",
        (user_key, meeting_id, utc_text(now)),
    )
    return changed > 0


async def unfollow(db: Database, user_key: str, meeting_id: int) -> bool:
    """Stop following a meeting; False if it was not followed."""
    changed = await db.execute(
        "DELETE FROM follows WHERE user_key = ? AND meeting_id = ?", (user_key, meeting_id)
    )
    return changed > 0


async def is_following(db: Database, user_key: str, meeting_id: int) -> bool:
    """Whether a pseudonym follows a meeting."""
    row = await db.fetchone(
        "SELECT 1 FROM follows WHERE user_key = ? AND meeting_id = ?", (user_key, meeting_id)
    )
    return row is not None
