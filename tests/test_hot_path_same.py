"""Faster forms on the hot path (issue 13) give exactly what the plain forms gave."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.db import UTC_FORMAT, utc_text


def test_utc_text_is_strftime_in_every_zone_and_year() -> None:
    rng = random.Random(13)
    zones = [UTC, ZoneInfo("Europe/Amsterdam"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]
    start = datetime(2026, 3, 28, tzinfo=UTC)
    moments = [start + timedelta(seconds=rng.randrange(0, 400 * 86400)) for _ in range(3000)]
    moments += [start + timedelta(minutes=m) for m in range(0, 3 * 24 * 60, 7)]  # the DST change
    for moment in moments:
        for tz in zones:
            local = moment.astimezone(tz).replace(microsecond=rng.randrange(1_000_000))
            assert utc_text(local) == local.astimezone(UTC).strftime(UTC_FORMAT)
    for year in (1, 5, 999, 1000, 1970, 2038, 9999):
        odd = datetime(year, 6, 1, 12, 30, 15, tzinfo=UTC)
        assert utc_text(odd) == odd.strftime(UTC_FORMAT)
    naive = datetime(2026, 7, 1, 12, 0, 0)  # a naive datetime is local time, as astimezone reads it
    assert utc_text(naive) == naive.astimezone(UTC).strftime(UTC_FORMAT)
