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


async def followers_of(db: Database, meeting_id: int) -> list[str]:
    """The pseudonyms following a meeting."""
    rows = await db.fetchall(
        "SELECT user_key FROM follows WHERE meeting_id = ? ORDER BY created_at", (meeting_id,)
    )
    return [r[0] for r in rows]


async def followed_by(db: Database, user_key: str) -> list[int]:
    """The meeting ids a pseudonym follows."""
    rows = await db.fetchall(
        "SELECT meeting_id FROM follows WHERE user_key = ? ORDER BY created_at", (user_key,)
    )
    return [r[0] for r in rows]


async def followers_in(db: Database, program: str, place: str | None = None) -> list[str]:
    """Everyone following any meeting of a fellowship, optionally in one region or city."""
    sql = (
        "SELECT DISTINCT f.user_key FROM follows f JOIN meetings m ON m.id = f.meeting_id WHERE m.program = ?"
    )
    params: list[str] = [program]
    if place:
        sql += " AND (m.region = ? COLLATE NOCASE OR m.city = ? COLLATE NOCASE)"
        params += [place, place]
    rows = await db.fetchall(sql + " ORDER BY f.user_key", params)
    return [r[0] for r in rows]
