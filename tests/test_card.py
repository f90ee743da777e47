"""The meeting card: contents, follow/unfollow, calendar file, deep link, back to the list."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from conversations.calendar import ics_for
from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from conversations.upcoming import next_of
from storage import follows
from storage.meeting import get_meeting
from tests.directory_helpers import CHAT, demo_id, ids, press, share, text


async def test_card_shows_everything_in_plain_words(engine: Engine, demo: Services) -> None:
    na = await demo_id(demo, "voorbeeld-02")
    reply = await press(engine, f"c:start:{na}")
    body = text(reply)
    assert body.splitlines()[0] == "Voorbeeld: deze meetings zijn verzonnen."
    for expected in (
        "Voorbeeld NA dinsdag Utrecht",
        "NA (Anonieme Verslaafden)",
        "Elke dinsdag van 19:30 tot 21:00.",
        "Volgende keer: dinsdag 24 maart om 19:30.",
        "Waar: Voorbeeldhuis Utrecht, Voorbeeldstraat 2, 3511 VB Utrecht",
        "Tip voor de plek: Verzonnen adres",
        "Soort meeting: Voor beginners, Nederlands, Open",
        "Gegevens bijgewerkt: 15 januari 2026",
    ):
        assert expected in body, expected
    pin = reply.messages[0].pin
    assert pin is not None and abs(pin.lat - 52.087) < 0.01
    assert {f"c:ics:{na}", f"c:follow:{na}", f"t:start:m{na}"} <= set(ids(reply))


async def test_card_in_english_and_online_meeting(engine: Engine, demo: Services) -> None:
    await engine.set_language(CHAT, "en")
    online = await demo_id(demo, "voorbeeld-37")
    reply = await press(engine, f"c:start:{online}")
    body = text(reply)
    assert "Example: these meetings are made up." in body
    assert "This is an online meeting." in body and "Link: https://example.org/voorbeeld-37" in body
    assert reply.messages[0].pin is None
    assert any(b.url == "https://example.org/voorbeeld-37" for b in reply.buttons())


async def test_follow_and_unfollow(engine: Engine, demo: Services) -> None:
    na = await demo_id(demo, "voorbeeld-02")
    await press(engine, f"c:start:{na}")
    reply = await press(engine, f"c:follow:{na}")
    user_key = demo.keys.pseudonym(CHAT)
    assert "Je volgt deze meeting" in text(reply)
    assert f"c:unfollow:{na}" in ids(reply)
    assert await follows.is_following(demo.db, user_key, na)
    row = await demo.users.get(user_key)
    assert row is not None and row.has_chat  # needed to tell them about changes
    reply = await press(engine, f"c:unfollow:{na}")
    assert f"c:follow:{na}" in ids(reply)
    assert not await follows.is_following(demo.db, user_key, na)
    row = await demo.users.get(user_key)
    assert row is not None and not row.has_chat  # nothing left to send: the sealed chat id is dropped
    await press(engine, f"c:follow:{na}")
    await engine.handle(CHAT, Input.of_text("/stop"))
    assert not await follows.is_following(demo.db, user_key, na)  # /stop erases follows too


async def test_calendar_file_is_neutral_and_dst_correct(engine: Engine, demo: Services) -> None:
    na = await demo_id(demo, "voorbeeld-02")
    await demo.db.execute(
        "INSERT INTO meeting_changes(meeting_id, kind, on_date, created_at) "
        "VALUES (?, 'cancel', '2026-04-07', 'x')",
        (na,),
    )
    reply = await press(engine, f"c:ics:{na}")
    doc = reply.messages[0].document
    assert doc is not None and doc.filename.endswith(".ics") and doc.mime_type == "text/calendar"
    assert "Voorbeeld:" in text(reply)
    cal = Calendar.from_ical(doc.data)
    zones = [c for c in cal.walk("VTIMEZONE")]
    assert [str(z["TZID"]) for z in zones] == ["Europe/Amsterdam"]
    events = cal.walk("VEVENT")
    assert len(events) == 5  # six occurrences, one cancelled
    assert {str(e["SUMMARY"]) for e in events} == {"Afspraak"}
    starts = [e.decoded("DTSTART") for e in events]
    assert all((s.hour, s.minute) == (19, 30) for s in starts)
    assert {s.utcoffset().total_seconds() for s in starts} == {3600, 7200}  # across the March change
    assert "2026-04-07" not in {s.date().isoformat() for s in starts}
    assert "SUMMARY:Afspraak" in doc.data.decode() and "Voorbeeld NA" not in doc.data.decode()


async def test_ics_never_names_the_meeting_even_when_a_title_would(demo: Services) -> None:
    meeting = await get_meeting(demo.db, await demo_id(demo, "voorbeeld-02"))
    assert meeting is not None
    now = datetime(2026, 10, 19, 10, tzinfo=UTC)
    occ = await next_of(demo.db, meeting, now, 2)
    cal = Calendar.from_ical(ics_for(meeting, occ, lang="en", now=now, title="NA meeting"))
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert summaries == {"Appointment"}
    assert {str(e["LOCATION"]) for e in cal.walk("VEVENT")} == {f"{meeting.address}, {meeting.city}"}
    offsets = [e.decoded("DTSTART").utcoffset().total_seconds() for e in cal.walk("VEVENT")]
    assert offsets == [7200, 3600]


async def test_cancelled_next_date_on_the_card(engine: Engine, demo: Services) -> None:
    na = await demo_id(demo, "voorbeeld-02")
    await demo.db.execute(
        "INSERT INTO meeting_changes(meeting_id, kind, on_date, created_at) "
        "VALUES (?, 'cancel', '2026-03-24', 'x')",
        (na,),
    )
    body = text(await press(engine, f"c:start:{na}"))
    assert "Let op: dinsdag 24 maart gaat deze meeting niet door." in body
    assert "Daarna: Volgende keer: dinsdag 31 maart om 19:30." in body


async def test_deep_link_unknown_ids_and_back_to_the_list(engine: Engine, demo: Services) -> None:
    na = await demo_id(demo, "voorbeeld-02")
    reply = await engine.handle(CHAT, Input.of_text(f"/start meeting_{na}"))
    assert "Voorbeeld NA dinsdag Utrecht" in text(reply)
    reply = await engine.handle(CHAT, Input.of_text("/start meeting_99999"))
    assert "kan ik niet vinden" in text(reply)
    reply = await press(engine, "c:follow:abc")
    assert "Die knop werkt niet meer" in text(reply) and "c:unfollow" not in ids(reply)
    await press(engine, "n:start:NA")
    listing = await share(engine, 52.09, 5.12)
    first = next(b for b in ids(listing) if b.startswith("c:start:"))
    card = await press(engine, first)
    assert "n:list" in ids(card)
    await press(engine, f"c:ics:{first.split(':')[2]}")
    back_card = await press(engine, f"c:start:{first.split(':')[2]}")
    assert "n:list" in ids(back_card)
    again = await press(engine, "n:list")
    assert text(again) == text(listing)  # same list, same NA filter


async def test_card_shows_the_latest_support_worker_note(engine: Engine, demo: Services) -> None:
    """A note a support worker adds shows on the card, dated, in the reader's language."""
    from storage.edits import add_note

    na = await demo_id(demo, "voorbeeld-02")
    async with demo.db.tx() as tx:
        await add_note(tx, na, datetime(2026, 3, 20, 9, 0, tzinfo=UTC), "B1", "Ingang aan de achterkant.")
    reply = await press(engine, f"c:start:{na}")
    assert "Bericht van de contactpersoon" in text(reply)
    assert "Ingang aan de achterkant." in text(reply)
