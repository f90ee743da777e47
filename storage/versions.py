"""Versions of the directory as a whole (migration 0025): a process may keep what it read from the
meetings or their date changes in memory, and check one row before it trusts it again."""

from __future__ import annotations

from storage.db import Database

_VERSION = "SELECT version FROM directory_versions WHERE name = ?"


async def directory_version(db: Database, name: str) -> int:
    """The version of 'meetings' or 'meeting_changes': it moves with every change to that table (by
    triggers), by this process or another. A rolled-back change moves it back, so a cache keyed by it
    must be one of the Database's caches (emptied on a rollback)."""
    row = await db.fetchone(_VERSION, (name,))
    return int(row[0]) if row else -1
