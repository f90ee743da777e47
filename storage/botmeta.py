"""Small facts the Telegram side needs: is the directory demo-only, has a group been told we are private."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database


async def directory_counts(db: Database) -> tuple[int, int]:
    """(real meetings, demo meetings) in the directory."""
    row = await db.fetchone(
        "SELECT COALESCE(SUM(is_demo = 0), 0), COALESCE(SUM(is_demo != 0), 0) FROM meetings"
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)


async def only_demo(db: Database) -> bool:
    """True when the directory holds no real meeting (empty, or demo data only)."""
    real, _ = await directory_counts(db)
    return real == 0


async def first_group_notice(db: Database, group_key: str, now: datetime) -> bool:
    """Record that a group (by its keyed digest) was told; True only the first time."""
    changed = await db.execute(
        "INSERT INTO group_notices(group_key, noticed_at) VALUES (?, ?) ON CONFLICT(group_key) DO NOTHING",
        (group_key, now.isoformat(timespec="seconds")),
    )
    return changed > 0
