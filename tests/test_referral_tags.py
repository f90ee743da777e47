"""Referral counters keep only poster-like tags, for 13 months; small counts are masked (issue 18, low)."""

from __future__ import annotations

from datetime import UTC, datetime

from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from storage.referrals import count_referral, countable_tag, referral_counts
from storage.support import figures


async def test_phone_numbers_and_names_are_not_counted(engine: Engine, services: Services) -> None:
    for i, payload in enumerate(["0612345678", "31612345678", "Jan", "JanJansen", "kliniek_utrecht"]):
        await engine.handle(100 + i, Input.of_text(f"/start {payload}"))
    assert [tag for tag, _, _ in await referral_counts(services.db)] == ["kliniek_utrecht"]
    assert not countable_tag("tel_0612345678") and countable_tag("poster-2") and countable_tag("ggz_2026")


async def test_counts_are_kept_thirteen_months_and_small_ones_masked(services: Services) -> None:
    old = datetime(2025, 1, 10, 12, tzinfo=UTC)
    for _ in range(7):
        await count_referral(services.db, "kliniek_a", old)
    await count_referral(services.db, "kliniek_b", datetime(2026, 2, 1, 12, tzinfo=UTC))
    await count_referral(services.db, "kliniek_b", datetime(2026, 3, 1, 12, tzinfo=UTC))
    assert {tag for tag, _, _ in await referral_counts(services.db)} == {"kliniek_b"}
    fig = await figures(services.db)
    assert all(line.endswith("<5") for line in fig["referrals"])
