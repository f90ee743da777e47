"""Every declared step of every flow renders, and a sticker, /taal or a crisis text returns to that step."""

from __future__ import annotations

from typing import Any

import pytest
from directory_helpers import demo_id
from support_helpers import make_worker

from content.i18n import translator
from conversations.assembly import flows
from conversations.buttons import BACK_ID, has_exit, parse_button
from conversations.context import Services
from conversations.engine import Engine
from conversations.flows.card import CardState
from conversations.flows.learn import LearnState
from conversations.flows.near import NearState
from conversations.flows.state import dump_state
from conversations.flows.support import SupportState
from conversations.flows.trial import TrialState
from conversations.flows.welcome import WelcomeState
from conversations.flows.which import WhichState
from conversations.location_cache import LOCATIONS
from conversations.places import resolve
from conversations.types import Input, Reply
from storage.support import SupportStore

NL, EN = translator("nl"), translator("en")
FLOWS = {f.name: f for f in flows()}
STEPS = [(f.name, step) for f in FLOWS.values() for step in f.steps]
CRISIS = "ik wil er niet meer zijn"
TRIAL_OPEN = {"switch", "mine", "timing", "stop"}


def texts(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


async def step_of(services: Services, chat: int) -> tuple[str, str]:
    row = await services.users.get(services.keys.pseudonym(chat))
    assert row is not None
    return str(row.state.get("flow", "menu")), str(row.state.get("step", ""))


async def other_meeting(services: Services, than: int) -> int:
    row = await services.db.fetchone(
        "SELECT id FROM meetings WHERE id != ? AND attendance != 'inactive' ORDER BY id LIMIT 1", (than,)
    )
    assert row is not None
    return int(row[0])


async def prepare(services: Services, engine: Engine, chat: int, flow: str, step: str) -> None:
    """Plausible data for one step (a worker role, an open trial, a search point), then store the state."""
    mid = await demo_id(services, "voorbeeld-02")
    key = services.keys.pseudonym(chat)
    now = services.clock.now()
    state: Any = FLOWS[flow].State()
    if flow == "learn":
        state = LearnState(topic="what", part=1, program="AA")
    elif flow == "which":
        state = WhichState(answers={"who": "self"})
    elif flow == "card":
        state = CardState(meeting=mid)
    elif flow == "near":
        state = NearState(cat="p")
        LOCATIONS.put(key, 52.09, 5.12, now)
        if step == "choose":
            found = resolve("Bergen")
            LOCATIONS.put_choices(key, [p.id for p in found.places], now)
    elif flow == "trial":
        state = TrialState(mid=mid, program="NA")
        if step in TRIAL_OPEN:
            await engine.handle(chat, Input.of_button(f"t:start:m{mid}"))
            await engine.handle(chat, Input.of_button(f"t:new:{mid}:2h"))
            if step == "switch":
                state = TrialState(mid=await other_meeting(services, mid))
    elif flow == "support":
        await make_worker(services, engine, chat)
        kind = "move" if step.startswith("mv_") else "note" if step == "note" else "cancel"
        state = SupportState(
            mid=mid,
            kind=kind,
            params={"date": "2026-03-24", "field": "time", "start": "20:00"},
            text="Neem koffie mee",
            prog="NA",
            name="De Brug",
            day=2,
            start="19:30",
            place="Buurthuis De Linde, Lindelaan 4, Utrecht",
        )
    elif flow == "welcome":
        state = WelcomeState(mid=mid, day="2026-03-24")
        if step in ("home", "pick"):
            code, _ = await SupportStore(services.db, services.keys).create_invite(now, role="welcomer")
            await engine.handle(chat, Input.of_text(f"/opvang {code}"))
    row = await services.users.get(key)
    await services.users.save(
        key, row.lang if row else "nl", {"flow": flow, "step": step, "data": dump_state(state)}, now
    )


def check_buttons(reply: Reply) -> None:
    """Every button leads to a declared action of a flow (or to 'start', or back to the step)."""
    by_prefix = {f.prefix: f for f in FLOWS.values()}
    for b in reply.buttons():
        if b.url or b.id == BACK_ID:
            continue
        prefix, action, _ = parse_button(b.id)
        assert prefix in by_prefix, b.id
        assert action == "start" or action in by_prefix[prefix].actions, b.id


@pytest.mark.parametrize(("flow", "step"), STEPS)
async def test_every_declared_step_renders_and_comes_back(
    demo: Services, engine: Engine, flow: str, step: str
) -> None:
    services = demo
    chat = 5000
    await prepare(services, engine, chat, flow, step)

    shown = await engine.resume(chat)  # as after a restart, or a sticker (the adapter resumes on media)
    assert shown.messages and has_exit(shown), (flow, step)
    check_buttons(shown)
    assert await step_of(services, chat) == (flow, step), "show() keeps the step"

    urgent = await engine.handle(chat, Input.of_text(CRISIS))
    assert "113" in texts(urgent)
    assert await step_of(services, chat) == (flow, step), "a crisis text keeps the step"
    back = await engine.handle(chat, Input.of_button(BACK_ID))
    assert texts(back) == texts(shown) and await step_of(services, chat) == (flow, step)

    chooser = await engine.handle(chat, Input.of_text("/taal"))
    assert "s:setlang:en" in {b.id for b in chooser.buttons()}
    switched = await engine.handle(chat, Input.of_button("s:setlang:en"))
    assert switched.messages[0].text == EN.t("lang.set")
    assert await step_of(services, chat) == (flow, step), "/taal keeps the step"
    if flow != "menu":
        assert len(switched.messages) > 1, "the same screen again, in the new language"

    again = await engine.resume(chat)
    assert again.messages and await step_of(services, chat) == (flow, step)


def test_every_flow_declares_its_steps_and_actions() -> None:
    for flow in FLOWS.values():
        if flow.name in ("settings", "urgent"):  # screens over the current step: they keep no step
            assert not flow.steps and flow.actions
            continue
        assert flow.first in flow.steps and flow.actions, flow.name
    assert len(STEPS) >= 40


# --- the cases issue 10 names ------------------------------------------------------------------------


async def test_a_sticker_in_the_add_meeting_form_keeps_the_form(services: Services, engine: Engine) -> None:
    chat = 6001
    await make_worker(services, engine, chat)
    await engine.handle(chat, Input.of_button("b:add"))
    await engine.handle(chat, Input.of_button("b:ap:NA"))
    await engine.handle(chat, Input.of_text("De Brug"))
    asked = await engine.handle(chat, Input.of_button("b:ad:2"))
    assert NL.t("support.add.time") in texts(asked)

    resumed = await engine.resume(chat)  # what the adapter does for a sticker
    assert NL.t("support.add.time") in texts(resumed)
    await engine.handle(chat, Input.of_text("19:30"))
    await engine.resume(chat)  # a second sticker, one question later
    summary = await engine.handle(chat, Input.of_text("Buurthuis De Linde, Lindelaan 4, Utrecht"))
    assert "De Brug" in texts(summary) and "19:30" in texts(summary)
    saved = await engine.handle(chat, Input.of_button("b:aok"))
    assert NL.t("support.add.saved") in texts(saved)
    row = await services.db.fetchone("SELECT name, weekday, start_time FROM meetings WHERE name = 'De Brug'")
    assert row is not None and tuple(row) == ("De Brug", 2, "19:30")


async def test_taal_in_the_which_group_wizard_keeps_the_question(engine: Engine) -> None:
    chat = 6002
    await engine.handle(chat, Input.of_button("w:start"))
    asked = await engine.handle(chat, Input.of_button("w:a:who:self"))
    assert "w:a:what:alcohol" in {b.id for b in asked.buttons()}
    await engine.handle(chat, Input.of_text("/taal"))
    switched = await engine.handle(chat, Input.of_button("s:setlang:en"))
    assert EN.t("which.q.what") in texts(switched), "the same question, now in English"
    after = await engine.handle(chat, Input.of_button("w:a:what:alcohol"))
    assert "w:a:young:yes" in {b.id for b in after.buttons()}, "and the answers so far are kept"


async def test_taal_with_an_open_check_in_keeps_the_check_in(demo: Services, engine: Engine) -> None:
    from support_helpers import drain

    services, chat = demo, 6003
    mid = await demo_id(services, "voorbeeld-02")  # NA, Tuesday 19:30; the clock is Monday 10:00
    await engine.handle(chat, Input.of_button(f"t:start:m{mid}"))
    await engine.handle(chat, Input.of_button(f"t:new:{mid}:none"))
    key = services.keys.pseudonym(chat)
    from datetime import UTC, datetime

    services.clock.set(datetime(2026, 3, 24, 20, 30, tzinfo=UTC))  # type: ignore[attr-defined]
    [checkin] = await drain(services, services.clock.now(), user_key=key)
    yes = next(b.id for b in checkin.reply.buttons() if b.id.startswith("t:yes:"))
    before = await step_of(services, chat)

    await engine.handle(chat, Input.of_text("/taal"))
    switched = await engine.handle(chat, Input.of_button("s:setlang:en"))
    assert switched.messages[0].text == EN.t("lang.set")
    assert await step_of(services, chat) == before
    answered = await engine.handle(chat, Input.of_button(yes))
    assert EN.t("trial.progress", n=1, goal=6) in texts(answered), "the check-in still counts"


async def test_an_old_trial_button_after_stop_asks_first(demo: Services, engine: Engine) -> None:
    services, chat = demo, 6004
    mid = await demo_id(services, "voorbeeld-02")
    offer = await engine.handle(chat, Input.of_button(f"t:start:m{mid}"))
    old = f"t:new:{mid}:2h"
    assert old in {b.id for b in offer.buttons()}
    await engine.handle(chat, Input.of_text("/stop"))

    reply = await engine.handle(chat, Input.of_button(old))
    assert reply.messages[0].text == NL.t("common.ask_again")
    assert old in {b.id for b in reply.buttons()}, "the offer again, to choose once more"
    trials = await services.db.fetchone("SELECT COUNT(*) FROM trials")
    assert trials is not None and trials[0] == 0, "not re-enrolled silently"

    started = await engine.handle(chat, Input.of_button(old))  # pressed on the offer: now it starts
    assert NL.t("trial.started", n=0, goal=6).split("\n")[0][:20] in texts(started)
    trials = await services.db.fetchone("SELECT COUNT(*) FROM trials")
    assert trials is not None and trials[0] == 1


async def test_an_old_follow_button_after_stop_shows_the_card_first(demo: Services, engine: Engine) -> None:
    services, chat = demo, 6005
    mid = await demo_id(services, "voorbeeld-02")
    card = await engine.handle(chat, Input.of_button(f"c:start:{mid}"))
    old = f"c:follow:{mid}"
    assert old in {b.id for b in card.buttons()}
    await engine.handle(chat, Input.of_text("/stop"))

    reply = await engine.handle(chat, Input.of_button(old))
    assert reply.messages[0].text == NL.t("common.ask_again") and old in {b.id for b in reply.buttons()}
    follows = await services.db.fetchone("SELECT COUNT(*) FROM follows")
    assert follows is not None and follows[0] == 0, "not following without asking"
    await engine.handle(chat, Input.of_button(old))
    follows = await services.db.fetchone("SELECT COUNT(*) FROM follows")
    assert follows is not None and follows[0] == 1


async def test_an_undeclared_step_is_refused_and_a_stale_one_shows_the_first(
    services: Services, engine: Engine
) -> None:
    chat = 6006
    key = services.keys.pseudonym(chat)
    await services.users.save(
        key, "nl", {"flow": "which", "step": "gone", "data": {"answers": 7}}, services.clock.now()
    )
    reply = await engine.resume(chat)
    assert NL.t("which.q.who") in texts(reply)
    assert await step_of(services, chat) == ("which", "q")
    ctx = await engine.context(chat)
    with pytest.raises(KeyError):
        FLOWS["which"].enter(ctx, "nowhere")


def test_no_flow_writes_a_button_id_by_hand() -> None:
    """Button ids come from conversations.buttons (which checks the 64-byte limit), never string literals."""
    import re

    from conftest import ROOT

    literal = re.compile(r"""["'][a-z]{1,2}:[a-z]+""")
    found = [
        f"{path.name}:{n}"
        for path in sorted((ROOT / "conversations").rglob("*.py"))
        if path.name != "buttons.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if literal.search(line)
    ]
    assert found == []
