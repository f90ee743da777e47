"""A welcome at the door: welcomers' meetings, newcomers' requests, the race to accept, the short relay.

Every statement of the feature lives here. Nicknames, the welcomer's "how to find me" and relayed texts
are sealed with a key outside the database (KeyRing.seal_text); a relayed text lives only in its
outbox row, which is deleted when it is sent or given up, and a request row (with its sealed nickname)
is deleted the day after the meeting (`keep_until`). The welcomer is a role id, never a pseudonym.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storage.db import Database, Tx, parse_utc, utc_text
from storage.keys import KeyRing
from storage.occurrences import DEFAULT_ZONE, zone

log = logging.getLogger(__name__)

WELCOMER = "welcomer"
NICK_MAX = 20
FIND_MAX = 200
RELAY_MAX = 300
RELAY_PER_DAY = 10  # relayed messages per side and (Amsterdam) day
REMIND_BEFORE = timedelta(hours=2)  # the welcome's own reminder (when no trial reminder carries it)
ASK_AFTER = timedelta(minutes=15)  # 'Ben je opgevangen?' after the meeting's end
MAX_ATTEMPTS = 8
ACTIVE = ("open", "accepted")
AT_ONCE = "0000"  # due_at of a message due at once (sorts before every timestamp)
AT_ONCE_AS_TIME = "2000-01-01T00:00:00Z"
# SQL (for storage.support): this pseudonym still needs its sealed chat id for the welcome feature.
NEEDS_CHAT_SQL = (
    "EXISTS (SELECT 1 FROM welcome_requests q WHERE q.user_key = users.user_key "
    "AND q.status IN ('open', 'accepted')) "
    "OR EXISTS (SELECT 1 FROM welcome_outbox o WHERE o.user_key = users.user_key)"
)
_RCOLS = (
    "id, user_key, meeting_id, program, on_date, starts_at, ends_at, deadline_at, keep_until, status, "
    "welcomer_id, find_box IS NOT NULL, sent_day, sent_newcomer, sent_welcomer, met_asked, nick_box"
)


@dataclass(frozen=True, slots=True)
class Request:
    """One newcomer's request for one date (the nickname stays sealed in `nick_box`)."""

    id: int
    user_key: str
    meeting_id: int
    program: str
    on_date: str
    starts_at: str
    ends_at: str
    deadline_at: str
    keep_until: str
    status: str
    welcomer_id: int | None
    has_find: bool
    sent_day: str | None
    sent_newcomer: int
    sent_welcomer: int
    met_asked: bool
    nick_box: bytes | None

    @property
    def day(self) -> date:
        return date.fromisoformat(self.on_date)

    @property
    def starts(self) -> datetime:
        return parse_utc(self.starts_at)


@dataclass(frozen=True, slots=True)
class Queued:
    """One claimed message of the feature: to whom, about which request, what kind, sealed body."""

    id: int
    user_key: str
    request_id: int | None
    kind: str
    body: bytes | None
    attempts: int
    lang: str
    meeting_id: int
    on_date: str


def _request(row: object) -> Request:
    r = list(row)  # type: ignore[call-overload]
    r[11] = bool(r[11])
    r[15] = bool(r[15])
    r[16] = bytes(r[16]) if r[16] is not None else None
    return Request(*r)


def nick_bound(request_id: int) -> str:
    return f"nick:{request_id}"


def find_bound(request_id: int) -> str:
    return f"find:{request_id}"


def relay_bound(request_id: int, recipient: str) -> str:
    return f"relay:{request_id}:{recipient}"


# --- the group's switch and the welcomers' meetings ----------------------------------------------


async def set_meeting(db: Database, meeting_id: int, on: bool, now: datetime, role_id: int | None) -> bool:
    """Switch welcoming on or off for a meeting (with an audit line); True if it changed."""
    async with db.tx() as tx:
        if on:
            changed = await tx.execute(
                "INSERT OR IGNORE INTO welcome_meetings(meeting_id, since, by_role) VALUES (?, ?, ?)",
                (meeting_id, utc_text(now), role_id),
            )
        else:
            changed = await tx.execute("DELETE FROM welcome_meetings WHERE meeting_id = ?", (meeting_id,))
        if changed:
            await tx.insert(
                "INSERT INTO audit_log(at, role_id, action, meeting_id, summary) VALUES (?, ?, ?, ?, '')",
                (utc_text(now), role_id, "welcome.on" if on else "welcome.off", meeting_id),
            )
    return bool(changed)


