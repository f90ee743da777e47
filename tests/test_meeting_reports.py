"""'Klopt er iets niet?': reports by buttons on a card, counted without identities, handled in /beheer."""

from __future__ import annotations

from conversations.context import Services
from conversations.engine import Engine
from conversations.support_actions import publish
from conversations.types import Input
from storage import broadcasts as bstore
from storage.feeds import problem, record_sync
from storage.meeting import get_meeting
from storage.reports import MAX_REPORTS_PER_DAY, open_reports, reports_of
from tests.directory_helpers import demo_id, ids, load_demo, press, text
from tests.support_helpers import make_meeting, make_worker

PERSON = 7101
WORKER = 7102


async def test_a_person_reports_with_buttons_and_is_thanked(engine: Engine, services: Services) -> None:
    mid = await make_meeting(services)
    card = await press(engine, f"c:start:{mid}", PERSON)
    assert f"c:rep:{mid}" in ids(card) and "Klopt er iets niet?" in [b.label for b in card.buttons()]
    ask = await press(engine, f"c:rep:{mid}", PERSON)
    assert "anoniem" in text(ask)
    assert {f"c:rr:{mid}:{r}" for r in ("gone", "time", "place", "link")} <= set(ids(ask))
    assert f"c:start:{mid}" in ids(ask), "a way back to the card"
    done = await press(engine, f"c:rr:{mid}:time", PERSON)
    assert "Dank je" in done.messages[0].text and f"c:rep:{mid}" in ids(done), "thanks, then the card"
    assert await reports_of(services.db, mid) == {"time": 1}
    again = await press(engine, f"c:rep:{mid}", PERSON)
    again = await press(engine, f"c:rr:{mid}:time", PERSON)
    assert "al gemeld" in again.messages[0].text
    assert await reports_of(services.db, mid) == {"time": 1}, "one person counts once per reason"


async def test_reports_are_rate_limited_and_stop_does_not_reset_it(
    engine: Engine, services: Services
) -> None:
    meetings = [await make_meeting(services, name=f"Groep {i}") for i in range(MAX_REPORTS_PER_DAY + 1)]
    for mid in meetings[:MAX_REPORTS_PER_DAY]:
        await press(engine, f"c:rep:{mid}", PERSON)
        await press(engine, f"c:rr:{mid}:gone", PERSON)
    await engine.handle(PERSON, Input.of_text("/stop"))
    last = meetings[-1]
    await press(engine, f"c:rep:{last}", PERSON)
    reply = await press(engine, f"c:rr:{last}:gone", PERSON)
    assert "Morgen kan het weer" in reply.messages[0].text
    assert await reports_of(services.db, last) == {}
    # Nothing stored names the person: not the pseudonym, not the chat id.
    pseudonym = services.keys.pseudonym(PERSON)
    for table in ("meeting_reports", "report_marks"):
        for row in await services.db.fetchall(f"SELECT * FROM {table}"):
            assert pseudonym not in map(str, row) and str(PERSON) not in map(str, row)


async def test_forged_and_old_report_buttons_answer_kindly(engine: Engine, services: Services) -> None:
    mid = await make_meeting(services)
    reply = await press(engine, f"c:rr:{mid}:time", PERSON)  # pressed without the question on screen
    assert f"c:rr:{mid}:gone" in ids(reply), "an old button asks again instead of counting"
    assert await reports_of(services.db, mid) == {}
    for forged in (f"c:rr:{mid}:free text", f"c:rr:{mid}", "c:rr:99999:time", "c:rr:x:time"):
        await press(engine, f"c:rep:{mid}", PERSON)
        reply = await press(engine, forged, PERSON)
        assert reply.messages, forged
    assert await reports_of(services.db, mid) == {}


async def test_demo_meetings_cannot_be_reported(engine: Engine, services: Services) -> None:
    await load_demo(services)
    demo = await demo_id(services, "voorbeeld-02")
    card = await press(engine, f"c:start:{demo}", PERSON)
    assert f"c:rep:{demo}" not in ids(card)
    await press(engine, f"c:rep:{demo}", PERSON)
    await press(engine, f"c:rr:{demo}:gone", PERSON)
    assert await reports_of(services.db, demo) == {}


