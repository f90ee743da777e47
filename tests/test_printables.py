"""Poster and week list: A4 PDFs read back with pypdf (key texts, Dutch letters, the link, urgent help)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from content.i18n import translator
from conversations.context import Services
from printables.poster import poster_pdf
from printables.sheet import printable
from printables.week_list import load_week, week_list_pdf
from storage.directory import MeetingStore
from storage.importers import parse_file
from tests.conftest import SHARED, cli_env, run_cli

REAL = SHARED / "data" / "nl-meetings-2026-07-18.json"
DEMO = Path(__file__).resolve().parent.parent / "content" / "demo" / "demo_meetings.json"
A4_POINTS = (595, 842)
URL = "https://t.me/EersteStapBot?start=wachtlijst--wachtkamer_utrecht"


def read(data: bytes) -> tuple[str, list[tuple[int, int]]]:
    """All text of a PDF (spaces and line breaks folded) and the size of each page in points."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    return text, sizes


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_poster_says_what_free_anonymous_link_and_urgent_help(lang: str) -> None:
    t = translator(lang)
    text, sizes = read(poster_pdf(t, URL, "wachtlijst"))
    assert sizes == [A4_POINTS]
    for key in ("print.poster.head.wachtlijst", "print.poster.free", "print.poster.urgent"):
        assert " ".join(t.t(key).split()) in text
    assert URL in text
    assert "113" in text and "112" in text


def test_dutch_letters_survive_and_symbols_become_plain() -> None:
    assert printable("Coöperatie één, café — ’s-Hertogenbosch") == "Coöperatie één, café — ’s-Hertogenbosch"
    assert printable("volgende ▶ → ✓") == "volgende > -> v"


async def test_week_list_day_by_day_from_the_demo_directory(services: Services) -> None:
    now = datetime(2026, 3, 23, 10, 0, tzinfo=UTC)  # a Monday
    await MeetingStore(services.db).load_demo(DEMO, now)
    week = await load_week(services.db, 52.0907, 5.1214, "Utrecht", now, radius_km=5)
    assert week.count > 0 and week.demo
    assert all(r.km is not None and r.km <= 5 for _, rows in week.days for r in rows)
    t = translator("nl")
    text, sizes = read(week_list_pdf(t, week, now, "https://t.me/EersteStapBot?start=buurt"))
    assert set(sizes) == {A4_POINTS}
    assert "Zelfhulpgroepen bij Utrecht" in text
    assert "maandag 23 maart" in text.lower() and "zondag 29 maart" in text.lower()
    assert "Gemaakt op maandag 23 maart." in text
    assert "Kijk voor wijzigingen in de bot." in text
    assert "Deze meetings zijn verzonnen." in text  # invented meetings are never shown as real
    first = week.days[0][1][0]
    assert first.meeting.name in text


async def test_week_list_program_filter_and_across_the_dst_change(services: Services) -> None:
    now = datetime(2026, 10, 22, 10, 0, tzinfo=UTC)  # the week holds the last Sunday of October
    await MeetingStore(services.db).load_demo(DEMO, now)
    week = await load_week(services.db, 52.0907, 5.1214, "Utrecht", now, radius_km=30, program="NA")
    rows = [r for _, day_rows in week.days for r in day_rows]
    assert rows and {r.meeting.program for r in rows} == {"NA"}
    for r in rows:  # wall-clock times stay as the group set them on both sides of the change
        assert r.occurrence.begins.strftime("%H:%M") == r.meeting.start_time


def test_cli_writes_both_pdfs_and_refuses_bad_input(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    env = cli_env(EERSTESTAP_BOT_USERNAME="EersteStapBot")
    poster = tmp_path / "poster.pdf"
    done = run_cli("poster", "--tag", "wachtkamer_utrecht", "--flow", "wachtlijst", "--lang", "en", "-o",
                   str(poster), "--db", db, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    text, _ = read(poster.read_bytes())
    assert "Free and anonymous." in text and URL in text
    lijst = tmp_path / "lijst.pdf"
    done = run_cli("list", "--place", "Utrecht", "--radius", "10", "-o", str(lijst), "--db", db, env=env)
    assert done.returncode == 0, done.stderr
    assert "Zelfhulpgroepen bij Utrecht" in read(lijst.read_bytes())[0]
    for bad in (["poster", "--tag", "06 12345678", "-o", str(poster)],
                ["list", "--place", "Xyzzyvillebergen", "-o", str(lijst)],
                ["list", "--place", "Utrecht", "--radius", "0", "-o", str(lijst)]):  # fmt: skip
        done = run_cli(*bad, "--db", db, env=env)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.startswith("eerstestap ")


@pytest.mark.skipif(not REAL.exists(), reason="shared data not available")
async def test_real_snapshot_list_for_utrecht(services: Services) -> None:
    now = datetime(2026, 7, 20, 10, 0, tzinfo=UTC)
    parsed, _, source = parse_file(REAL)
    await MeetingStore(services.db).import_parsed(parsed, source, now)
    week = await load_week(services.db, 52.0907, 5.1214, "Utrecht", now, radius_km=25)
    assert week.count >= 20 and not week.demo
    text, sizes = read(week_list_pdf(translator("nl"), week, now, "https://t.me/EersteStapBot?start=buurt"))
    assert set(sizes) == {A4_POINTS}
    for _, rows in week.days:
        for r in rows:
            assert r.meeting.name.split()[0] in text
    assert "Hulp nu: bel 113" in text