async def is_on(db: Database, meeting_id: int) -> bool:
    """Whether the group of this meeting welcomes newcomers."""
    row = await db.fetchone("SELECT 1 FROM welcome_meetings WHERE meeting_id = ?", (meeting_id,))
    return row is not None


async def meetings_on(db: Database, limit: int = 40) -> list[int]:
    """Meetings with welcoming on (oldest switch first)."""
    rows = await db.fetchall(
        "SELECT meeting_id FROM welcome_meetings ORDER BY since, meeting_id LIMIT ?", (limit,)
    )
    return [int(r[0]) for r in rows]


async def programs_on(db: Database) -> frozenset[str]:
    """The fellowships that have at least one active meeting with welcoming on."""
    rows = await db.fetchall(
        "SELECT DISTINCT m.program FROM welcome_meetings w JOIN meetings m ON m.id = w.meeting_id "
        "WHERE m.attendance != 'inactive'"
    )
    return frozenset(str(r[0]) for r in rows)


async def welcomers_at(db: Database, meeting_id: int) -> list[tuple[int, bool]]:
    """The active welcomers of a meeting: role id and whether they paused."""
    rows = await db.fetchall(
        "SELECT w.id, w.paused FROM welcomer_meetings m JOIN support_workers w ON w.id = m.worker_id "
        "WHERE m.meeting_id = ? AND w.revoked_at IS NULL AND w.role = ? ORDER BY w.id",
        (meeting_id, WELCOMER),
    )
    return [(int(r[0]), bool(r[1])) for r in rows]


async def overview(db: Database) -> list[tuple[int, list[int]]]:
    """Every meeting with welcoming on and the role ids of its active welcomers."""
    out = []
    for mid in await meetings_on(db, limit=1000):
        out.append((mid, [w for w, _ in await welcomers_at(db, mid)]))
    return out


async def chosen(db: Database, worker_id: int) -> list[int]:
    """The meetings a welcomer welcomes at."""
    rows = await db.fetchall(
        "SELECT meeting_id FROM welcomer_meetings WHERE worker_id = ? ORDER BY meeting_id", (worker_id,)
    )
    return [int(r[0]) for r in rows]


async def choose(db: Database, worker_id: int, user_key: str, meeting_id: int, on: bool) -> None:
    """Add or remove a meeting from a welcomer's list."""
    if on:
        await db.execute(
            "INSERT OR IGNORE INTO welcomer_meetings(worker_id, meeting_id, user_key) VALUES (?, ?, ?)",
            (worker_id, meeting_id, user_key),
        )
    else:
        await db.execute(
            "DELETE FROM welcomer_meetings WHERE worker_id = ? AND meeting_id = ?", (worker_id, meeting_id)
        )


async def set_paused(db: Database, worker_id: int, paused: bool) -> None:
    """Pause (no new offers) or resume a welcomer."""
    await db.execute("UPDATE support_workers SET paused = ? WHERE id = ?", (int(paused), worker_id))


async def offer_open(db: Database, worker_id: int, now: datetime) -> int:
    """Offer a welcomer the open requests of their meetings they were not asked about yet; how many."""
    async with db.tx() as tx:
        worker = await tx.fetchone(
            "SELECT user_key FROM support_workers WHERE id = ? AND role = ? AND revoked_at IS NULL "
            "AND paused = 0",
            (worker_id, WELCOMER),
        )
        if worker is None:
            return 0
        rows = await tx.fetchall(
            f"SELECT {_RCOLS} FROM welcome_requests WHERE status = 'open' AND deadline_at > ? "
            "AND user_key != ? "
            "AND meeting_id IN (SELECT meeting_id FROM welcomer_meetings WHERE worker_id = ?) "
            "AND id NOT IN (SELECT request_id FROM welcome_offers WHERE worker_id = ?)",
            (utc_text(now), worker[0], worker_id, worker_id),
        )
        for row in rows:
            req = _request(row)
            await tx.execute(
                "INSERT INTO welcome_offers(request_id, worker_id) VALUES (?, ?)", (req.id, worker_id)
            )
            await queue(tx, str(worker[0]), req, "offer")
    return len(rows)


