"""/beheer: invites, redeeming (rate-limited), revoking, role re-checks, the change flow and the audit log."""

from __future__ import annotations

from datetime import timedelta

from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input, Reply
from storage.meeting import get_meeting
from storage.support import MAX_ATTEMPTS_PER_USER, SupportStore, forget_chat_if_unneeded, normalise_code
from tests.support_helpers import add_follower, drain, make_meeting, make_worker, press, text_of

WORKER = 500


async def test_non_workers_never_see_the_menus(engine: Engine, services: Services) -> None:
    reply = await engine.handle(1, Input.of_text("/beheer"))
    assert "ken ik niet" in text_of(reply)
    assert not any(b.id.startswith("b:") for b in reply.buttons())
    reply = await engine.handle(1, Input.of_button("b:menu"))
    assert "werkt niet meer" in text_of(reply)
    reply = await engine.handle(1, Input.of_text("/beheer log"))
    assert "ken ik niet" in text_of(reply)


async def test_invite_redeem_once_and_revoke(engine: Engine, services: Services) -> None:
    store = SupportStore(services.db, services.keys)
    code, expires = await store.create_invite(services.clock.now(), "regio Utrecht")
    assert expires - services.clock.now() == timedelta(hours=48)
    row = await services.db.fetchone("SELECT code_tag FROM invites")
    assert row is not None and normalise_code(code) not in row[0] and code not in row[0]
    reply = await engine.handle(WORKER, Input.of_text(f"/beheer {code.lower()}"))
    assert "contactpersoon (B1)" in text_of(reply)
    assert any(b.id == "b:find" for b in reply.buttons())
    again = await engine.handle(WORKER + 1, Input.of_text(f"/beheer {code}"))
    assert "werkt niet" in text_of(again)
    workers = await store.list_workers()
    assert [(w.id, w.note, w.revoked_at) for w in workers] == [(1, "regio Utrecht", None)]
    assert await store.revoke(1, services.clock.now())
    assert not await store.revoke(1, services.clock.now())
    reply = await engine.handle(WORKER, Input.of_button("b:find"))
    assert "werkt niet meer" in text_of(reply)  # every action re-checks the role


async def test_expired_invite_does_not_work(engine: Engine, services: Services, clock) -> None:
    code, _ = await SupportStore(services.db, services.keys).create_invite(
        clock.now(), ttl=timedelta(hours=1)
    )
    clock.advance(timedelta(hours=2))
    reply = await engine.handle(WORKER, Input.of_text(f"/beheer {code}"))
    assert "werkt niet" in text_of(reply)
    assert await SupportStore(services.db, services.keys).role_of(services.keys.pseudonym(WORKER)) is None


async def test_guessing_is_rate_limited_per_user_and_in_total(
    engine: Engine, services: Services, clock
) -> None:
    store = SupportStore(services.db, services.keys)
    code, _ = await store.create_invite(clock.now())
    for i in range(MAX_ATTEMPTS_PER_USER):
        reply = await engine.handle(WORKER, Input.of_text(f"/beheer WRONG{i}"))
        assert "werkt niet" in text_of(reply)
    reply = await engine.handle(WORKER, Input.of_text(f"/beheer {code}"))
    assert "Te veel pogingen" in text_of(reply)  # even the right code waits
    clock.advance(timedelta(hours=1, minutes=1))
    reply = await engine.handle(WORKER, Input.of_text(f"/beheer {code}"))
    assert "contactpersoon" in text_of(reply)
    # In total: many pseudonyms guessing together stop those that guessed wrong, not a real worker.
    code2, _ = await store.create_invite(clock.now())
    for chat in range(1000, 1050):
        await store.redeem(services.keys.pseudonym(chat), "NOPE", clock.now())
    again = await store.redeem(services.keys.pseudonym(1000), "NOPE2", clock.now())
    assert again.status == "limited"
    result = await store.redeem(services.keys.pseudonym(2000), code2, clock.now())
    assert result.status == "ok", "a valid code on a first try always works"


async def test_stop_does_not_reset_the_guessing_limit(engine: Engine, services: Services, clock) -> None:
    store = SupportStore(services.db, services.keys)
    let_through = 0
    for round_ in range(40):  # /stop after every 5 guesses: 200 guesses
        for i in range(5):
            reply = await engine.handle(WORKER, Input.of_text(f"/beheer WRONG{round_}X{i}"))
            let_through += "werkt niet" in text_of(reply)
        await engine.handle(WORKER, Input.of_text("/stop"))
    assert let_through == MAX_ATTEMPTS_PER_USER
    rows = await services.db.fetchall("SELECT guess_key FROM invite_guesses")
    assert services.keys.pseudonym(WORKER) not in {r[0] for r in rows}, "a keyed record, not the pseudonym"
    code, _ = await store.create_invite(clock.now())
    clock.advance(timedelta(hours=1, minutes=1))
    assert "contactpersoon" in text_of(await engine.handle(WORKER, Input.of_text(f"/beheer {code}")))


