"""Referral links for teams: random tags owned by a professional's pseudonym, and anonymous monthly figures.

A figure never points at a person: counts under 5 are shown as "<5", per tag and month, never a list.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, utc_text
from storage.referrals import countable_tag

PHASES = ("intake", "wachtlijst", "nazorg")
MAX_TAGS = 20  # per professional
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)
LETTERS = "abcdefghjkmnpqrstuvwxyz"


def mask(n: int) -> str:
    """Counts under 5 (zero too) are '<5', so a figure never points at one person."""
    return "<5" if n < 5 else str(n)


@dataclass(frozen=True, slots=True)
class TagFigures:
    """One tag's month: opened, trials started, first meeting attended, six reached (masked)."""

    tag: str
    month: str
    opened: int
    trials: int
    first: int
    six: int

    def masked(self) -> dict[str, str]:
        return {"opened": mask(self.opened), "trials": mask(self.trials), "first": mask(self.first),
                "six": mask(self.six)}  # fmt: skip


async def create_tag(db: Database, user_key: str, phase: str, now: datetime) -> str | None:
    """A new random tag for a phase of care, or None when this person already has MAX_TAGS."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}")
    async with db.tx() as tx:
        row = await tx.fetchone("SELECT COUNT(*) FROM referrer_tags WHERE user_key = ?", (user_key,))
        if row and int(row[0]) >= MAX_TAGS:
            return None
        while True:  # a letter first and no run of digits, so it counts as a poster tag (referrals)
            tag = secrets.choice(LETTERS) + "".join(secrets.choice(ALPHABET) for _ in range(7))
            if not countable_tag(tag):
                continue
            done = await tx.execute(
                "INSERT OR IGNORE INTO referrer_tags(tag, user_key, phase, created_at) VALUES (?, ?, ?, ?)",
                (tag, user_key, phase, utc_text(now)),
            )
            if done:
                return tag


async def tags_of(db: Database, user_key: str) -> list[tuple[str, str]]:
    """(tag, phase) of the links a professional made, newest first."""
    rows = await db.fetchall(
        "SELECT tag, phase FROM referrer_tags WHERE user_key = ? ORDER BY created_at DESC, tag", (user_key,)
    )
    return [(r[0], r[1]) for r in rows]


async def tag_figures(db: Database, tags: list[str] | None = None) -> list[TagFigures]:
    """Per tag and month (newest first): opened (from the daily referral counters) and the trial counters."""
    where, params = "", []
    if tags is not None:
        if not tags:
            return []
        where = f" WHERE tag IN ({','.join('?' * len(tags))})"
        params = list(tags)
    opened = await db.fetchall(
        f"SELECT tag, substr(day, 1, 7), SUM(count) FROM referrals{where} GROUP BY tag, substr(day, 1, 7)",
        params,
    )
    trials = await db.fetchall(
        f"SELECT tag, month, started, first_attended, six_reached FROM tag_counters{where}", params
    )
    merged: dict[tuple[str, str], list[int]] = {}
    for tag, month, n in opened:
        merged.setdefault((tag, month), [0, 0, 0, 0])[0] = int(n)
    for tag, month, started, first, six in trials:
        merged.setdefault((tag, month), [0, 0, 0, 0])[1:] = [int(started), int(first), int(six)]
    ordered = sorted(merged.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True)
    return [TagFigures(tag, month, *v) for (tag, month), v in ordered]