async def open_offers(db: Database, worker_id: int, now: datetime) -> list[Request]:
    """Open requests this welcomer was offered and can still accept."""
    rows = await db.fetchall(
        f"SELECT {_RCOLS} FROM welcome_requests WHERE status = 'open' AND deadline_at > ? AND id IN "
        "(SELECT request_id FROM welcome_offers WHERE worker_id = ? AND declined = 0) ORDER BY starts_at",
        (utc_text(now), worker_id),
    )
    return [_request(r) for r in rows]


async def welcoming(db: Database, worker_id: int) -> list[Request]:
    """The requests this welcomer accepted that are still on."""
    rows = await db.fetchall(
        f"SELECT {_RCOLS} FROM welcome_requests WHERE status = 'accepted' AND welcomer_id = ? "
        "ORDER BY starts_at",
        (worker_id,),
    )
    return [_request(r) for r in rows]


# --- counters --------------------------------------------------------------------------------------


async def count(tx: Tx, req: Request | tuple[str, str], what: str) -> None:
    """Add one to an anonymous monthly counter (month of the meeting date, per fellowship)."""
    if what not in ("requested", "accepted", "met", "uncovered"):
        raise ValueError(what)
    on_date, program = (req.on_date, req.program) if isinstance(req, Request) else req
    await tx.execute(
        f"INSERT INTO welcome_counters(month, program, {what}) VALUES (?, ?, 1) "
        f"ON CONFLICT(month, program) DO UPDATE SET {what} = {what} + 1",
        (on_date[:7], program),
    )


async def counters(db: Database, months: int = 12) -> list[tuple[str, str, int, int, int, int]]:
    """month, program, requested, accepted, met, not covered in time (newest first; raw counts)."""
    rows = await db.fetchall(
        "SELECT month, program, requested, accepted, met, uncovered FROM welcome_counters "
        "ORDER BY month DESC, program LIMIT ?",
        (months * 12,),
    )
    return [(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]


# --- queueing ----------------------------------------------------------------------------------------


async def queue(
    tx: Tx, user_key: str, req: Request, kind: str, due: datetime | None = None, body: bytes | None = None
) -> None:
    """Queue one message of the feature about a request (due at once without `due`).

    The row names the meeting and date itself, so a notice still reads well after the request is gone.
    """
    await tx.insert(
        "INSERT INTO welcome_outbox(user_key, request_id, meeting_id, on_date, kind, body, due_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (user_key, req.id, req.meeting_id, req.on_date, kind, body, utc_text(due) if due else AT_ONCE),
    )


async def _worker_keys(tx: Tx, worker_ids: list[int]) -> dict[int, str]:
    if not worker_ids:
        return {}
    marks = ",".join("?" * len(worker_ids))
    rows = await tx.fetchall(
        f"SELECT id, user_key FROM support_workers WHERE revoked_at IS NULL AND id IN ({marks})", worker_ids
    )
    return {int(r[0]): str(r[1]) for r in rows}


async def _offer(tx: Tx, req: Request, skip: int | None = None) -> int:
    """Offer a request to the meeting's active, unpaused welcomers that can be reached; return how many."""
    req_id, meeting_id, newcomer = req.id, req.meeting_id, req.user_key
    rows = await tx.fetchall(
        "SELECT w.id, w.user_key FROM welcomer_meetings m JOIN support_workers w ON w.id = m.worker_id "
        "JOIN users u ON u.user_key = w.user_key "
        "WHERE m.meeting_id = ? AND w.role = ? AND w.revoked_at IS NULL AND w.paused = 0 "
        "AND u.chat_box IS NOT NULL AND w.user_key != ? AND w.id != ? ORDER BY w.id",
        (meeting_id, WELCOMER, newcomer, skip if skip is not None else -1),
    )
    asked = 0
    for worker_id, user_key in rows:
        declined = await tx.fetchone(
            "SELECT 1 FROM welcome_offers WHERE request_id = ? AND worker_id = ? AND declined = 1",
            (req_id, worker_id),
        )
        if declined is not None:
            continue  # 'not this time' holds for this request
        await tx.execute(
            "INSERT OR IGNORE INTO welcome_offers(request_id, worker_id) VALUES (?, ?)", (req_id, worker_id)
        )
        await queue(tx, user_key, req, "offer")
        asked += 1
    return asked


# --- requests ----------------------------------------------------------------------------------------


async def active_request(db: Database, user_key: str) -> Request | None:
    """The newcomer's request that is still open or accepted, if any."""
    row = await db.fetchone(
        f"SELECT {_RCOLS} FROM welcome_requests WHERE user_key = ? AND status IN ('open', 'accepted') "
        "ORDER BY id DESC LIMIT 1",
        (user_key,),
    )
    return _request(row) if row else None


async def get_request(db: Database | Tx, request_id: int) -> Request | None:
    """A request by id."""
    row = await db.fetchone(f"SELECT {_RCOLS} FROM welcome_requests WHERE id = ?", (request_id,))
    return _request(row) if row else None


@dataclass(frozen=True, slots=True)
class NewRequest:
    """What a newcomer asks for: one dated occurrence of a meeting."""

    meeting_id: int
    program: str
    on_date: date
    starts: datetime
    ends: datetime
    deadline: datetime
    keep_until: datetime


async def create_request(
    db: Database, keys: KeyRing, user_key: str, new: NewRequest, nickname: str | None, now: datetime
) -> tuple[Request, int]:
    """Store a request (the nickname sealed) and offer it to the welcomers; one active request a person.

    Returns the request and how many welcomers were asked (0: nobody can be asked now).
    """
    async with db.tx() as tx:
        existing = await tx.fetchone(
            f"SELECT {_RCOLS} FROM welcome_requests WHERE user_key = ? AND status IN ('open', 'accepted')",
            (user_key,),
        )
        if existing is not None:
            return _request(existing), 0
        rid = await tx.insert(
            "INSERT INTO welcome_requests(user_key, meeting_id, program, on_date, starts_at, ends_at, "
            "deadline_at, keep_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_key,
                new.meeting_id,
                new.program,
                new.on_date.isoformat(),
                utc_text(new.starts),
                utc_text(new.ends),
                utc_text(new.deadline),
                utc_text(new.keep_until),
                utc_text(now),
            ),
        )
        if nickname:
            await tx.execute(
                "UPDATE welcome_requests SET nick_box = ? WHERE id = ?",
                (keys.seal_text(nickname[:NICK_MAX], nick_bound(rid)), rid),
            )
        got = await get_request(tx, rid)
        assert got is not None
        await count(tx, got, "requested")
        asked = await _offer(tx, got)
    return got, asked