async def test_cancel_a_date_previews_confirms_and_logs_without_recipients(
    engine: Engine, services: Services, clock
) -> None:
    mid = await make_meeting(services)
    followers = [await add_follower(services, chat, mid) for chat in (11, 12, 13)]
    await add_follower(services, 14, mid, sealed=False)
    await make_worker(services, engine, WORKER)
    reply = await engine.handle(WORKER, Input.of_button("b:find"))
    reply = await engine.handle(WORKER, Input.of_text("brug utrecht"))
    reply = await engine.handle(WORKER, press(reply, "De Brug"))
    reply = await engine.handle(WORKER, press(reply, "afzeggen"))
    reply = await engine.handle(WORKER, press(reply, "dinsdag 24 maart"))
    preview = text_of(reply)
    assert "Wijziging voor een meeting die je volgt" in preview
    assert "gaat op dinsdag 24 maart niet door" in preview
    assert "3 volgers" in preview and "1 zijn niet bereikbaar" in preview
    assert await drain(services, clock.now()) == []  # nothing sent before confirming
    reply = await engine.handle(WORKER, press(reply, "Versturen"))
    assert "Bericht 1 gaat naar 3 mensen" in text_of(reply)
    sent = await drain(services, clock.now())
    recipients = [o.user_key for o in sent if o.kind == "broadcast"]
    assert sorted(recipients) == sorted(followers)
    summary = [o for o in sent if o.kind == "broadcast_summary"]
    assert len(summary) == 1 and summary[0].user_key == services.keys.pseudonym(WORKER)
    assert "Verstuurd: 3" in text_of(summary[0].reply)
    progress = text_of(await engine.handle(WORKER, press(reply, "Voortgang")))
    assert (
        "Bericht 1 (klaar): verstuurd 3, geblokkeerd 0, mislukt 0, nog te doen 0, niet bereikbaar 1"
        in progress
    )
    change = await services.db.fetchone("SELECT kind, on_date, actor FROM meeting_changes")
    assert tuple(change) == ("cancel", "2026-03-24", "role:1")
    log = text_of(await engine.handle(WORKER, Input.of_text("/beheer log")))
    assert "cancel #1 2026-03-24 broadcast#1" in log
    rows = await services.db.fetchall("SELECT * FROM audit_log")
    flat = " ".join(str(v) for r in rows for v in r)
    for key in [*followers, services.keys.pseudonym(WORKER)]:
        assert key not in flat
    for chat in ("11", "12", "13", "14"):
        assert f" {chat} " not in f" {log} "


async def test_permanent_edit_close_reopen_and_announce(engine: Engine, services: Services, clock) -> None:
    mid = await make_meeting(services)
    await add_follower(services, 11, mid)
    await make_worker(services, engine, WORKER)
    reply = await engine.handle(WORKER, Input.of_button(f"b:m:{mid}"))
    reply = await engine.handle(WORKER, press(reply, "Blijvend"))
    reply = await engine.handle(WORKER, press(reply, "Tijd"))
    reply = await engine.handle(WORKER, Input.of_text("half acht"))
    assert "geen tijd" in text_of(reply)
    reply = await engine.handle(WORKER, Input.of_text("20.00"))
    assert "begint voortaan om 20:00" in text_of(reply)
    await engine.handle(WORKER, press(reply, "Versturen"))
    m = await get_meeting(services.db, mid)
    assert m is not None and (m.start_time, m.end_time) == ("20:00", "21:30")
    reply = await engine.handle(WORKER, Input.of_button(f"b:m:{mid}"))
    reply = await engine.handle(WORKER, press(reply, "Sluiten"))
    await engine.handle(WORKER, press(reply, "Versturen"))
    assert (await get_meeting(services.db, mid)).attendance == "inactive"  # type: ignore[union-attr]
    reply = await engine.handle(WORKER, Input.of_button(f"b:m:{mid}"))
    reply = await engine.handle(WORKER, press(reply, "Weer openen"))
    await engine.handle(WORKER, press(reply, "Versturen"))
    assert (await get_meeting(services.db, mid)).attendance == "in_person"  # type: ignore[union-attr]
    reply = await engine.handle(WORKER, Input.of_button(f"b:m:{mid}"))
    reply = await engine.handle(WORKER, press(reply, "Bericht aan volgers"))
    reply = await engine.handle(WORKER, Input.of_text("Koffie staat vanaf 19:00 klaar."))
    reply = await engine.handle(WORKER, press(reply, "Versturen"))
    sent = [o for o in await drain(services, clock.now()) if o.kind == "broadcast"]
    assert len(sent) == 4
    texts = [text_of(o.reply) for o in sent]
    assert all("— de contactpersoon van de groep" in t for t in texts)
    assert any("Koffie staat vanaf 19:00 klaar." in t for t in texts)


