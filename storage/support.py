"""Support-worker roles, one-time invites (stored as keyed digests), rate-limited redemption, audit log."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database, Tx, utc_text
from storage.keys import KeyRing
from storage.referrals import referral_counts
from storage.trials import OPEN_SQL
from storage.users import user_cache
from storage.welcome import NEEDS_CHAT_SQL, release_welcomer
from storage.welcome import counters as welcome_counters

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 12
DEFAULT_INVITE_TTL = timedelta(hours=48)
ATTEMPT_WINDOW = timedelta(hours=1)
MAX_ATTEMPTS_PER_USER = 5
MAX_ATTEMPTS_GLOBAL = 50
ROLES = ("support", "welcomer")  # what an invite grants; a welcomer only welcomes newcomers (issue 14)


def normalise_code(text: str) -> str:
    """Upper-case, without spaces and dashes, so 'abcd-efgh' and 'ABCDEFGH' are the same code."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """'ABCDEFGHJKLM' → 'ABCD-EFGH-JKLM' (easier to read aloud or type)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True, slots=True)
class Worker:
    """A support-worker role (a pseudonym's role; the role id is what the audit log shows)."""

    id: int
    role: str
    note: str | None
    created_at: str
    revoked_at: str | None
    user_key: str = ""
    paused: bool = False


def role_label(role: str, role_id: int) -> str:
    """How a role is shown (never a name): B<id> for a support worker, O<id> for a welcomer."""
    return f"{'O' if role == 'welcomer' else 'B'}{role_id}"


def welcomer_labels(ids: list[int]) -> str:
    """'O3, O7' for welcomers' role ids ('' for none)."""
    return ", ".join(role_label("welcomer", i) for i in ids)


@dataclass(frozen=True, slots=True)
class Redeem:
    """The result of trying an invite code: ok (with the role), 'invalid', or 'limited'."""

    status: str
    worker: Worker | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log."""

    at: str
    role_id: int | None
    action: str
    meeting_id: int | None
    summary: str


async def write_audit(
    tx: Tx, now: datetime, role_id: int | None, action: str, meeting_id: int | None = None, summary: str = ""
) -> None:
    """Add one line to the audit log inside the caller's transaction (never recipients)."""
    await tx.insert(
        "INSERT INTO audit_log(at, role_id, action, meeting_id, summary) VALUES (?, ?, ?, ?, ?)",
        (utc_text(now), role_id, action, meeting_id, summary),
    )


async def held_by_feed(db: Database, source: str) -> bool:
    """Whether meetings under a source name came from a feed import, not from a worker's own import
    (whose audit line reads "SOURCE: N"); a worker's import under that name would deactivate them."""
    row = await db.fetchone(
        "SELECT EXISTS(SELECT 1 FROM meetings WHERE source = ?), "
        "EXISTS(SELECT 1 FROM audit_log WHERE action = 'import' AND substr(summary, 1, ?) = ?)",
        (source, len(source) + 2, f"{source}: "),
    )
    return row is not None and bool(row[0]) and not bool(row[1])


_WCOLS = "id, role, note, created_at, revoked_at, user_key, paused"