async def accept(db: Database, request_id: int, worker_id: int, now: datetime) -> str:
    """The first welcomer to accept gets it: 'ok', 'taken' (someone else has it) or 'gone' (closed).

    One statement decides the race (`WHERE status = 'open'`); in the same transaction the others'
    unsent offers are dropped, those who saw it hear it is taken, and the newcomer hears at once.
    """
    async with db.tx() as tx:
        won = await tx.execute(
            "UPDATE welcome_requests SET status = 'accepted', welcomer_id = ? "
            "WHERE id = ? AND status = 'open' AND deadline_at > ? "
            "AND EXISTS (SELECT 1 FROM welcome_offers "
            "WHERE request_id = ? AND worker_id = ? AND declined = 0)",
            (worker_id, request_id, utc_text(now), request_id, worker_id),
        )
        req = await get_request(tx, request_id)
        if not won or req is None:
            if req is not None and req.status == "accepted" and req.welcomer_id == worker_id:
                return "ok"  # a second press of the same button
            return "taken" if req is not None and req.status == "accepted" else "gone"
        await count(tx, req, "accepted")
        others = await tx.fetchall(
            "SELECT worker_id FROM welcome_offers WHERE request_id = ? AND worker_id != ? AND declined = 0",
            (request_id, worker_id),
        )
        unsent = await tx.fetchall(
            "SELECT user_key FROM welcome_outbox WHERE request_id = ? AND kind = 'offer'", (request_id,)
        )
        not_seen = {str(r[0]) for r in unsent}
        await tx.execute("DELETE FROM welcome_outbox WHERE request_id = ? AND kind = 'offer'", (request_id,))
        for key in (await _worker_keys(tx, [int(r[0]) for r in others])).values():
            if key not in not_seen:
                await queue(tx, key, req, "taken")
        await queue(tx, req.user_key, req, "accepted")
        welcomer_key = (await _worker_keys(tx, [worker_id])).get(worker_id)
        if welcomer_key:
            await queue(tx, welcomer_key, req, "remind.welcomer", req.starts - REMIND_BEFORE)
        await queue(tx, req.user_key, req, "remind", req.starts - REMIND_BEFORE)
        await queue(tx, req.user_key, req, "ask", parse_utc(req.ends_at) + ASK_AFTER)
    return "ok"