async def test_move_a_date_and_region_audience(engine: Engine, services: Services, clock) -> None:
    mid = await make_meeting(services)
    other = await make_meeting(services, "Andere groep")
    await add_follower(services, 11, mid)
    await add_follower(services, 12, other)
    await make_worker(services, engine, WORKER)
    reply = await engine.handle(WORKER, Input.of_button(f"b:m:{mid}"))
    reply = await engine.handle(WORKER, press(reply, "verplaatsen"))
    reply = await engine.handle(WORKER, press(reply, "31 maart"))
    reply = await engine.handle(WORKER, Input.of_text("20:15"))
    reply = await engine.handle(WORKER, Input.of_text("Wijkcentrum Oost, Oostweg 1, Utrecht"))
    assert "nieuwe tijd 20:15, nieuwe plek Wijkcentrum Oost" in text_of(reply)
    reply = await engine.handle(WORKER, press(reply, "Iedereen die NA volgt"))
    assert "2 mensen die NA volgen in Utrecht" in text_of(reply)
    await engine.handle(WORKER, press(reply, "Versturen"))
    sent = [o for o in await drain(services, clock.now()) if o.kind == "broadcast"]
    assert len(sent) == 2
    row = await services.db.fetchone("SELECT kind, on_date, new_start, new_location FROM meeting_changes")
    assert tuple(row) == ("move", "2026-03-31", "20:15", "Wijkcentrum Oost")


async def fill_in_add_form(engine: Engine) -> Reply:
    """A support worker fills in the add-a-meeting form: Al-Anon Zeist, Thursday 20:00-21:30."""
    reply = await engine.handle(WORKER, Input.of_button("b:add"))
    reply = await engine.handle(WORKER, Input.of_button("b:ap:ALANON"))
    reply = await engine.handle(WORKER, Input.of_text("Al-Anon Zeist"))
    reply = await engine.handle(WORKER, press(reply, "donderdag"))
    reply = await engine.handle(WORKER, Input.of_text("20:00-21:30"))
    reply = await engine.handle(WORKER, Input.of_text("Kerkzaal, Dorpsstraat 3, Zeist"))
    return reply


async def test_add_a_meeting_in_chat(engine: Engine, services: Services) -> None:
    await make_worker(services, engine, WORKER)
    reply = await fill_in_add_form(engine)
    assert "Klopt dit?" in text_of(reply)
    reply = await engine.handle(WORKER, press(reply, "Opslaan"))
    assert "De meeting staat erin." in text_of(reply)
    row = await services.db.fetchone(
        "SELECT source, program, weekday, start_time, end_time, location, city FROM meetings"
    )
    assert tuple(row) == ("beheer-chat", "ALANON", 4, "20:00", "21:30", "Kerkzaal", "Zeist")


async def test_a_meeting_added_in_chat_is_found_near_me_without_a_map_pin(
    engine: Engine, services: Services
) -> None:
    """Its town's centre makes it findable near me; the card shows no pin, since that is not the venue."""
    from storage.directory import MeetingStore

    await make_worker(services, engine, WORKER)
    reply = await fill_in_add_form(engine)
    await engine.handle(WORKER, press(reply, "Opslaan"))
    row = await services.db.fetchone("SELECT id, approximate FROM meetings WHERE source = 'beheer-chat'")
    assert row is not None and row[1] == 1
    found = await MeetingStore(services.db).near(52.09, 5.23)  # a few km from Zeist
    assert [n.meeting.id for n in found if n.meeting.program == "ALANON"] == [row[0]]
    card = await engine.handle(777, Input.of_button(f"c:start:{row[0]}"))
    assert "Dorpsstraat 3, Zeist" in text_of(card)
    assert all(m.pin is None for m in card.messages)


