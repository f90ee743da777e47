"""Trial reminders and check-ins as an OutgoingSource: claim due rows, re-check them, build discreet replies.

Every claimed row is checked against the meeting's schedule as it is now: a cancelled date is skipped
(the count waits), a moved date is re-timed, a reminder whose meeting has started is skipped (its check-in
follows). Schedule changes written since the last sweep re-time rows that were queued before them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from content.i18n import Translator, translator
from conversations.buttons import button_id, nav_row
from conversations.context import Services
from conversations.discretion import free_place_street, meeting_street_and_town
from conversations.outgoing import Outcome
from conversations.trial_schedule import (
    STALE_CHECKIN,
    checkin_due,
    occurrence,
    reminder_due,
    top_up,
)
from conversations.types import Button, Message, Outgoing, Reply
from storage import welcome as wstore
from storage.changes import date_changes
from storage.meeting import Meeting, get_meetings
from storage.occurrences import Occurrence
from storage.trials import TrialStore

LEASE = timedelta(minutes=5)
GRACE = timedelta(minutes=1)
RETRY_AFTER = timedelta(minutes=1)
MAX_ATTEMPTS = 5
KIND_REMINDER = "trial.reminder"
KIND_CHECKIN = "trial.checkin"


def when_words(t: Translator, start: datetime, now: datetime) -> str:
    """'Vanavond 19:30', 'Morgen 10:00', 'Vannacht 00:30' or 'dinsdag 19:30': never the group's name."""
    local_now = now.astimezone(start.tzinfo)
    at = t.time(start)
    days = (start.date() - local_now.date()).days
    if days == 0:
        part = "night" if start.hour < 6 else "morning" if start.hour < 12 else "afternoon"
        part = "evening" if start.hour >= 18 else part
        return t.t(f"trial.when.today_{part}", time=at)
    if days == 1:
        return t.t("trial.when.tonight_late" if start.hour < 6 else "trial.when.tomorrow", time=at)
    return t.day_time(start).capitalize()


def place_lines(t: Translator, meeting: Meeting, occ: Occurrence) -> tuple[str | None, list[str]]:
    """Where: a discreet head (street and town, or 'online') and the details for later lines.

    The head never carries the venue's name or a link (either may name a fellowship or a clinic); the
    details (venue, link, phone) follow after the reminder's first two lines.
    """
    change = occ.change if occ.status == "moved" else None
    url = (change.new_url if change else None) or meeting.conference_url
    head: str | None = None
    details: list[str] = []
    moved_place = change is not None and bool(change.new_location or change.new_address)
    if moved_place and change is not None:
        head = free_place_street(change.new_address or change.new_location, meeting.city) or None
        if change.new_address and change.new_location:
            details.append(t.t("trial.place.venue", name=change.new_location))
    elif meeting.in_person:
        head = meeting_street_and_town(meeting) or None
        if meeting.location:
            details.append(t.t("trial.place.venue", name=meeting.location))
    if meeting.online or (change and change.new_url):
        if url:
            details.append(t.t("trial.place.online", url=url))
        elif meeting.conference_phone:
            details.append(t.t("trial.place.phone", phone=meeting.conference_phone))
        if head is None and (url or meeting.conference_phone):
            head = t.t("trial.place.online_head")
    return head, details


def reminder_reply(
    t: Translator,
    row_id: int,
    meeting: Meeting,
    occ: Occurrence,
    now: datetime,
    welcome: tuple[int, str | None] | None = None,
) -> Reply:
    """The discreet reminder: 'Vanavond 19:30 — je meeting', street and town, then details and buttons.

    With an accepted welcome for that date (request id, the welcomer's 'how to find me'), it says so
    after the first two lines.
    """
    head, details = place_lines(t, meeting, occ)
    lines = [t.t("trial.reminder.title", when=when_words(t, occ.begins, now))]
    if head:
        lines.append(head)
    if occ.status == "moved":
        lines.append(t.t("trial.reminder.moved"))
    lines.extend(details)
    if welcome is not None:
        find = welcome[1]
        lines.append(t.t("welcome.remind.found", text=find) if find else t.t("welcome.remind.no_find"))
    if meeting.is_demo:
        lines.append(t.t("trial.demo"))
    buttons = [
        *([[Button(t.t("welcome.btn.write"), button_id("o", "re", welcome[0]))]] if welcome else []),
        [Button(t.t("trial.btn.going"), button_id("t", "go", row_id)),
         Button(t.t("trial.btn.not_now"), button_id("t", "skip", row_id))],
        [Button(t.t("trial.btn.pause"), button_id("t", "pause")),
         Button(t.t("trial.btn.stop"), button_id("t", "stop"))],
        nav_row(t),
    ]  # fmt: skip
    return Reply([Message("\n".join(lines), buttons)])