async def decline(db: Database, request_id: int, worker_id: int) -> None:
    """'Not this time': this welcomer is no longer asked about this request."""
    async with db.tx() as tx:
        await tx.execute(
            "UPDATE welcome_offers SET declined = 1 WHERE request_id = ? AND worker_id = ?",
            (request_id, worker_id),
        )
        keys = await _worker_keys(tx, [worker_id])
        if worker_id in keys:  # an offer not sent yet is not sent any more
            await tx.execute(
                "DELETE FROM welcome_outbox WHERE request_id = ? AND kind = 'offer' AND user_key = ?",
                (request_id, keys[worker_id]),
            )


async def set_find(db: Database, keys: KeyRing, request_id: int, worker_id: int, text: str) -> bool:
    """The welcomer's 'how to find me' (sealed); the newcomer hears it at once. False if not theirs."""
    async with db.tx() as tx:
        changed = await tx.execute(
            "UPDATE welcome_requests SET find_box = ? "
            "WHERE id = ? AND welcomer_id = ? AND status = 'accepted'",
            (keys.seal_text(text[:FIND_MAX], find_bound(request_id)), request_id, worker_id),
        )
        req = await get_request(tx, request_id) if changed else None
        if req is not None:
            await tx.execute(
                "DELETE FROM welcome_outbox WHERE request_id = ? AND kind = 'found' AND status = 'pending'",
                (request_id,),
            )
            await queue(tx, req.user_key, req, "found")
    return bool(changed)


def unseal(keys: KeyRing, box: bytes | None, bound: str) -> str | None:
    """A sealed text, or None when there is none or it does not open (a changed key)."""
    if box is None:
        return None
    try:
        return keys.unseal_text(box, bound)
    except Exception as exc:
        log.error("a sealed welcome text does not open (%s)", type(exc).__name__)
        return None


async def find_text(db: Database, keys: KeyRing, request_id: int) -> str | None:
    """The welcomer's 'how to find me', unsealed (in memory only)."""
    row = await db.fetchone("SELECT find_box FROM welcome_requests WHERE id = ?", (request_id,))
    return unseal(keys, bytes(row[0]), find_bound(request_id)) if row and row[0] is not None else None


def nickname(keys: KeyRing, req: Request) -> str | None:
    """The newcomer's nickname, unsealed (in memory only)."""
    return unseal(keys, req.nick_box, nick_bound(req.id))


async def side_of(db: Database | Tx, req: Request, user_key: str) -> str | None:
    """'newcomer', 'welcomer' or None: which side of this request a pseudonym is on."""
    if req.user_key == user_key:
        return "newcomer"
    if req.welcomer_id is None:
        return None
    row = await db.fetchone(
        "SELECT 1 FROM support_workers WHERE id = ? AND user_key = ? AND revoked_at IS NULL",
        (req.welcomer_id, user_key),
    )
    return "welcomer" if row else None


async def relay(db: Database, keys: KeyRing, request_id: int, from_key: str, text: str, now: datetime) -> str:
    """Queue a relayed text (sealed, for the other side only): 'ok', 'limit' or 'closed'."""
    today = now.astimezone(zone(DEFAULT_ZONE)).date().isoformat()  # the day as people in NL count it
    async with db.tx() as tx:
        req = await get_request(tx, request_id)
        side = await side_of(tx, req, from_key) if req is not None else None
        if req is None or side is None or req.status != "accepted" or now >= parse_utc(req.keep_until):
            return "closed"
        sent = (
            (req.sent_newcomer if side == "newcomer" else req.sent_welcomer) if req.sent_day == today else 0
        )
        if sent >= RELAY_PER_DAY:
            return "limit"
        column = "sent_newcomer" if side == "newcomer" else "sent_welcomer"
        other_col = "sent_welcomer" if side == "newcomer" else "sent_newcomer"
        await tx.execute(
            f"UPDATE welcome_requests SET {column} = ?, {other_col} = CASE WHEN sent_day = ? THEN "
            f"{other_col} ELSE 0 END, sent_day = ? WHERE id = ?",
            (sent + 1, today, today, request_id),
        )
        if side == "newcomer":
            assert req.welcomer_id is not None
            other = (await _worker_keys(tx, [req.welcomer_id])).get(req.welcomer_id)
            if other is None:
                return "closed"
        else:
            other = req.user_key
        body = keys.seal_text(text[:RELAY_MAX], relay_bound(request_id, other))
        await queue(tx, other, req, f"relay.{side}", body=body)
    return "ok"