async def test_each_recipient_reads_it_in_their_own_language(
    engine: Engine, services: Services, clock
) -> None:
    mid = await make_meeting(services)
    nl = await add_follower(services, 11, mid)
    en = await add_follower(services, 12, mid)
    await services.users.save(en, "en", {}, clock.now())
    await make_worker(services, engine, WORKER)
    reply = await engine.handle(WORKER, Input.of_button(f"b:m:{mid}"))
    reply = await engine.handle(WORKER, press(reply, "afzeggen"))
    reply = await engine.handle(WORKER, press(reply, "dinsdag 24 maart"))
    await engine.handle(WORKER, press(reply, "Versturen"))
    sent = {o.user_key: text_of(o.reply) for o in await drain(services, clock.now()) if o.kind == "broadcast"}
    assert sent[nl].startswith("Wijziging voor een meeting die je volgt:")
    assert sent[en].startswith("A change for a meeting you follow:")
    assert "The Tuesday 19:30 meeting in Utrecht is cancelled on Tuesday 24 March." in sent[en]
    assert "Meeting: De Brug" in sent[en]
    assert "the group's contact person" in sent[en]


async def test_forged_and_stale_buttons_get_a_kind_answer(engine: Engine, services: Services) -> None:
    mid = await make_meeting(services)
    forged = [
        "b:m:abc", "b:m:99999", "b:cd:2026", "b:cd:20261399", "b:md:x", "b:pg:abc", "b:ef:xxx", "b:ok",
        "b:aok", "b:ad:9", "b:ap:XX", "b:aud:z", "b:mt", "b:mp", "b:zz", "b:", "b:cx", f"b:m:{mid}", "b:ok",
    ]  # fmt: skip
    for chat in (1, WORKER):
        if chat == WORKER:
            await make_worker(services, engine, WORKER)
        for bid in forged:
            reply = await engine.handle(chat, Input.of_button(bid))
            assert reply.messages and all(m.text for m in reply.messages), bid
        for text in ("", "x" * 5000, "/beheer " + "A" * 300, "24:61"):
            reply = await engine.handle(chat, Input.of_text(text or " "))
            assert reply.messages, text
    assert tuple(await services.db.fetchone("SELECT COUNT(*) FROM broadcasts")) == (0,)


async def test_chat_id_is_kept_only_while_something_can_be_sent(
    engine: Engine, services: Services, clock
) -> None:
    mid = await make_meeting(services)
    key = await add_follower(services, 11, mid)
    await make_worker(services, engine, WORKER)
    reply = await engine.handle(WORKER, Input.of_button(f"b:m:{mid}"))
    reply = await engine.handle(WORKER, press(reply, "Bericht aan volgers"))
    reply = await engine.handle(WORKER, Input.of_text("Koffie vanaf 19:00."))
    await engine.handle(WORKER, press(reply, "Versturen"))
    assert not await forget_chat_if_unneeded(services.db, key)  # follows, and a message is queued
    await engine.handle(11, Input.of_button(f"c:unfollow:{mid}"))  # unfollows while it is queued
    assert (await services.users.get(key)).has_chat  # type: ignore[union-attr]
    sent = await drain(services, clock.now())
    assert [o.user_key for o in sent if o.kind == "broadcast"] == [key]
    assert not (await services.users.get(key)).has_chat  # type: ignore[union-attr]
    worker = await services.users.get(services.keys.pseudonym(WORKER))
    assert worker is not None and worker.has_chat  # a support worker keeps it for the summaries


async def test_a_permanent_move_to_another_address_drops_the_old_map_point(
    engine: Engine, services: Services
) -> None:
    """After a new address the old pin would point at the wrong building: the town's centre replaces it."""
    from conversations.support_actions import apply_change

    mid = await make_meeting(services)
    async with services.db.tx() as tx:
        await tx.execute("UPDATE meetings SET lat = 52.09, lon = 5.12, cell = 1 WHERE id = ?", (mid,))
    info = await get_meeting(services.db, mid)
    assert info is not None
    async with services.db.tx() as tx:
        params = {"field": "place", "value": "Wijkcentrum Oost, Dorpsstraat 3, Zeist"}
        await apply_change(tx, info, "edit", params, None, services.clock.now(), "B1")
    row = await services.db.fetchone(
        "SELECT address, approximate, lat, lon FROM meetings WHERE id = ?", (mid,)
    )
    assert row is not None and row[0] == "Dorpsstraat 3, Zeist" and row[1] == 1
    assert abs(row[2] - 52.09) > 0.005 or abs(row[3] - 5.12) > 0.05  # no longer the old Utrecht point
    card = await engine.handle(777, Input.of_button(f"c:start:{mid}"))
    assert all(m.pin is None for m in card.messages)
