"""Claims on unprompted messages (reminders, broadcasts, questions, welcomes) after the sender stopped."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, utc_text


async def expire_claims(db: Database, now: datetime) -> int:
    """End every claim's lease now, so the rows are claimed again at once; how many there were.

    Only for a process that knows no other sender is alive (`eerstestap run` holding the run lock): the
    claims it finds were made by a process that stopped (a crash, SIGKILL) and would otherwise wait out
    their lease.
    """
    released = 0
    async with db.transaction():
        for table in await db.tables_with_column("lease_until"):
            released += await db.execute(
                f"UPDATE {table} SET lease_until = ? WHERE status = 'claimed' AND lease_until > ?",
                (utc_text(now), utc_text(now)),
            )
    return released