async def _support_keys(tx: Tx) -> list[str]:
    rows = await tx.fetchall(
        "SELECT w.user_key FROM support_workers w JOIN users u ON u.user_key = w.user_key "
        "WHERE w.role = 'support' AND w.revoked_at IS NULL AND u.chat_box IS NOT NULL ORDER BY w.id"
    )
    return [str(r[0]) for r in rows]


async def _close(tx: Tx, req: Request, status: str) -> None:
    """Close a request: nothing more of it is sent (queued relayed texts are dropped with it)."""
    await tx.execute("UPDATE welcome_requests SET status = ?, find_box = NULL WHERE id = ?", (status, req.id))
    await tx.execute("DELETE FROM welcome_outbox WHERE request_id = ?", (req.id,))


async def end(db: Database, request_id: int, by_key: str, now: datetime, *, abuse: bool = False) -> bool:
    """'Stop contact' or 'meld misbruik' from either side: ended at once, the other side told neutrally.

    A report tells the support workers only that it happened (meeting, role id), never any content.
    """
    async with db.tx() as tx:
        req = await get_request(tx, request_id)
        side = await side_of(tx, req, by_key) if req is not None else None
        if req is None or side is None or req.status not in ACTIVE:
            return False
        await _close(tx, req, "ended")
        if side == "newcomer" and req.welcomer_id is not None:
            other = (await _worker_keys(tx, [req.welcomer_id])).get(req.welcomer_id)
            if other:
                await queue(tx, other, req, "ended.welcomer")
        elif side == "welcomer":
            await queue(tx, req.user_key, req, "ended.newcomer")
        if abuse:
            await tx.insert(
                "INSERT INTO audit_log(at, role_id, action, meeting_id, summary) VALUES (?, ?, ?, ?, ?)",
                (utc_text(now), req.welcomer_id, "welcome.report", req.meeting_id, f"by {side}"),
            )
            for key in await _support_keys(tx):
                await queue(tx, key, req, f"report.{side}")
    return True


async def _reopen_or_close(tx: Tx, req: Request, worker_id: int, now: datetime) -> None:
    """A welcomer left: before the deadline the request goes back to the others, else it is closed."""
    await tx.execute(
        "DELETE FROM welcome_outbox WHERE request_id = ? AND kind NOT IN ('offer', 'taken')", (req.id,)
    )
    if parse_utc(req.deadline_at) > now:
        await tx.execute(
            "UPDATE welcome_requests SET status = 'open', welcomer_id = NULL, find_box = NULL, "
            "sent_day = NULL, sent_newcomer = 0, sent_welcomer = 0 WHERE id = ?",
            (req.id,),
        )
        await tx.execute(
            "DELETE FROM welcome_offers WHERE request_id = ? AND worker_id = ?", (req.id, worker_id)
        )
        asked = await _offer(tx, req, skip=worker_id)
        await queue(tx, req.user_key, req, "reopened" if asked else "uncovered")
        if not asked:
            await tx.execute("UPDATE welcome_requests SET status = 'uncovered' WHERE id = ?", (req.id,))
            await count(tx, req, "uncovered")
    else:
        await _close(tx, req, "ended")
        await queue(tx, req.user_key, req, "uncovered")