def checkin_reply(t: Translator, row_id: int, meeting: Meeting, occ: Occurrence) -> Reply:
    """'Ben je gegaan?' with yes / no / went but it did not fit."""
    when = t.t("trial.dates.when", date=t.date(occ.begins), time=t.time(occ.begins))
    lines = [t.t("trial.checkin.title"), t.t("trial.checkin.which", when=when)]
    if meeting.is_demo:
        lines.append(t.t("trial.demo"))
    buttons = [
        [Button(t.t("trial.btn.yes"), button_id("t", "yes", row_id)),
         Button(t.t("trial.btn.no"), button_id("t", "no", row_id))],
        [Button(t.t("trial.btn.nofit"), button_id("t", "nofit", row_id))],
        nav_row(t),
    ]  # fmt: skip
    return Reply([Message("\n".join(lines), buttons)])


async def sync_changes(services: Services, now: datetime) -> int:
    """Re-time queued rows of meetings changed since the last sweep (and refill their trials' windows)."""
    store = TrialStore(services.db)
    meeting_ids, newest = await store.changed_meetings()
    if not meeting_ids:
        return 0
    moved = 0
    for meeting_id in meeting_ids:
        moved += await retime_meeting(services, meeting_id, now)
    await store.mark_synced(newest)
    return moved


async def retime_meeting(services: Services, meeting_id: int, now: datetime) -> int:
    """Re-time one meeting's queued rows to its schedule as it is now; return how many changed.

    Support code may call this right after writing a change; the sweep does it anyway. A row on a date
    that is no longer the meeting's weekday (a permanent change of day) is dropped and the window refilled.
    """
    store = TrialStore(services.db)
    rows = await store.pending_for_meetings([meeting_id])
    meetings = await get_meetings(services.db, [meeting_id])
    meeting = meetings.get(meeting_id)
    changed = 0
    if rows and meeting is not None:
        trials = await store.trials(r.trial_id for r in rows)
        first, last = min(r.on_date for r in rows), max(r.on_date for r in rows)
        changes = await date_changes(services.db, [meeting_id], first, last)
        updates: list[tuple[int, datetime]] = []
        dropped: list[int] = []
        for r in rows:
            trial = trials.get(r.trial_id)
            if trial is None:
                continue
            if r.on_date.isoweekday() != meeting.weekday:
                dropped.append(r.id)
                continue
            occ = occurrence(meeting, r.on_date, changes.get((meeting_id, r.on_date)))
            if occ.cancelled:
                continue  # skipped when claimed; keeping the row lets an undone cancel still be reminded
            due = (
                reminder_due(occ, trial.remind, meeting.timezone)
                if r.kind == "reminder"
                else checkin_due(occ, meeting.timezone)
            )
            if due is not None and due != r.due_at:
                updates.append((r.id, due))
        async with services.db.transaction():  # a dropped row and the refill go together
            await store.requeue(updates)
            await store.drop(dropped)
            await top_up(services.db, [t.id for t in await store.trials_for_meeting(meeting_id)], now)
        return len(updates) + len(dropped)
    await top_up(services.db, [t.id for t in await store.trials_for_meeting(meeting_id)], now)
    return changed


async def welcome_of(
    services: Services, user_key: str, meeting: Meeting, occ: Occurrence
) -> tuple[int, str | None] | None:
    """An accepted welcome for this date: its request id and the welcomer's 'how to find me'."""
    if meeting.id is None:
        return None
    req = await wstore.accepted_on(services.db, user_key, meeting.id, occ.slot.local_date)
    if req is None:
        return None
    return req.id, await wstore.find_text(services.db, services.keys, req.id)


