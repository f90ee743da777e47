"""Support workers: refusals in /beheer, no cancelled date offered twice, the card after cancel + move,
a meeting added in the chat names its town once, and the log shows Amsterdam time with its zone."""

from __future__ import annotations

from conversations.context import Services
from conversations.engine import Engine
from conversations.support_actions import publish
from conversations.types import Input
from storage import broadcasts as bstore
from storage.edits import get_meeting
from tests.directory_helpers import demo_id
from tests.support_helpers import make_meeting, make_worker, press, text_of

WORKER = 500


async def open_meeting(engine: Engine, mid: int):
    return await engine.handle(WORKER, Input.of_button(f"b:m:{mid}"))


async def cancel(services: Services, mid: int, day: str) -> None:
    m = await get_meeting(services.db, mid)
    assert m is not None
    await publish(services, None, m, "cancel", {"date": day}, None, bstore.Audience(meeting_id=mid))


async def test_a_cancelled_date_is_not_offered_again_and_a_stale_button_is_refused(
    engine: Engine, services: Services
) -> None:
    mid = await make_meeting(services)  # Tuesdays 19:30; the clock says Monday 23 March 2026
    await make_worker(services, engine, WORKER)
    await cancel(services, mid, "2026-03-24")
    for action in ("afzeggen", "verplaatsen"):
        dates = await engine.handle(WORKER, press(await open_meeting(engine, mid), action))
        labels = [b.label for b in dates.buttons()]
        assert "dinsdag 24 maart" not in labels and "dinsdag 31 maart" in labels, labels
    again = await engine.handle(WORKER, Input.of_button("b:cd:20260324"))
    assert "Die datum is al afgezegd" in text_of(again)
    past = await engine.handle(WORKER, Input.of_button("b:cd:20260317"))
    assert "Die datum is al voorbij" in text_of(past)
    rows = await services.db.fetchall("SELECT kind, on_date FROM meeting_changes")
    assert [tuple(r) for r in rows] == [("cancel", "2026-03-24")]


async def test_an_http_link_gets_a_clear_sentence(engine: Engine, services: Services) -> None:
    mid = await make_meeting(services)
    await make_worker(services, engine, WORKER)
    reply = await engine.handle(WORKER, press(await open_meeting(engine, mid), "blijvend"))
    reply = await engine.handle(WORKER, press(reply, "link"))
    reply = await engine.handle(WORKER, Input.of_text("http://meet.example/groep"))
    assert "https://" in text_of(reply) and "http://" in text_of(reply)
    reply = await engine.handle(WORKER, Input.of_text("https://meet.example/groep"))
    assert "Zo ziet het bericht eruit" in text_of(reply)


async def test_the_card_after_cancel_and_move_shows_the_new_place_not_the_old_pin(
    engine: Engine, demo: Services
) -> None:
    na = await demo_id(demo, "voorbeeld-02")  # NA, Tuesday 19:30, Utrecht, with a map point
    before = await engine.handle(1, Input.of_button(f"c:start:{na}"))
    assert any(m.pin is not None for m in before.messages)
    await cancel(demo, na, "2026-03-24")
    m = await get_meeting(demo.db, na)
    assert m is not None
    params = {"date": "2026-03-31", "place": "Wijkcentrum Oost"}
    await publish(demo, None, m, "move", params, None, bstore.Audience(meeting_id=na))
    card = await engine.handle(1, Input.of_button(f"c:start:{na}"))
    body = text_of(card)
    assert "24 maart gaat deze meeting niet door" in body
    assert "Die keer op een andere plek: Wijkcentrum Oost" in body
    assert all(msg.pin is None for msg in card.messages)  # the usual venue's pin would mislead


async def test_a_meeting_added_in_the_chat_names_its_town_once(engine: Engine, services: Services) -> None:
    await make_worker(services, engine, WORKER)
    reply = await engine.handle(WORKER, Input.of_button("b:add"))
    reply = await engine.handle(WORKER, Input.of_button("b:ap:ALANON"))
    reply = await engine.handle(WORKER, Input.of_text("Familiegroep Zeist"))
    reply = await engine.handle(WORKER, press(reply, "donderdag"))
    reply = await engine.handle(WORKER, Input.of_text("20:00"))
    refused = await engine.handle(WORKER, Input.of_text("http://meet.example/x"))
    assert "https://" in text_of(refused)
    reply = await engine.handle(WORKER, Input.of_text("Kerkzaal, Dorpsstraat 3, Zeist"))
    saved = text_of(await engine.handle(WORKER, press(reply, "Opslaan")))
    assert "Zeist, Zeist" not in saved and "Kerkzaal, Dorpsstraat 3, Zeist" in saved
    row = await services.db.fetchone("SELECT address, city FROM meetings")
    assert tuple(row) == ("Dorpsstraat 3", "Zeist")


async def test_the_log_shows_amsterdam_time_with_its_zone(engine: Engine, services: Services) -> None:
    mid = await make_meeting(services)
    await make_worker(services, engine, WORKER)
    await cancel(services, mid, "2026-03-24")
    log = text_of(await engine.handle(WORKER, Input.of_text("/beheer log")))
    assert "2026-03-23 11:00 CET cli cancel #1" in log  # 10:00 UTC is 11:00 in Amsterdam in March