class SupportStore:
    """Roles, invites and the audit log."""

    def __init__(self, db: Database, keys: KeyRing) -> None:
        self.db = db
        self.keys = keys

    async def create_invite(
        self,
        now: datetime,
        note: str | None = None,
        ttl: timedelta = DEFAULT_INVITE_TTL,
        role: str = "support",
    ) -> tuple[str, datetime]:
        """A new one-time code for a role (returned once, stored only as a digest) and when it expires."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        expires = now + ttl
        await self.db.execute(
            "INSERT INTO invites(code_tag, note, created_at, expires_at, role) VALUES (?, ?, ?, ?, ?)",
            (self.keys.tag("invite", code), note, utc_text(now), utc_text(expires), role),
        )
        return format_code(code), expires

    async def redeem(self, user_key: str, code: str, now: datetime) -> Redeem:
        """Turn a valid, unused, unexpired code into a role for this pseudonym; failures are rate-limited."""
        since = utc_text(now - ATTEMPT_WINDOW)
        tag = self.keys.tag("invite", normalise_code(code))
        guesser = self.keys.tag("invite-guess", user_key)  # survives /stop; kept a day, never the pseudonym
        async with self.db.tx() as tx:
            await tx.execute(
                "DELETE FROM invite_guesses WHERE attempted_at < ?", (utc_text(now - timedelta(days=1)),)
            )
            mine = await tx.fetchone(
                "SELECT COUNT(*) FROM invite_guesses WHERE guess_key = ? AND attempted_at >= ?",
                (guesser, since),
            )
            total = await tx.fetchone("SELECT COUNT(*) FROM invite_guesses WHERE attempted_at >= ?", (since,))
            # Many wrong guesses from elsewhere only stop chats that guessed wrong themselves: a worker's
            # first try with a valid code always works.
            if mine[0] >= MAX_ATTEMPTS_PER_USER or (mine[0] and total[0] >= MAX_ATTEMPTS_GLOBAL):  # type: ignore[index]
                return Redeem("limited")
            invite = await tx.fetchone(
                "SELECT id, note, role FROM invites "
                "WHERE code_tag = ? AND used_at IS NULL AND expires_at > ?",
                (tag, utc_text(now)),
            )
            if invite is None:
                await tx.execute(
                    "INSERT INTO invite_guesses(guess_key, attempted_at) VALUES (?, ?)",
                    (guesser, utc_text(now)),
                )
                return Redeem("invalid")
            role = str(invite[2] or "support")
            existing = await tx.fetchone(
                "SELECT id FROM support_workers WHERE user_key = ? AND role = ? AND revoked_at IS NULL",
                (user_key, role),
            )
            if existing is not None:
                worker_id = int(existing[0])
            else:
                worker_id = await tx.insert(
                    "INSERT INTO support_workers(user_key, role, note, created_at) VALUES (?, ?, ?, ?)",
                    (user_key, role, invite[1], utc_text(now)),
                )
            await tx.execute(
                "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ?",
                (utc_text(now), worker_id, invite[0]),
            )
            await tx.insert(
                "INSERT INTO audit_log(at, role_id, action, summary) VALUES (?, ?, 'role.granted', '')",
                (utc_text(now), worker_id),
            )
        return Redeem("ok", await self.worker(worker_id))

    async def worker(self, worker_id: int) -> Worker | None:
        """A role by id (revoked or not)."""
        row = await self.db.fetchone(
            f"SELECT {_WCOLS} FROM support_workers WHERE id = ?",
            (worker_id,),
        )
        return Worker(*row) if row else None

    async def role_of(self, user_key: str, role: str = "support") -> Worker | None:
        """The active role of a pseudonym, or None: checked before every support-worker action."""
        row = await self.db.fetchone(
            f"SELECT {_WCOLS} FROM support_workers WHERE user_key = ? AND role = ? AND revoked_at IS NULL",
            (user_key, role),
        )
        return Worker(*row) if row else None

    async def list_workers(self) -> list[Worker]:
        """Every role, active and revoked (without the pseudonym)."""
        rows = await self.db.fetchall(
            "SELECT id, role, note, created_at, revoked_at, '', paused FROM support_workers ORDER BY id"
        )
        return [Worker(*r) for r in rows]

    async def list_invites(self, now: datetime) -> list[tuple[int, str | None, str, str]]:
        """Open invites: id, note, created_at, expires_at."""
        rows = await self.db.fetchall(
            "SELECT id, note, created_at, expires_at FROM invites WHERE used_at IS NULL AND expires_at > ? "
            "ORDER BY id",
            (utc_text(now),),
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    async def revoke(self, worker_id: int, now: datetime) -> bool:
        """End a role; False if there was no active role with that id."""
        async with self.db.tx() as tx:
            changed = await tx.execute(
                "UPDATE support_workers SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (utc_text(now), worker_id),
            )
            if changed:
                await tx.insert(
                    "INSERT INTO audit_log(at, role_id, action, summary) VALUES (?, ?, 'role.revoked', '')",
                    (utc_text(now), worker_id),
                )
                await release_welcomer(tx, worker_id, now)  # their open requests go back to the others
        return bool(changed)

    async def audit(
        self,
        now: datetime,
        role_id: int | None,
        action: str,
        meeting_id: int | None = None,
        summary: str = "",
    ) -> None:
        """Add one line to the audit log (never recipients)."""
        async with self.db.tx() as tx:
            await write_audit(tx, now, role_id, action, meeting_id, summary)

    async def audit_log(self, limit: int = 20) -> list[AuditEntry]:
        """The latest lines of the audit log, newest first."""
        rows = await self.db.fetchall(
            "SELECT at, role_id, action, meeting_id, summary FROM audit_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [AuditEntry(*r) for r in rows]


def _short_name(program: str) -> str:
    """A fellowship's short Dutch name ('Al-Anon', 'Buitenveldert'), the code if unknown."""
    from content.loader import fellowships

    profile = fellowships().get(program)
    return profile.text("nl", "short") if profile else program


