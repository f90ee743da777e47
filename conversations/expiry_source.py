"""The question a week before a quiet pseudonym is erased: 'keep getting messages?', asked once.

Follows and weekly reminders are erased with everything else after 90 days without contact. A week
before, this source asks once (durably, through the same sender as reminders). Any answer is contact, so
it keeps everything another 90 days; no answer lets the purge erase it silently.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from content.i18n import translator
from conversations.buttons import MENU_ID, button
from conversations.context import Services
from conversations.outgoing import Outcome
from conversations.types import Button, Outgoing, Reply
from storage import expiry

KIND = "expiry.ask"
LEASE = timedelta(minutes=5)
RETRY_AFTER = timedelta(minutes=5)


def question_reply(lang: str) -> Reply:
    """Neutral first lines (a lock screen shows them); one button keeps everything."""
    t = translator(lang)
    rows = [[button(t.t("expiry.btn.keep"), "s", "keep")], [Button(t.t("nav.menu"), MENU_ID)]]
    return Reply().add(t.t("expiry.ask"), rows)


class ExpiryQuestions:
    """Hands out the 'keep following?' questions that are due."""

    name = "expiry"

    async def next_due_at(self, services: Services) -> datetime | None:
        return await expiry.next_due_at(services.db)

    async def claim_due(
        self, services: Services, now: datetime, *, user_key: str | None = None, limit: int = 100
    ) -> list[Outgoing]:
        out: list[Outgoing] = []
        for q in await expiry.claim(services.db, now, LEASE, limit=limit, user_key=user_key):
            if q.attempts > expiry.MAX_ATTEMPTS:
                await expiry.settle(services.db, q.user_key, q.for_expiry, "failed", None)
                continue
            out.append(Outgoing(q.user_key, question_reply(q.lang), KIND, q.for_expiry))
        return out

    async def settle(
        self, services: Services, item: Outgoing, outcome: Outcome, *, retry_at: datetime | None = None
    ) -> None:
        """sent → asked for this expiry; retry → claimed again later; blocked → erased; failed → given up."""
        if outcome == "blocked":
            await services.users.erase(item.user_key)
        elif outcome == "retry":
            at = retry_at or services.clock.now() + RETRY_AFTER
            await expiry.settle(services.db, item.user_key, item.ref, "claimed", at)
        else:
            await expiry.settle(services.db, item.user_key, item.ref, outcome, None)


SOURCE = ExpiryQuestions()  # the instance tests drive; conversations.assembly lists its own