async def release_welcomer(tx: Tx, worker_id: int, now: datetime) -> int:
    """A welcomer was revoked or erased: their requests go back to the others; return how many."""
    rows = await tx.fetchall(
        f"SELECT {_RCOLS} FROM welcome_requests WHERE welcomer_id = ? AND status = 'accepted'", (worker_id,)
    )
    for row in rows:
        await _reopen_or_close(tx, _request(row), worker_id, now)
    keys = await tx.fetchall("SELECT user_key FROM support_workers WHERE id = ?", (worker_id,))
    for (key,) in keys:
        await tx.execute("DELETE FROM welcome_outbox WHERE user_key = ? AND kind = 'offer'", (key,))
    await tx.execute("DELETE FROM welcome_offers WHERE worker_id = ?", (worker_id,))
    await tx.execute("DELETE FROM welcomer_meetings WHERE worker_id = ?", (worker_id,))
    return len(rows)


async def release_user(tx: Tx, user_key: str, now: datetime) -> None:
    """Before a pseudonym is erased (/stop, a block, the purge): end its side of every welcome.

    As newcomer: their requests close and a welcomer who had accepted is told neutrally. As welcomer:
    what they accepted goes back to the others (or closes, past the deadline), the newcomer is told.
    """
    rows = await tx.fetchall(
        f"SELECT {_RCOLS} FROM welcome_requests WHERE user_key = ? AND status IN ('open', 'accepted')",
        (user_key,),
    )
    for row in rows:
        req = _request(row)
        await _close(tx, req, "ended")
        if req.status == "accepted" and req.welcomer_id is not None:
            other = (await _worker_keys(tx, [req.welcomer_id])).get(req.welcomer_id)
            if other:
                await queue(tx, other, req, "ended.welcomer")
    workers = await tx.fetchall(
        "SELECT id FROM support_workers WHERE user_key = ? AND role = ?", (user_key, WELCOMER)
    )
    for (worker_id,) in workers:
        await release_welcomer(tx, int(worker_id), now)


async def expire_due(db: Database, now: datetime) -> int:
    """Open requests nobody accepted by their deadline: closed, the newcomer told kindly; how many."""
    if (
        await db.fetchone(
            "SELECT 1 FROM welcome_requests WHERE status = 'open' AND deadline_at <= ? LIMIT 1",
            (utc_text(now),),
        )
        is None
    ):
        return 0  # the usual case on every sweep: a read, no write lock
    async with db.tx() as tx:
        rows = await tx.fetchall(
            f"SELECT {_RCOLS} FROM welcome_requests WHERE status = 'open' AND deadline_at <= ?",
            (utc_text(now),),
        )
        for row in rows:
            req = _request(row)
            await _close(tx, req, "uncovered")
            await count(tx, req, "uncovered")
            await queue(tx, req.user_key, req, "uncovered")
    return len(rows)


async def purge(db: Database, now: datetime) -> tuple[int, int]:
    """Delete requests the day after their meeting (sealed nickname included), each on its own.

    One row that fails is logged by error type and skipped, so it never stops the purge. Returns
    (deleted, failed).
    """
    from storage.support import forget_chat_if_unneeded  # (storage.support imports this module)

    rows = await db.fetchall(
        "SELECT id, user_key FROM welcome_requests WHERE keep_until <= ?", (utc_text(now),)
    )
    done = failed = 0
    for rid, user_key in rows:
        try:
            async with db.tx() as tx:
                await tx.execute("DELETE FROM welcome_outbox WHERE request_id = ?", (rid,))
                await tx.execute("DELETE FROM welcome_offers WHERE request_id = ?", (rid,))
                await tx.execute("DELETE FROM welcome_requests WHERE id = ?", (rid,))
                await forget_chat_if_unneeded(db, user_key)  # nothing left to send: the sealed chat id goes
        except Exception as exc:
            failed += 1
            log.error("welcome purge: could not delete one request (%s)", type(exc).__name__)
        else:
            done += 1
    if done:
        await db.checkpoint()
    return done, failed


# --- the met question ----------------------------------------------------------------------------


async def met_question(db: Database, user_key: str, meeting_id: int, now: datetime) -> Request | None:
    """An accepted welcome of this person at this meeting that has begun and was not asked about yet."""
    row = await db.fetchone(
        f"SELECT {_RCOLS} FROM welcome_requests WHERE user_key = ? AND meeting_id = ? "
        "AND status = 'accepted' AND met_asked = 0 AND starts_at <= ? ORDER BY starts_at DESC LIMIT 1",
        (user_key, meeting_id, utc_text(now)),
    )
    return _request(row) if row else None


