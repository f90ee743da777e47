"""The key check: the database remembers a check value of its secret key and refuses any other key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from storage.db import Database, utc_text
from storage.keys import ENV_SECRET, KeyError_, KeyRing, key_file_path, load_keyring


async def stored_check(db: Database) -> str | None:
    """The check value stored with the database, or None (a new database, or one from before the check)."""
    row = await db.fetchone("SELECT value FROM key_check WHERE id = 1")
    return str(row[0]) if row else None


async def has_people(db: Database) -> bool:
    """Whether any table keyed by pseudonym holds a row (then a new key would orphan them)."""
    for table in await db.tables_with_column("user_key"):
        if await db.fetchone(f"SELECT 1 FROM {table} LIMIT 1") is not None:
            return True
    return False


def key_variable(db_path: Path, secret: str | None = None, key_file: Path | None = None) -> str:
    """The setting the key came from, for messages."""
    return ENV_SECRET if secret else key_file_path(db_path, key_file)[1]


async def open_keyring(
    db: Database,
    db_path: Path,
    *,
    create: bool = True,
    secret: str | None = None,
    key_file: Path | None = None,
) -> KeyRing:
    """The database's key: generated only for a database without users or a stored check, else checked."""
    stored = await stored_check(db)
    fresh = stored is None and not await has_people(db)
    keys = load_keyring(db_path, create=create and fresh, secret=secret, key_file=key_file)
    if stored is None:
        await db.execute(
            "INSERT OR IGNORE INTO key_check(id, value, stored_at) VALUES (1, ?, ?)",
            (keys.check_value, utc_text(datetime.now(UTC))),
        )
    elif stored != keys.check_value:
        raise KeyError_(
            f"the secret key does not match the one this database was made with: "
            f"restore the right key ({key_variable(db_path, secret, key_file)})"
        )
    return keys
