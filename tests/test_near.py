"""Meetings near me: locations and typed places, filters, paging, failures, privacy, DST."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations.clock import FixedClock
from conversations.context import Services
from conversations.engine import Engine
from conversations.location_cache import LOCATIONS
from conversations.upcoming import within
from storage.directory import Filters, MeetingStore
from storage.meeting import get_meeting
from tests.directory_helpers import demo_id, ids, press, say, share, stored_state, text

UTRECHT = (52.09, 5.12)


async def test_location_gives_a_week_of_meetings_nearest_first(engine: Engine, demo: Services) -> None:
    ask = await press(engine, "n:start")
    assert ask.request_location
    assert "Voorbeeld: deze meetings zijn verzonnen." in text(ask)
    reply = await share(engine, *UTRECHT)
    body = text(reply)
    assert body.startswith("Voorbeeld: deze meetings zijn verzonnen.")
    lines = [line for line in body.splitlines() if line[:2].rstrip(".").isdigit()]
    assert len(lines) == 6 and " km · " in lines[0]
    km = [float(line.split(" · ")[1].split()[0].replace(",", ".")) for line in lines]
    assert km == sorted(km)
    meeting_buttons = [b for b in ids(reply) if b.startswith("c:start:")]
    assert len(meeting_buttons) == 6
    assert "n:page:1" in ids(reply) and "n:online" in ids(reply) and "n:fm" in ids(reply)
    # "Eerstvolgende eerst": 11:00 on a Monday in Utrecht: the Al-Anon meeting of 10:00 is running, then
    # today's evening ones.
    by_time = await press(engine, "n:sort")
    lines = [line for line in text(by_time).splitlines() if line[:2].rstrip(".").isdigit()]
    assert lines[0].startswith("1. vandaag 10:00") and "(nu bezig)" in lines[0]
    assert lines[1].startswith("2. vandaag 19:00")


async def test_nothing_private_is_stored_in_state(engine: Engine, demo: Services) -> None:
    await press(engine, "n:start")
    await share(engine, 52.0912345, 5.1198765)
    state = await stored_state(demo)
    assert "52.09" not in state and "5.11" not in state
    await say(engine, "Amersfoort")
    state = await stored_state(demo)
    assert "Amersfoort" not in state and "amersfoort" not in state


async def test_typed_place_and_ambiguous_place(engine: Engine, demo: Services) -> None:
    await press(engine, "n:start")
    reply = await say(engine, "amersfoort")
    assert "van Amersfoort" in text(reply)
    first = text(reply).splitlines()
    assert any("Amersfoort" in line for line in first if line[:1].isdigit())
    reply = await say(engine, "Hengelo")
    assert "Welke plaats bedoel je?" in text(reply)
    choices = [b for b in ids(reply) if b.startswith("n:place:")]
    assert len(choices) >= 2
    reply = await press(engine, choices[0])
    assert "van Hengelo" in text(reply) or "Binnen 50 km" in text(reply)


async def test_program_filter_from_another_flow(engine: Engine, demo: Services) -> None:
    await press(engine, "n:start:NA")
    reply = await share(engine, *UTRECHT)
    lines = [line for line in text(reply).splitlines() if line[:1].isdigit() and " · " in line]
    assert lines and all(" · NA · " in line for line in lines)
    assert "Filters: NA (Anonieme Verslaafden)" in text(reply)


async def test_filters_women_day_part_and_online(engine: Engine, demo: Services) -> None:
    await press(engine, "n:start")
    await share(engine, *UTRECHT)
    menu = await press(engine, "n:fm")
    assert {"n:fc:p", "n:fc:d", "n:fc:t", "n:fc:a", "n:fc:l", "n:fc:g"} <= set(ids(menu))
    options = await press(engine, "n:fc:g")
    assert {"n:f:g:W", "n:f:g:M", "n:f:g:Y"} <= set(ids(options))
    reply = await press(engine, "n:f:g:W")
    names = [line for line in text(reply).splitlines() if line[:1].isdigit() and " · " in line]
    assert names and all("OA zaterdag Utrecht" in n or "NA vrijdag Amersfoort" in n for n in names)
    reply = await press(engine, "n:f:g:-")
    reply = await press(engine, "n:f:t:morning")
    times = [
        line.split(" · ")[0].split()[-1]
        for line in text(reply).splitlines()
        if line[:1].isdigit() and " · " in line
    ]
    assert times and all(t < "12:00" for t in times)
    online = await press(engine, "n:f:a:online")
    assert "Online meetings in de komende 7 dagen" in text(online)
    assert " km" not in text(online)


async def test_online_list_and_paging(engine: Engine, demo: Services) -> None:
    await press(engine, "n:start")
    await share(engine, *UTRECHT)
    second = await press(engine, "n:page:1")
    assert "7. " in text(second) and "Pagina 2 van" in text(second)
    assert "n:page:0" in ids(second)
    online = await press(engine, "n:online")
    lines = [line for line in text(online).splitlines() if line[:1].isdigit() and " · " in line]
    assert len(lines) == 6 and all("online" in line for line in lines)
    assert "Voorbeeld:" in text(online)


async def test_failures_say_what_went_wrong_and_offer_online(
    engine: Engine, demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await press(engine, "n:start")
    reply = await say(engine, "Xyzzyvillebergen")
    assert "Die plaats ken ik niet" in text(reply) and "n:online" in ids(reply)
    reply = await share(engine, 48.85, 2.35)
    assert "buiten Nederland" in text(reply) and "n:online" in ids(reply)
    assert "vond ik geen" not in text(reply)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(MeetingStore, "near", broken)
    reply = await share(engine, *UTRECHT)
    assert "Het zoeken lukte nu niet" in text(reply) and "n:online" in ids(reply)
    assert "vond ik geen" not in text(reply)


async def test_nothing_within_reach_with_filters_says_so_and_offers_a_way_out(
    engine: Engine, demo: Services
) -> None:
    await press(engine, "n:start:ALATEEN")
    reply = await say(engine, "Groningen")
    assert "Binnen 50 km vond ik geen meetings die bij je filters passen" in text(reply)
    assert {"n:online", "n:fx"} <= set(ids(reply))


async def test_after_a_restart_the_location_is_asked_again(engine: Engine, demo: Services) -> None:
    await press(engine, "n:start")
    await share(engine, *UTRECHT)
    LOCATIONS.clear()  # what a restart does
    reply = await engine.resume(4242)
    assert reply.request_location and "nog een keer" in text(reply)
    reply = await say(engine, "Rotterdam")
    assert "van Rotterdam" in text(reply)
    LOCATIONS.clear()
    reply = await engine.resume(4242)  # a typed town is a location too: not kept across a restart
    assert reply.request_location and "nog een keer" in text(reply)
    state = await stored_state(demo)
    assert "place" not in state and "options" not in state and "Rotterdam" not in state


async def test_running_cancelled_and_moved_dates_in_the_listing(
    engine: Engine, demo: Services, clock: FixedClock
) -> None:
    aa = await demo_id(demo, "voorbeeld-01")  # AA, Monday 19:30–21:00, Utrecht
    na = await demo_id(demo, "voorbeeld-02")  # NA, Tuesday 19:30
    smart = await demo_id(demo, "voorbeeld-12")  # SMART, Monday 19:00
    await demo.db.execute(
        "INSERT INTO meeting_changes(meeting_id, kind, on_date, created_at) "
        "VALUES (?, 'cancel', '2026-03-24', 'x')",
        (na,),
    )
    await demo.db.execute(
        "INSERT INTO meeting_changes(meeting_id, kind, on_date, new_start, created_at) "
        "VALUES (?, 'move', '2026-03-23', '21:15', 'x')",
        (smart,),
    )
    clock.set(datetime(2026, 3, 23, 19, 0, tzinfo=UTC))  # 20:00 in Utrecht
    await press(engine, "n:start")
    reply = await share(engine, *UTRECHT)
    body = text(reply)
    aa_line = next(line for line in body.splitlines() if "AA maandag Utrecht" in line)
    assert "19:30" in aa_line and "(nu bezig)" in aa_line
    second = text(await press(engine, "n:page:1")) + text(await press(engine, "n:page:2"))
    both = body + second
    na_line = next(line for line in both.splitlines() if "NA dinsdag Utrecht" in line)
    assert "(gaat niet door)" in na_line
    smart_line = next(line for line in both.splitlines() if "SMART maandag Utrecht" in line)
    assert "21:15" in smart_line and "(andere tijd)" in smart_line
    assert aa


@pytest.mark.parametrize(
    ("now", "day", "offset"),
    [
        (datetime(2026, 3, 23, 10, tzinfo=UTC), "2026-03-24", "+01:00"),  # before the last Sunday of March
        (datetime(2026, 3, 30, 10, tzinfo=UTC), "2026-03-31", "+02:00"),  # after it
        (datetime(2026, 10, 19, 10, tzinfo=UTC), "2026-10-20", "+02:00"),  # before the last Sunday of October
        (datetime(2026, 10, 26, 10, tzinfo=UTC), "2026-10-27", "+01:00"),  # after it
    ],
)
async def test_tuesday_1930_stays_1930_across_dst(
    engine: Engine, demo: Services, clock: FixedClock, now: datetime, day: str, offset: str
) -> None:
    clock.set(now)
    na = await demo_id(demo, "voorbeeld-02")
    meeting = await get_meeting(demo.db, na)
    assert meeting is not None
    [(_, occ)] = await within(demo.db, [meeting], now)
    assert occ.begins.isoformat() == f"{day}T19:30:00{offset}"
    await press(engine, "n:start:NA")
    reply = await share(engine, *UTRECHT)
    line = next(line for line in text(reply).splitlines() if "NA dinsdag Utrecht" in line)
    assert line.split(" · ")[0].endswith("morgen 19:30")


async def test_near_query_orders_by_distance_and_respects_filters(demo: Services) -> None:
    store = MeetingStore(demo.db)
    found = await store.near(*UTRECHT, Filters(program="NA"), limit=5)
    assert [n.km for n in found] == sorted(n.km for n in found)
    assert all(n.meeting.program == "NA" for n in found)
    assert found[0].meeting.city == "Utrecht" and found[-1].meeting.city == "Amersfoort"
    tuesday = await store.near(*UTRECHT, Filters(weekdays=(2,)), limit=50)
    assert tuesday and all(n.meeting.weekday == 2 for n in tuesday)
    english = await store.near(*UTRECHT, Filters(language="en"), limit=50)
    assert english and all(n.meeting.language == "en" for n in english)
    assert await store.near(*UTRECHT, Filters(program="NA"), limit=5) == await store.near_scan(
        *UTRECHT, Filters(program="NA"), limit=5
    )


def test_location_cache_is_bounded_and_forgets() -> None:
    from datetime import timedelta

    from conversations.location_cache import LocationCache

    cache = LocationCache(max_entries=2, ttl=timedelta(minutes=10))
    now = datetime(2026, 3, 23, 10, tzinfo=UTC)
    cache.put("a", 52.0, 5.0, now)
    cache.put("b", 52.1, 5.1, now)
    cache.put("c", 52.2, 5.2, now)
    assert cache.get("a", now) is None and len(cache) == 2
    assert cache.get("b", now + timedelta(minutes=5)) == (52.1, 5.1)
    assert cache.get("b", now + timedelta(minutes=11)) is None
    cache.forget("c")
    assert cache.get("c", now) is None


async def test_after_stop_an_old_button_does_not_reuse_the_location(engine: Engine, demo: Services) -> None:
    from conversations.types import Input

    await press(engine, "n:start")
    await share(engine, *UTRECHT)
    await engine.handle(4242, Input.of_text("/stop"))
    await engine.handle(4242, Input.of_text("/start"))
    reply = await press(engine, "n:page:1")
    assert reply.request_location and "Meetings in de komende 7 dagen" not in text(reply)
    assert LOCATIONS.get(demo.keys.pseudonym(4242), demo.clock.now()) is None


async def test_rings_one_by_one_answer_what_a_scan_answers(demo: Services) -> None:
    store = MeetingStore(demo.db)
    checked = 0
    for lat in (50.85, 51.45, 52.09, 52.37, 53.2):
        for lon in (3.9, 4.9, 5.12, 6.1, 6.9):
            for limit in (1, 3, 10, 40):
                for f in (Filters(), Filters(program="NA"), Filters(weekdays=(2,))):
                    rings = await store.near(lat, lon, f, limit=limit, max_km=50)
                    scan = await store.near_scan(lat, lon, f, limit=limit, max_km=50)
                    assert [(n.meeting.id, n.km) for n in rings] == [(n.meeting.id, n.km) for n in scan]
                    checked += bool(rings)
    assert checked > 60
