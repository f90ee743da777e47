"""The trial flow through the engine: start, timing, next dates, check-ins, milestones, six, pause, stop."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from trial_support import add_change, add_meeting, drain

from conversations.context import Services
from conversations.deeplinks import resolve_deep_link
from conversations.engine import Engine
from conversations.reminders import SOURCE
from conversations.types import Input, Outgoing, Reply
from storage.edits import close_meeting
from storage.trials import TrialStore

CHAT = 4242


def ids(reply: Reply) -> list[str]:
    return [b.id for b in reply.buttons()]


def text(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


async def press(engine: Engine, bid: str) -> Reply:
    return await engine.handle(CHAT, Input.of_button(bid))


async def begin(engine: Engine, services: Services, remind: str = "2h", **fields: object) -> int:
    mid = await add_meeting(services.db, **fields)
    offer = await press(engine, f"t:start:m{mid}")
    assert f"t:new:{mid}:{remind}" in ids(offer)
    await press(engine, f"t:new:{mid}:{remind}")
    return mid


async def next_checkin(services: Services, start: datetime) -> tuple[Outgoing, datetime]:
    """Jump from due time to due time (as the scheduler does) until a check-in comes out."""
    for _ in range(20):
        at = await SOURCE.next_due_at(services)
        assert at is not None and at >= start
        for item in await drain(services, at):
            if item.kind == "trial.checkin":
                return item, at
    raise AssertionError("no check-in")


async def test_offer_shows_the_four_timings_and_start_shows_six_dates(engine: Engine, services: Services):
    mid = await add_meeting(services.db)
    offer = await press(engine, f"t:start:m{mid}")
    assert [i for i in ids(offer) if i.startswith("t:new")] == [
        f"t:new:{mid}:morning",
        f"t:new:{mid}:2h",
        f"t:new:{mid}:evening",
        f"t:new:{mid}:none",
    ]
    assert "dinsdag 19:30" in text(offer)
    started = await press(engine, f"t:new:{mid}:evening")
    body = text(started)
    assert "Je proef is begonnen" in body
    assert body.count("• dinsdag") == 6
    assert "• dinsdag 24 maart, 19:30" in body and "• dinsdag 28 april, 19:30" in body
    assert "t:ics" in ids(started)
    user_key = services.keys.pseudonym(CHAT)
    assert await services.users.chat_id(user_key) == CHAT  # sealed, so reminders can be sent
    trial = await TrialStore(services.db).open_trial(user_key)
    assert trial is not None and (trial.remind, trial.program, trial.attended) == ("evening", "NA", 0)


async def test_program_arg_sends_the_person_to_pick_a_meeting(engine: Engine):
    reply = await press(engine, "t:start:AA")
    assert "n:start:AA" in ids(reply)


async def test_my_trial_without_a_trial_offers_a_search(engine: Engine):
    reply = await press(engine, "t:start")
    assert "n:start" in ids(reply) and "w:start" in ids(reply)


async def test_deep_link_opens_the_trial_offer(engine: Engine, services: Services):
    mid = await add_meeting(services.db)
    assert resolve_deep_link(f"proef_m{mid}") == ("trial", f"m{mid}")
    reply = await engine.handle(CHAT, Input.of_text(f"/start proef_m{mid}"))
    assert f"t:new:{mid}:morning" in ids(reply)


async def test_checkins_count_to_six_with_milestones_and_a_choice(engine: Engine, services: Services):
    mid = await begin(engine, services)
    at = services.clock.now()
    answers = []
    for _ in range(6):
        checkin, at = await next_checkin(services, at)
        answers.append(await press(engine, f"t:yes:{checkin.ref}"))
    assert "Dat was 1 van 6." in text(answers[0]) and "eerste meeting" in text(answers[0])
    assert "Dat was 2 van 6." in text(answers[1])
    assert "halverwege" in text(answers[2])
    six = answers[5]
    assert "Zes keer" in text(six)
    assert {"t:keep:1", "t:keep:0", "t:other", "t:end"} <= set(ids(six))
    assert await drain(services, at + timedelta(days=8)) == []  # nothing more until the choice
    kept = await press(engine, "t:keep:1")
    assert "elke week" in text(kept)
    user_key = services.keys.pseudonym(CHAT)
    follow = await services.db.fetchone("SELECT meeting_id FROM follows WHERE user_key = ?", (user_key,))
    assert follow is not None and follow[0] == mid
    kinds = []
    while (next_at := await SOURCE.next_due_at(services)) and next_at < at + timedelta(days=15):
        kinds += [i.kind for i in await drain(services, next_at)]
    assert kinds == ["trial.reminder"]  # one weekly reminder in the week after, no more check-ins
    counters = await TrialStore(services.db).counters()
    # Counted in the month each step happened, per fellowship, never per person.
    assert counters == [("NA", "2026-03", 1, 1, 0), ("NA", "2026-04", 0, 0, 1)]


async def test_no_keeps_the_count_and_does_not_blame(engine: Engine, services: Services):
    await begin(engine, services)
    checkin, _ = await next_checkin(services, services.clock.now())
    reply = await press(engine, f"t:no:{checkin.ref}")
    assert "De teller wacht" in text(reply)
    trial = await TrialStore(services.db).open_trial(services.keys.pseudonym(CHAT))
    assert trial is not None and trial.attended == 0
    again = await press(engine, f"t:yes:{checkin.ref}")  # one answer per check-in
    assert "al beantwoord" in text(again)


async def test_went_but_did_not_fit_offers_other_meetings(engine: Engine, services: Services):
    await begin(engine, services)
    checkin, _ = await next_checkin(services, services.clock.now())
    reply = await press(engine, f"t:nofit:{checkin.ref}")
    assert "n:start:NA" in ids(reply) and "w:start" in ids(reply)
    assert "1 van 6" in text(reply)


async def test_not_this_time_drops_that_checkin(engine: Engine, services: Services):
    await begin(engine, services)
    [reminder] = await drain(services, datetime(2026, 3, 24, 16, 30, tzinfo=UTC))
    reply = await press(engine, f"t:skip:{reminder.ref}")
    assert "De teller wacht" in text(reply)
    assert await drain(services, datetime(2026, 3, 24, 22, 0, tzinfo=UTC)) == []
    going = await press(engine, f"t:go:{reminder.ref}")
    assert "Succes" in text(going)


async def test_pause_resume_and_timing_change(engine: Engine, services: Services):
    await begin(engine, services)
    paused = await press(engine, "t:pause")
    assert "t:resume" in ids(paused)
    assert await drain(services, datetime(2026, 3, 25, 0, 0, tzinfo=UTC)) == []
    resumed = await press(engine, "t:resume")
    assert "weer aan" in text(resumed)
    changed = await press(engine, "t:remind:none")
    assert "alleen achteraf" in text(changed)
    items = await drain(services, datetime(2026, 3, 31, 21, 0, tzinfo=UTC))
    assert [i.kind for i in items] == ["trial.checkin"]


async def test_stop_ends_the_trial_and_forgets_the_chat(engine: Engine, services: Services):
    await begin(engine, services)
    ask = await press(engine, "t:stop")
    assert "t:stopok" in ids(ask)
    await press(engine, "t:stopok")
    user_key = services.keys.pseudonym(CHAT)
    assert await TrialStore(services.db).open_trial(user_key) is None
    assert await services.users.chat_id(user_key) is None
    row = await services.db.fetchone("SELECT COUNT(*) FROM reminders WHERE status = 'pending'")
    assert row is not None and row[0] == 0


async def test_slash_stop_erases_the_trial(engine: Engine, services: Services):
    await begin(engine, services)
    await engine.handle(CHAT, Input.of_text("/stop"))
    for table in ("trials", "reminders"):
        row = await services.db.fetchone(f"SELECT COUNT(*) FROM {table}")
        assert row is not None and row[0] == 0


async def test_switch_to_another_meeting_of_the_same_fellowship_keeps_the_count(
    engine: Engine, services: Services
):
    await begin(engine, services)
    checkin, _ = await next_checkin(services, services.clock.now())
    await press(engine, f"t:yes:{checkin.ref}")
    other = await add_meeting(services.db, name="Andere groep", weekday=4, start_time="20:00")
    ask = await press(engine, f"t:start:m{other}")
    assert f"t:switch:{other}" in ids(ask)
    switched = await press(engine, f"t:switch:{other}")
    assert "1 van 6" in text(switched) and "donderdag" in text(switched)


async def test_calendar_is_neutral_in_the_zone_and_skips_cancelled(engine: Engine, services: Services):
    mid = await begin(engine, services)
    await add_change(services.db, mid, "cancel", date(2026, 3, 31))
    reply = await press(engine, "t:ics")
    doc = reply.messages[0].document
    assert doc is not None and doc.filename.endswith(".ics")
    cal = icalendar.Calendar.from_ical(doc.data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 5
    assert {str(e["SUMMARY"]) for e in events} == {"Afspraak"}
    starts = [e.decoded("DTSTART") for e in events]
    assert str(starts[0].tzinfo) == "Europe/Amsterdam" and starts[0].hour == 19
    assert date(2026, 3, 31) not in {s.date() for s in starts}
    assert b"TZID:Europe/Amsterdam" in doc.data
    mine = await press(engine, "t:start")
    assert "gaat niet door" in text(mine)


@pytest.mark.parametrize("bid", ["t:yes:abc", "t:yes", "t:new:1:soon", "t:new:999:2h", "t:go:99999", "t:zz"])
async def test_forged_or_stale_buttons_get_a_kind_answer(engine: Engine, bid: str):
    reply = await press(engine, bid)
    assert reply.messages and reply.buttons()


async def test_demo_meetings_are_labelled(engine: Engine, services: Services):
    mid = await add_meeting(services.db, is_demo=1)
    offer = await press(engine, f"t:start:m{mid}")
    assert "voorbeeld" in text(offer)
    await press(engine, f"t:new:{mid}:2h")
    [reminder] = await drain(services, datetime(2026, 3, 24, 16, 30, tzinfo=UTC))
    assert "voorbeeld" in reminder.reply.messages[0].text


async def test_english_reminder(engine: Engine, services: Services):
    await engine.set_language(CHAT, "en")
    await begin(engine, services)
    [reminder] = await drain(services, datetime(2026, 3, 24, 16, 30, tzinfo=UTC))
    assert reminder.reply.messages[0].text.splitlines()[0] == "Tonight 19:30 — your meeting"


def test_trial_texts_exist_in_dutch_and_english():
    from content.i18n import messages

    nl = {k: v for k, v in messages("nl").items() if k.startswith("trial.")}
    en = {k: v for k, v in messages("en").items() if k.startswith("trial.")}
    assert set(nl) == set(en) and len(nl) > 50
    assert all(v.strip() for v in (*nl.values(), *en.values()))
    assert not any("verslaafde" in v.lower() for v in nl.values())  # person-first language


async def test_a_closed_meeting_offers_another_of_the_same_fellowship(engine: Engine, services: Services):
    mid = await begin(engine, services)
    async with services.db.tx() as tx:  # a support worker closes it
        await close_meeting(tx, mid, services.clock.now(), "B1")
    reply = await press(engine, "t:start")
    assert "niet meer door" in text(reply) and "n:start:NA" in ids(reply)
    assert await drain(services, datetime(2026, 3, 24, 16, 30, tzinfo=UTC)) == []


async def test_a_trial_opened_from_a_link_names_its_meeting(engine: Engine, services: Services):
    mid = await add_meeting(services.db)
    reply = await engine.handle(CHAT, Input.of_text(f"/start proef_m{mid}"))
    assert "Het gaat om: Testgroep Utrecht (Utrecht)." in text(reply)


async def test_going_in_weekly_mode_promises_no_checkin(engine: Engine, services: Services):
    """After six, only weekly reminders come: 'Ik ga' must not promise a check-in that never comes."""
    await begin(engine, services)
    store = TrialStore(services.db)
    trial = await store.open_trial(services.keys.pseudonym(CHAT))
    assert trial is not None
    await store.set_status(trial.id, "ongoing", services.clock.now())
    at = await SOURCE.next_due_at(services)
    assert at is not None
    [reminder] = [o for o in await drain(services, at) if o.kind == "trial.reminder"]
    going = text(await press(engine, f"t:go:{reminder.ref}"))
    assert "vraag ik hoe het ging" not in going and "Volgende week" in going
    later = await drain(services, at + timedelta(days=1))
    assert not [o for o in later if o.kind == "trial.checkin"]  # indeed none comes