async def test_support_workers_see_counts_and_fix_dismiss_or_close(
    engine: Engine, services: Services
) -> None:
    utrecht = await make_meeting(services, name="De Brug")
    other = await make_meeting(services, name="Het Anker")
    await services.db.execute("UPDATE meetings SET region = 'Zeeland', city = 'Goes' WHERE id = ?", (other,))
    for chat, reason in ((PERSON, "time"), (PERSON + 1, "time"), (PERSON + 2, "place")):
        await press(engine, f"c:rep:{utrecht}", chat)
        await press(engine, f"c:rr:{utrecht}:{reason}", chat)
    await press(engine, f"c:rep:{other}", PERSON)
    await press(engine, f"c:rr:{other}:gone", PERSON)
    await make_worker(services, engine, WORKER)

    menu = await engine.handle(WORKER, Input.of_text("/beheer"))
    assert "Meldingen (2)" in [b.label for b in menu.buttons()]
    listing = await press(engine, "b:rps", WORKER)
    body = text(listing)
    assert "De Brug (Utrecht): 3 meldingen: andere tijd (2), andere plek (1)" in body
    assert body.index("De Brug") < body.index("Het Anker"), "most reported first"

    regions = await press(engine, "b:rgn", WORKER)
    assert "b:rg:Zeeland" in ids(regions) and "b:rg:Utrecht" in ids(regions)
    only = await press(engine, "b:rg:Zeeland", WORKER)
    assert "Het Anker" in text(only) and "De Brug" not in text(only)
    await press(engine, "b:rgn", WORKER)
    everything = await press(engine, "b:rg", WORKER)
    assert "De Brug" in text(everything)

    meeting = await press(engine, f"b:m:{utrecht}", WORKER)
    assert "3 meldingen: andere tijd (2), andere plek (1)" in text(meeting) and "b:rd" in ids(meeting)
    cleared = await press(engine, "b:rd", WORKER)
    assert "gewist" in text(cleared) and "b:rd" not in ids(cleared)
    assert await reports_of(services.db, utrecht) == {}
    log = await services.db.fetchall(
        "SELECT action, meeting_id FROM audit_log WHERE action = 'reports_cleared'"
    )
    assert [tuple(r) for r in log] == [("reports_cleared", utrecht)]

    # Closing a reported meeting answers its reports too.
    m = await get_meeting(services.db, other)
    assert m is not None
    await publish(services, 1, m, "close", {}, None, bstore.Audience(meeting_id=other))
    assert await open_reports(services.db) == []


async def test_sources_that_need_a_look_show_in_beheer(engine: Engine, services: Services) -> None:
    now = services.clock.now()
    await record_sync(services.db, "aa-nederland", "held", now, detail=problem("deactivate", 60, 100))
    await record_sync(services.db, "na-feed", "failed", now, detail=problem("timeout"))
    await record_sync(services.db, "old-feed", "failed", now, detail="free text from an older version")
    await record_sync(services.db, "ca-holland", "unchanged", now)
    await make_worker(services, engine, WORKER)
    menu = await engine.handle(WORKER, Input.of_text("/beheer"))
    assert "3 bron(nen) vragen om een blik" in text(menu)
    sources = await press(engine, "b:src", WORKER)
    body = text(sources)
    assert "aa-nederland: tegengehouden" in body and "Er zouden 60 van de 100 meetings verdwijnen." in body
    assert "eerstestap directory sync aa-nederland --accept" in body
    assert "na-feed: niet gelukt" in body and "De website gaf niet op tijd antwoord." in body
    assert "old-feed: niet gelukt" in body and "free text" not in body and "mis. De beheerder" in body
    assert "ca-holland: niets veranderd" in body
    assert "m:home" in ids(sources)