def small(n: int) -> str:
    """Counts under 5 are shown as '<5', so no figure points at one person."""
    return "<5" if 0 < n < 5 else str(n)


async def figures(
    db: Database, months: int = 12, name: Callable[[str], str] | None = None
) -> dict[str, list[str]]:
    """Anonymous figures per month: trials and welcomes per fellowship (by `name`, not its code), referrals
    per poster tag; small counts masked."""
    name = name or _short_name
    rows = await db.fetchall(
        "SELECT month, program, started, first_attended, six_reached FROM trial_counters "
        "ORDER BY month DESC, program LIMIT ?",
        (months * 12,),
    )
    trials = [f"{r[0]} {name(r[1])}: {small(r[2])} / {small(r[3])} / {small(r[4])}" for r in rows]
    per_month: dict[tuple[str, str], int] = {}
    for tag, day, count in await referral_counts(db):
        per_month[day[:7], tag] = per_month.get((day[:7], tag), 0) + count
    newest = sorted(per_month, key=lambda k: (-int(k[0].replace("-", "")), k[1]))[: months * 50]
    welcomes = [
        f"{m} {name(p)}: {small(req)} / {small(acc)} / {small(met)} / {small(unc)}"
        for m, p, req, acc, met, unc in await welcome_counters(db, months)
    ]
    return {
        "trials": trials,
        "referrals": [f"{m} {tag}: {small(per_month[m, tag])}" for m, tag in newest],
        "welcome": welcomes,
    }


_UNNEEDED = (
    "chat_box IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.user_key = users.user_key) "
    "AND NOT EXISTS (SELECT 1 FROM trials t WHERE t.user_key = users.user_key "
    f"AND t.status IN {OPEN_SQL}) "
    "AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.user_key = users.user_key "
    "AND r.status IN ('pending', 'claimed')) "
    "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.user_key = users.user_key "
    "AND o.status IN ('pending', 'claimed')) "
    "AND NOT EXISTS (SELECT 1 FROM support_workers w WHERE w.user_key = users.user_key "
    "AND w.revoked_at IS NULL) "
    f"AND NOT ({NEEDS_CHAT_SQL})"
)


async def forget_chat_if_unneeded(db: Database, user_key: str) -> bool:
    """Drop a pseudonym's sealed chat id once nothing can be sent to it any more; True if dropped.

    Needed while it follows a meeting, has an open trial or queued reminders, has broadcast rows still
    to send, or holds a support-worker role (for the broadcast summaries).
    """
    dropped = await db.execute(
        f"UPDATE users SET chat_box = NULL WHERE user_key = ? AND {_UNNEEDED}", (user_key,)
    )
    user_cache(db).discard(user_key)
    return dropped > 0


async def forget_unneeded_chats(db: Database, broadcast_id: int) -> int:
    """After a broadcast: drop the chat ids its recipients no longer need (e.g. they unfollowed meanwhile)."""
    dropped = await db.execute(
        "UPDATE users SET chat_box = NULL WHERE user_key IN "
        f"(SELECT user_key FROM outbox WHERE broadcast_id = ?) AND {_UNNEEDED}",
        (broadcast_id,),
    )
    if dropped:
        user_cache(db).clear()
    return dropped
