"""Finding meetings (issue 12): language filter, postcodes, near-first order, demo labels, names not codes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.demo_directory import DEMO_FILE
from conversations.context import Services
from conversations.engine import Engine
from conversations.meeting_format import cut_label
from conversations.types import Input
from storage.db import Database
from storage.directory import Filters, MeetingStore
from storage.languages import language_match
from storage.meeting import Meeting
from storage.postcodes import estimate, parse_postcode, postcode_point
from tests.conftest import cli_env, run_cli
from tests.directory_helpers import press, say, share, text
from tests.support_helpers import make_meeting, make_worker

BASE = Meeting(
    source="t", slug="x", program="CA", name="Woensdag", weekday=3, start_time="20:00", end_time="21:00",
    timezone="Europe/Amsterdam", attendance="in_person", city="Amsterdam", lat=52.37, lon=4.89,
)  # fmt: skip


def listing(body: str) -> list[str]:
    return [line for line in body.splitlines() if line[:2].rstrip(".").isdigit()]


# --- language ------------------------------------------------------------------------------------------


def test_language_match_reads_code_types_and_name() -> None:
    assert language_match(replace(BASE, language="en"), "en") == "yes"
    assert language_match(replace(BASE, types=("ENG",)), "en") == "yes"
    assert language_match(replace(BASE, name="Bilingual meeting"), "en") == "yes"
    assert language_match(replace(BASE, name="Bilingual meeting"), "nl") == "yes"
    assert language_match(replace(BASE, name="English step-meeting"), "en") == "yes"
    assert language_match(replace(BASE, name="BI Lingual/lunch meeting"), "en") == "yes"
    assert language_match(BASE, "en") == "unknown"
    assert language_match(replace(BASE, language="nl"), "en") == "no"
    assert language_match(replace(BASE, language="pl"), "nl") == "no"


async def test_english_filter_keeps_unknown_language_and_marks_it(services: Services) -> None:
    store = MeetingStore(services.db)
    now = services.clock.now()
    for slug, name, lang in [("a", "Bilingual meeting", None), ("b", "Dinsdag", None), ("c", "Dutch", "nl")]:
        await store.add(replace(BASE, slug=slug, name=name, language=lang), now)
    found = await store.near(52.37, 4.89, Filters(language="en"), limit=10)
    assert sorted(n.meeting.name for n in found) == ["Bilingual meeting", "Dinsdag"]


async def test_the_chat_lists_known_english_first_and_marks_unknown(
    engine: Engine, services: Services
) -> None:
    store = MeetingStore(services.db)
    now = services.clock.now()
    await store.add(replace(BASE, slug="near", name="Dichtbij", lat=52.3701, lon=4.8901), now)
    await store.add(replace(BASE, slug="bi", name="Bilingual meeting", lat=52.40, lon=4.89), now)
    await press(engine, "n:start")
    await share(engine, 52.37, 4.89)
    reply = await press(engine, "n:f:l:en")
    lines = listing(text(reply))
    assert "Bilingual meeting" in lines[0] and "taal onbekend" not in lines[0]
    assert "Dichtbij" in lines[1] and lines[1].endswith("(taal onbekend)")


async def test_cli_near_language_option(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    near = run_cli("directory", "near", "Utrecht", "--language", "en", "--db", db)
    assert near.returncode == 0, near.stderr
    bad = run_cli("directory", "near", "Utrecht", "--language", "english", "--db", db)
    assert bad.returncode == 2


# --- postcodes -----------------------------------------------------------------------------------------


def test_postcode_forms() -> None:
    assert parse_postcode("3511 AB") == parse_postcode("3511AB") == parse_postcode(" 3511 ") == "3511"
    assert parse_postcode("3511 AB Utrecht") == "3511"
    assert parse_postcode("Utrecht") is None and parse_postcode("0123") is None
    assert parse_postcode("52.09, 5.12") is None


def test_an_area_without_meetings_borrows_from_neighbouring_numbers() -> None:
    centres = {3511: (52.09, 5.12), 3581: (52.09, 5.13), 1012: (52.37, 4.89)}
    own = estimate(3511, centres)
    assert own is not None and not own.borrowed and (own.lat, own.lon) == (52.09, 5.12)
    near = estimate(3512, centres)
    assert near is not None and near.borrowed and abs(near.lat - 52.09) < 0.01
    assert estimate(9711, centres) is None  # no known area in the 97xx region


async def test_a_typed_postcode_searches_around_its_area(engine: Engine, services: Services) -> None:
    store = MeetingStore(services.db)
    now = services.clock.now()
    await store.add(
        replace(BASE, slug="u", name="Utrecht centrum", postal_code="3511 AB", lat=52.09, lon=5.12), now
    )
    await store.add(
        replace(BASE, slug="a", name="Amsterdam", postal_code="1012 AB", lat=52.37, lon=4.89), now
    )
    await press(engine, "n:start")
    reply = await say(engine, "3511AB")
    body = text(reply)
    assert "postcode 3511" in body and "ongeveer" in body
    assert "Utrecht centrum" in listing(body)[0]
    reply = await say(engine, "9711 AB")
    assert "postcode kan ik niet plaatsen" in text(reply)
    point = await postcode_point(services.db, "3511 AB")
    assert point is not None and (point.lat, point.lon) == (52.09, 5.12)


# --- order, labels, names ------------------------------------------------------------------------------


async def test_nearest_first_by_default(engine: Engine, services: Services) -> None:
    """A meeting 0.2 km away comes before one 25 km away that is sooner (Groningen before the fix)."""
    store = MeetingStore(services.db)
    now = services.clock.now()  # Monday 11:00 in Amsterdam
    await store.add(replace(BASE, slug="far", name="Ver weg", weekday=1, lat=52.59, lon=4.89), now)
    await store.add(replace(BASE, slug="near", name="Om de hoek", weekday=7, lat=52.372, lon=4.89), now)
    await press(engine, "n:start")
    lines = listing(text(await share(engine, 52.37, 4.89)))
    assert "Om de hoek" in lines[0] and "Ver weg" in lines[1]


def test_cut_label_at_a_word() -> None:
    long = "1. Zaterdagochtend Topicmeeting Koninginneweg Rotterdam centrum"
    cut = cut_label(long, 40)
    assert cut.endswith("…") and len(cut) <= 40
    assert long.startswith(cut[:-1]) and long[len(cut) - 1] == " "
    assert cut_label("Kort", 40) == "Kort"


async def test_meeting_buttons_are_cut_at_a_word(engine: Engine, services: Services) -> None:
    name = "Zaterdagochtend Topicmeeting Koninginneweg Rotterdam met een lange naam"
    await MeetingStore(services.db).add(replace(BASE, name=name), services.clock.now())
    await press(engine, "n:start")
    reply = await share(engine, 52.37, 4.89)
    label = next(b.label for b in reply.buttons() if b.id.startswith("c:start:"))
    assert label.endswith("…") and f"1. {name}".startswith(label[:-1]) and label[-2] != " "
    assert f"1. {name}"[len(label) - 1] == " "


async def test_names_not_codes_in_filters_and_support_screens(engine: Engine, services: Services) -> None:
    await press(engine, "n:start")
    await press(engine, "n:fm")
    reply = await press(engine, "n:fc:p")
    labels = [b.label for b in reply.buttons()]
    assert "Al-Anon" in labels and "Buitenveldert" in labels
    assert not {"ALANON", "BV", "DD"} & set(labels)
    await make_worker(services, engine, 900)
    reply = await engine.handle(900, Input.of_button("b:add"))
    labels = [b.label for b in reply.buttons()]
    assert not {"ALANON", "BV", "DD", "ALATEEN"} & set(labels) and "Al-Anon" in labels
    mid = await make_meeting(services, program="ALANON")
    reply = await engine.handle(900, Input.of_button(f"b:m:{mid}"))
    assert "ALANON" not in text(reply) and "Al-Anon" in text(reply)


async def test_a_real_meeting_in_a_demo_directory_is_not_called_made_up(
    engine: Engine, demo: Services
) -> None:
    real = replace(BASE, source="beheer-chat", name="Echte meeting Utrecht", lat=52.0901, lon=5.1201)
    await MeetingStore(demo.db).add(real, demo.clock.now())
    await press(engine, "n:start")
    body = text(await share(engine, 52.09, 5.12))
    assert "Voorbeeld: deze meetings zijn verzonnen." not in body
    assert "(voorbeeld)" in body
    line = next(line for line in listing(body) if "Echte meeting" in line)
    assert "(voorbeeld)" not in line
    assert all("(voorbeeld)" in line for line in listing(body) if "Echte meeting" not in line)


async def test_run_refuses_any_demo_meeting_without_allow_demo(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    now = datetime(2026, 3, 23, tzinfo=UTC)
    async with Database(db) as d:
        store = MeetingStore(d)
        await store.load_demo(DEMO_FILE, now)
        await store.add(replace(BASE, source="beheer-chat"), now)  # one real meeting added by a worker
    env = cli_env(TELEGRAM_BOT_TOKEN="123456:ABCdefGhIJKlmnoPQRstuVWxyz0123456789")
    result = run_cli("run", "--db", str(db), "--env-file", str(tmp_path / "none.env"), env=env)
    assert result.returncode == 3
    assert "demo" in result.stderr and "drop-demo" in result.stderr
    dropped = run_cli("directory", "drop-demo", "--db", str(db))
    assert dropped.returncode == 0 and "removed" in dropped.stdout