async def answer_met(db: Database, request_id: int, user_key: str, met: bool) -> bool:
    """'Ben je opgevangen?' answered once (counted anonymously); False if already answered or not theirs."""
    async with db.tx() as tx:
        changed = await tx.execute(
            "UPDATE welcome_requests SET met_asked = 1 WHERE id = ? AND user_key = ? AND met_asked = 0 "
            "AND status = 'accepted'",
            (request_id, user_key),
        )
        req = await get_request(tx, request_id) if changed else None
        if req is not None:
            await tx.execute(
                "DELETE FROM welcome_outbox WHERE request_id = ? AND kind = 'ask'", (request_id,)
            )
            if met:
                await count(tx, req, "met")
    return bool(changed)


async def accepted_on(db: Database, user_key: str, meeting_id: int, on_date: date) -> Request | None:
    """This person's accepted welcome for one date of a meeting (for the trial reminder)."""
    row = await db.fetchone(
        f"SELECT {_RCOLS} FROM welcome_requests WHERE user_key = ? AND meeting_id = ? AND on_date = ? "
        "AND status = 'accepted'",
        (user_key, meeting_id, on_date.isoformat()),
    )
    return _request(row) if row else None


# --- the outbox of the feature ---------------------------------------------------------------------


async def claim(
    db: Database, now: datetime, lease: timedelta, *, user_key: str | None = None, limit: int = 100
) -> list[Queued]:
    """Atomically claim due messages (pending and due, or claimed with a lapsed lease)."""
    only = " AND user_key = ?" if user_key else ""
    extra = [user_key] if user_key else []
    at = utc_text(now)
    due = (
        "SELECT id FROM welcome_outbox WHERE ((status = 'pending' AND due_at <= ?) "
        f"OR (status = 'claimed' AND lease_until <= ?)){only}"
    )
    if await db.fetchone(f"{due} LIMIT 1", (at, at, *extra)) is None:
        return []  # nothing due: no write lock taken on the sweep's hot path
    async with db.tx() as tx:
        rows = await tx.fetchall(
            "UPDATE welcome_outbox SET status = 'claimed', attempts = attempts + 1, lease_until = ? "
            "WHERE id IN (SELECT id FROM welcome_outbox WHERE ((status = 'pending' AND due_at <= ?) "
            f"OR (status = 'claimed' AND lease_until <= ?)){only} ORDER BY id LIMIT ?) "
            "RETURNING id, user_key, request_id, kind, body, attempts, meeting_id, on_date",
            (utc_text(now + lease), at, at, *extra, limit),
        )
        langs: dict[str, str] = {}
        for key in {str(r[1]) for r in rows}:
            got = await tx.fetchone("SELECT lang FROM users WHERE user_key = ?", (key,))
            langs[key] = str(got[0]) if got else "nl"
    out = [
        Queued(int(r[0]), str(r[1]), r[2], str(r[3]), bytes(r[4]) if r[4] is not None else None, int(r[5]),
               langs.get(str(r[1]), "nl"), int(r[6]), str(r[7]))
        for r in rows
    ]  # fmt: skip
    return sorted(out, key=lambda q: q.id)


async def done(db: Database, queued_id: int) -> None:
    """Sent, or given up: the row (and any sealed text in it) is deleted."""
    await db.execute("DELETE FROM welcome_outbox WHERE id = ?", (queued_id,))


async def retry(db: Database, queued_id: int, at: datetime) -> None:
    """Not sent yet: pending again at `at`."""
    await db.execute(
        "UPDATE welcome_outbox SET status = 'pending', lease_until = NULL, due_at = ? WHERE id = ?",
        (utc_text(at), queued_id),
    )


async def next_due_at(db: Database) -> datetime | None:
    """When the next message of the feature (or the next deadline) is due."""
    row = await db.fetchone(
        "SELECT min(t) FROM (SELECT min(due_at) AS t FROM welcome_outbox WHERE status = 'pending' "
        "UNION ALL SELECT min(lease_until) FROM welcome_outbox WHERE status = 'claimed' "
        "UNION ALL SELECT min(deadline_at) FROM welcome_requests WHERE status = 'open')"
    )
    if not row or not row[0]:
        return None
    return parse_utc(AT_ONCE_AS_TIME if row[0] == AT_ONCE else row[0])