class TrialReminders:
    """The durable queue of trial reminders and check-ins."""

    name = "trial"

    async def next_due_at(self, services: Services) -> datetime | None:
        return await TrialStore(services.db).next_due_at()

    async def claim_due(
        self, services: Services, now: datetime, *, user_key: str | None = None, limit: int = 100
    ) -> list[Outgoing]:
        """Claim due rows atomically and turn the ones still valid into replies."""
        store = TrialStore(services.db)
        await sync_changes(services, now)
        if user_key is None:  # the global sweep (not a terminal chat's simulated clock) purges
            await store.purge_if_due(now)  # finished trials are erased 14 days after their end
        rows = await store.claim(now, LEASE, limit=limit, user_key=user_key)
        if not rows:
            return []
        trials = await store.trials(r.trial_id for r in rows)
        meetings = await get_meetings(services.db, (r.meeting_id for r in rows))
        changes = await date_changes(
            services.db, meetings, min(r.on_date for r in rows), max(r.on_date for r in rows)
        )
        langs: dict[str, str] = {}
        out: list[Outgoing] = []
        skipped: list[int] = []
        failed: list[int] = []
        later: list[tuple[int, datetime]] = []
        for r in rows:
            trial, meeting = trials.get(r.trial_id), meetings.get(r.meeting_id)
            if r.attempts > MAX_ATTEMPTS:
                failed.append(r.id)
                continue
            if trial is None or meeting is None or meeting.attendance == "inactive":
                skipped.append(r.id)
                continue
            if trial.status not in ("active", "ongoing"):
                skipped.append(r.id)
                continue
            occ = occurrence(meeting, r.on_date, changes.get((r.meeting_id, r.on_date)))
            if occ.cancelled or r.on_date.isoweekday() != meeting.weekday:
                skipped.append(r.id)  # not reminded, not checked in: the count waits
                continue
            if r.kind == "reminder":
                due = reminder_due(occ, trial.remind, meeting.timezone)
                if due is None or occ.begins <= now:
                    skipped.append(r.id)  # started already (downtime): the check-in follows instead
                    continue
            else:
                due = checkin_due(occ, meeting.timezone)
                if trial.status != "active" or r.answer is not None or now - occ.ends > STALE_CHECKIN:
                    skipped.append(r.id)
                    continue
            if due > now + GRACE:
                later.append((r.id, due))  # moved to a later time since it was queued
                continue
            if r.user_key not in langs:
                row = await services.users.get(r.user_key)
                langs[r.user_key] = row.lang if row else "nl"
            t = translator(langs[r.user_key])
            if r.kind == "reminder":
                welcome = await welcome_of(services, r.user_key, meeting, occ)
                reply = reminder_reply(t, r.id, meeting, occ, now, welcome)
                out.append(Outgoing(r.user_key, reply, KIND_REMINDER, str(r.id)))
            else:
                out.append(
                    Outgoing(r.user_key, checkin_reply(t, r.id, meeting, occ), KIND_CHECKIN, str(r.id))
                )
        async with services.db.transaction():  # settled and refilled together
            await store.settle_many(skipped, "skipped")
            await store.settle_many(failed, "failed")
            await store.requeue(later)
            await top_up(services.db, {r.trial_id for r in rows}, now)
        return out

    async def settle(
        self, services: Services, item: Outgoing, outcome: Outcome, *, retry_at: datetime | None = None
    ) -> None:
        """sent → done; blocked → the person is erased; retry → pending again; failed → failed."""
        store = TrialStore(services.db)
        row_id = int(item.ref)
        if outcome == "sent":
            await store.settle(row_id, "sent")
        elif outcome == "retry":
            await store.requeue([(row_id, retry_at or services.clock.now() + RETRY_AFTER)])
        elif outcome == "blocked":
            await store.settle(row_id, "failed")
            await services.users.erase(item.user_key)
        else:
            await store.settle(row_id, "failed")


SOURCE = TrialReminders()  # the instance tests and benches drive; conversations.assembly lists its own
