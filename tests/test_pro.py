"""Professionals: practical topics, a referral link for a team with a QR code, and masked monthly figures
that follow what the referred people did, without ever pointing at one of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from trial_support import add_meeting, drain

from conversations.context import Services
from conversations.engine import Engine
from conversations.reminders import SOURCE
from conversations.types import Input, Reply
from storage.referrers import mask, tag_figures
from tests.conftest import TEST_SECRET, cli_env, run_cli

PRO = 7001
CLIENTS = (7101, 7102, 7103)


def text(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


def ids(reply: Reply) -> list[str]:
    return [b.id for b in reply.buttons()]


async def checkin_of(engine: Engine, services: Services) -> tuple[str, str]:
    """Run the clock to the first check-in; its 'yes' button id and whose it is."""
    for _ in range(20):
        at = await SOURCE.next_due_at(services)
        assert at is not None
        for item in await drain(services, at):
            if item.kind == "trial.checkin":
                return f"t:yes:{item.ref}", item.user_key
    raise AssertionError("no check-in")


async def test_start_hulpverlener_and_the_privacy_screen_lead_to_practical_topics(engine: Engine) -> None:
    home = await engine.handle(PRO, Input.of_text("/start hulpverlener"))
    assert "cliënten" in text(home) and "p:topic:refer" in ids(home)
    refer = await engine.handle(PRO, Input.of_button("p:topic:refer"))
    assert "zes keer" in text(refer) and "ga de eerste keer mee" in text(refer)
    privacy = await engine.handle(PRO, Input.of_text("/privacy"))
    assert "p:start" in ids(privacy)
    doubts = await engine.handle(PRO, Input.of_button("p:topic:doubts"))
    assert "gelovig" in text(doubts) and "Al-Anon" in text(doubts)
    assert "Dat begrijp ik niet" not in text(await engine.handle(PRO, Input.of_button("p:topic:nope")))


async def test_link_opened_by_three_two_try_one_goes_then_a_stop(engine: Engine, services: Services) -> None:
    mid = await add_meeting(services.db)
    await engine.handle(PRO, Input.of_text("/start hulpverlener"))
    made = await engine.handle(PRO, Input.of_button("p:make:wachtlijst"))
    link = next(w for w in text(made).split() if w.startswith("https://t.me/"))
    payload = link.split("?start=", 1)[1]
    phase, tag = payload.split("--")
    assert phase == "wachtlijst" and len(tag) == 8
    qr = next(m.document for m in made.messages if m.document is not None)
    assert qr.mime_type == "image/png" and qr.data.startswith(b"\x89PNG")

    for chat in CLIENTS:  # three clients open the link: it opens the waiting-list topic
        opened = await engine.handle(chat, Input.of_text(f"/start {payload}"))
        assert "Wachten" in text(opened)
    for chat in CLIENTS[:2]:  # two start a trial
        await engine.handle(chat, Input.of_button(f"t:start:m{mid}"))
        await engine.handle(chat, Input.of_button(f"t:new:{mid}:2h"))
    yes, key = await checkin_of(engine, services)
    owner = next(c for c in CLIENTS[:2] if services.keys.pseudonym(c) == key)
    await engine.handle(owner, Input.of_button(yes))

    (month,) = await tag_figures(services.db, [tag])
    assert (month.opened, month.trials, month.first, month.six) == (3, 2, 1, 0)
    assert month.masked() == {"opened": "<5", "trials": "<5", "first": "<5", "six": "<5"}
    figures = await engine.handle(PRO, Input.of_button("p:figures"))
    assert f"Link {tag} (Wachtlijst)" in text(figures)
    assert "geopend <5 · proef gestart <5 · eerste keer <5 · zes keer <5" in text(figures)
    assert " 3 " not in text(figures) and " 2 " not in text(figures)

    await engine.handle(CLIENTS[0], Input.of_text("/stop"))
    key = services.keys.pseudonym(CLIENTS[0])
    for table in ("users", "trials", "reminders", "referrer_tags"):
        row = await services.db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE user_key = ?", (key,))
        assert row is not None and row[0] == 0, table
    (after,) = await tag_figures(services.db, [tag])
    assert (after.opened, after.trials, after.first) == (3, 2, 1)  # anonymous counts stay right
    await engine.handle(PRO, Input.of_text("/stop"))
    row = await services.db.fetchone("SELECT COUNT(*) FROM referrer_tags")
    assert row is not None and row[0] == 0


async def test_the_tag_is_only_on_the_trial_row(engine: Engine, services: Services) -> None:
    mid = await add_meeting(services.db)
    await engine.handle(PRO, Input.of_button("p:make:intake"))
    (tag,) = [r[0] for r in await services.db.fetchall("SELECT tag FROM referrer_tags")]
    await engine.handle(CLIENTS[0], Input.of_text(f"/start intake--{tag}"))
    user = await services.db.fetchone("SELECT state FROM users WHERE user_key = ?",
                                      (services.keys.pseudonym(CLIENTS[0]),))  # fmt: skip
    assert user is not None and tag not in user[0]
    await engine.handle(CLIENTS[0], Input.of_button(f"t:start:m{mid}"))
    await engine.handle(CLIENTS[0], Input.of_button(f"t:new:{mid}:2h"))
    row = await services.db.fetchone("SELECT referral_tag FROM trials")
    assert row is not None and row[0] == tag


async def test_progress_card_to_forward(engine: Engine, services: Services) -> None:
    mid = await add_meeting(services.db)
    await engine.handle(CLIENTS[0], Input.of_button(f"t:start:m{mid}"))
    mine = await engine.handle(CLIENTS[0], Input.of_button(f"t:new:{mid}:2h"))
    mine = await engine.handle(CLIENTS[0], Input.of_button("t:start"))
    assert "t:share" in ids(mine)
    card = await engine.handle(CLIENTS[0], Input.of_button("t:share"))
    assert card.messages[0].text == "Ik ben 0 van de 6 keer naar een zelfhulpgroep geweest."
    assert "t.me" not in card.messages[0].text and not card.messages[0].buttons


@pytest.mark.parametrize(("n", "shown"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, "5"), (12, "12")])
def test_mask(n: int, shown: str) -> None:
    assert mask(n) == shown


async def test_admin_figures_json_per_tag(db_path: Path, engine: Engine, services: Services) -> None:
    await engine.handle(PRO, Input.of_button("p:make:nazorg"))
    (tag,) = [r[0] for r in await services.db.fetchall("SELECT tag FROM referrer_tags")]
    for chat in CLIENTS:
        await engine.handle(chat, Input.of_text(f"/start nazorg--{tag}"))
    env = cli_env(EERSTESTAP_SECRET_KEY=TEST_SECRET)
    done = run_cli("admin", "figures", "--json", "--db", str(db_path), env=env)
    assert done.returncode == 0, done.stderr
    rows = [r for r in json.loads(done.stdout)["tags"] if r["tag"] == tag]
    month = services.clock.now().strftime("%Y-%m")
    assert rows == [{"tag": tag, "month": month, "opened": "<5", "trials": "<5", "first": "<5", "six": "<5"}]
