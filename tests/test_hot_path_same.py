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


def test_state_json_is_what_the_json_module_writes_and_reads() -> None:
    import json

    import pytest

    from storage.users import _state_json, _state_of

    reference = json.JSONEncoder(separators=(",", ":")).encode
    rng = random.Random(7)
    words = ["", "é", "naïef", "日本", 'a"b', "tab\there", "\u2028", "🙂", "x" * 40, "\\"]

    def value(depth: int) -> object:
        kind = rng.randrange(8 if depth < 3 else 5)
        if kind == 0:
            return rng.choice(words)
        if kind == 1:
            return rng.randrange(-(10**12), 10**12)
        if kind == 2:
            return rng.choice([0.1, 1.5, -2.25, 1e300, 3.0, float("nan"), float("inf")])
        if kind == 3:
            return rng.choice([True, False])
        if kind == 4:
            return None
        if kind in (5, 6):
            return {rng.choice(words) + str(i): value(depth + 1) for i in range(rng.randrange(4))}
        return [value(depth + 1) for _ in range(rng.randrange(4))]

    for _ in range(2000):
        state = {"flow": rng.choice(words), "step": "s", "data": value(0)}
        text = _state_json(state)
        assert text == reference(state)
        assert json.dumps(_state_of(text)) == json.dumps(json.loads(text))
    for stored in ('{"flow": "menu"}', ' {"flow":"menu"} ', "{}", '{"a":1} {"b":2}', "[1]"):
        try:
            expected: object = json.loads(stored)
        except ValueError as exc:
            with pytest.raises(type(exc)):
                _state_of(stored)
        else:
            assert _state_of(stored) == expected
    with pytest.raises(TypeError):
        _state_json({"flow": object()})
