"""The welcome's messages as an OutgoingSource: offers, 'taken', news for the newcomer, relayed texts.

Durable and exactly-once like broadcasts: rows are claimed with a lease, and a row is deleted once it is
sent (or given up), so a relayed text (sealed in its row, bound to the recipient) leaves nothing behind.
A crash between sending and deleting sends that one message again after the lease, as for broadcasts.

Discretion: the first two lines never name a fellowship, clinic or addiction. They say which date and
'the meeting at 19:30 in Utrecht'; the meeting's name and anything a person typed come from line three on.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from content.i18n import Translator, translator
from conversations.buttons import MENU_ID, button_id
from conversations.context import Services
from conversations.discretion import meeting_street_and_town, reveals
from conversations.outgoing import Outcome
from conversations.reminders import when_words
from conversations.types import Button, Outgoing, Reply
from storage import welcome as store
from storage.meeting import Meeting, get_meeting
from storage.occurrences import slot_on
from storage.support import forget_chat_if_unneeded
from storage.trials import TrialStore

log = logging.getLogger(__name__)
KIND = "welcome"
RETRY_AFTER = timedelta(minutes=1)
# Messages that only make sense while the request is accepted (a stopped contact drops them).
NEEDS_ACCEPTED = frozenset(
    {"found", "remind", "ask", "relay.newcomer", "relay.welcomer", "accepted", "remind.welcomer"}
)
NEWCOMER_KINDS = ("accepted", "found", "relay.welcomer", "ended.newcomer", "reopened", "uncovered", "remind")


def place_words(t: Translator, m: Meeting | None) -> str:
    """'de meeting om 19:30 in Utrecht': which meeting, without its name or fellowship."""
    if m is None:
        return t.t("welcome.place.unknown")
    town = m.city if m.city and not reveals(m.city) else None
    if town:
        return t.t("welcome.place.town", time=m.start_time[:5], town=town)
    return t.t("welcome.place.online", time=m.start_time[:5])


def relay_buttons(t: Translator, rid: int, *, reply: bool = True) -> list[list[Button]]:
    """The buttons on every relayed message: answer, stop contact, report misuse."""
    rows = [[Button(t.t("welcome.btn.reply"), button_id("o", "re", rid))]] if reply else []
    rows.append(
        [
            Button(t.t("welcome.btn.stop_contact"), button_id("o", "end", rid)),
            Button(t.t("welcome.btn.abuse"), button_id("o", "abuse", rid)),
        ]
    )
    rows.append([Button(t.t("nav.menu"), MENU_ID)])
    return rows


# The reminder two hours before, per side: title, the line with the typed text, the line without it.
REMINDERS = {
    "remind": ("welcome.remind.title", "welcome.remind.found", "welcome.remind.no_find"),
    "remind.welcomer": ("welcome.remind.welcomer", "welcome.accept.nick", "welcome.accept.no_nick"),
}


def render(
    t: Translator,
    kind: str,
    rid: int,
    m: Meeting | None,
    on_date: date,
    *,
    text: str | None = None,
    now: datetime | None = None,
) -> Reply | None:
    """The message of one kind (None for a kind this version does not know)."""
    when = t.date(on_date)
    menu = [[Button(t.t("nav.menu"), MENU_ID)]]
    name = t.t("welcome.meeting_name", name=m.name) if m is not None else ""
    if kind == "offer":
        lines = [
            t.t("welcome.offer.head", date=when, place=place_words(t, m)),
            t.t("welcome.offer.ask"),
            name,
        ]
        rows = [
            [
                Button(t.t("welcome.btn.accept"), button_id("o", "acc", rid)),
                Button(t.t("welcome.btn.decline"), button_id("o", "dec", rid)),
            ],
            *menu,
        ]
        return Reply().add("\n".join(x for x in lines if x), rows)
    if kind == "taken":
        return Reply().add(t.t("welcome.taken", date=when), menu)
    if kind == "accepted":
        return Reply().add(t.t("welcome.accepted", date=when), relay_buttons(t, rid))
    if kind == "found":
        body = t.t("welcome.found", date=when) + "\n" + (text or "")
        return Reply().add(body.strip(), relay_buttons(t, rid))
    if kind in ("relay.newcomer", "relay.welcomer"):
        head = t.t("welcome.relay.head", date=when)
        source = t.t(f"welcome.relay.from_{kind.rsplit('.', 1)[1]}")
        return Reply().add(f"{head}\n{source}\n{text or ''}".strip(), relay_buttons(t, rid))
    if kind in ("ended.newcomer", "ended.welcomer", "reopened", "uncovered"):
        return Reply().add(t.t(f"welcome.{kind}", date=when), menu)
    if kind in ("report.newcomer", "report.welcomer"):
        who = t.t(f"welcome.report.by_{kind.rsplit('.', 1)[1]}")
        body = t.t("welcome.report", date=when, meeting=m.id if m else "-", who=who)
        return Reply().add(body, [[Button(t.t("support.btn.menu"), button_id("b", "menu"))], *menu[:1]])
    if kind in REMINDERS and m is not None and now is not None:
        title, found, not_found = REMINDERS[kind]
        start = slot_on(on_date, m.start_time, m.end_time, m.timezone).start
        lines = [t.t(title, when=when_words(t, start, now))]
        if street := meeting_street_and_town(m):
            lines.append(street)
        lines.append(t.t(found, text=text, nick=text) if text else t.t(not_found))
        return Reply().add("\n".join(lines), relay_buttons(t, rid))
    if kind == "ask":
        rows = [
            [
                Button(t.t("welcome.btn.met_yes"), button_id("o", "met", rid, 1)),
                Button(t.t("welcome.btn.met_no"), button_id("o", "met", rid, 0)),
            ],
            *menu,
        ]
        return Reply().add(t.t("welcome.ask", date=when), rows)
    return None


class WelcomeMessages:
    """Hands out the welcome's due messages; closes requests nobody accepted in time."""

    name = "welcome"

    async def next_due_at(self, services: Services) -> datetime | None:
        return await store.next_due_at(services.db)

    async def claim_due(
        self, services: Services, now: datetime, *, user_key: str | None = None, limit: int = 100
    ) -> list[Outgoing]:
        await store.expire_due(services.db, now)
        if user_key is None:  # the global sweep (not a terminal chat's simulated clock) purges
            await store.purge(services.db, now)
        rows = await store.claim(
            services.db, now, services.settings.outbox_lease, user_key=user_key, limit=limit
        )
        meetings: dict[int, Meeting | None] = {}
        out: list[Outgoing] = []
        for q in rows:
            try:
                reply = await self.build(services, q, meetings, now)
            except Exception as exc:  # one bad row never stops the others
                log.error("welcome message could not be built (%s)", type(exc).__name__)
                reply = None
            if reply is None or q.attempts > store.MAX_ATTEMPTS:
                await store.done(services.db, q.id)  # nothing to send (any more): gone
                continue
            out.append(Outgoing(q.user_key, reply, KIND, str(q.id)))
        return out

    async def build(
        self, services: Services, q: store.Queued, meetings: dict[int, Meeting | None], now: datetime
    ) -> Reply | None:
        """The reply for one row, or None when it no longer applies (the request closed meanwhile)."""
        if q.meeting_id not in meetings:
            meetings[q.meeting_id] = await get_meeting(services.db, q.meeting_id)
        m = meetings[q.meeting_id]
        req = await store.get_request(services.db, q.request_id) if q.request_id is not None else None
        rid = q.request_id or 0
        text: str | None = None
        if q.kind == "offer" and (req is None or req.status != "open"):
            return None
        if q.kind in NEEDS_ACCEPTED:
            if req is None or req.status != "accepted":
                return None
        if q.kind == "remind.welcomer" and req is not None:
            text = store.nickname(services.keys, req)
        if q.kind in ("remind", "ask"):
            trial = await TrialStore(services.db).open_trial(q.user_key)
            if trial is not None and trial.meeting_id == q.meeting_id:
                return None  # the trial's own reminder and check-in carry the welcome
        if q.kind in ("found", "remind"):
            text = await store.find_text(services.db, services.keys, rid)
        if q.kind.startswith("relay."):
            text = store.unseal(services.keys, q.body, store.relay_bound(rid, q.user_key))
            if text is None:
                return None
        return render(translator(q.lang), q.kind, rid, m, date.fromisoformat(q.on_date), text=text, now=now)

    async def settle(
        self, services: Services, item: Outgoing, outcome: Outcome, *, retry_at: datetime | None = None
    ) -> None:
        """sent / failed → the row is deleted; retry → pending again; blocked → the sender erases them."""
        row_id = int(item.ref)
        if outcome == "retry":
            await store.retry(services.db, row_id, retry_at or services.clock.now() + RETRY_AFTER)
        else:
            async with services.db.transaction():
                await store.done(services.db, row_id)
                await forget_chat_if_unneeded(services.db, item.user_key)  # e.g. after "not covered"


SOURCE = WelcomeMessages()  # the instance tests drive; conversations.assembly lists its own
