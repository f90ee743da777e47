"""The static website: what is published, what is not, discreet calendar files, privacy and size."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from content.i18n import translator
from conversations.context import Services
from site_builder.build import find_leaflet
from site_builder.ics import telling
from storage.directory import MeetingStore
from storage.edits import cancel_date
from storage.feeds import record_sync
from storage.meeting import get_meeting
from storage.occurrences import next_slots
from tests.conftest import cli_env, run_cli
from tests.directory_helpers import load_demo
from tests.site_helpers import BOT, REAL, SAMPLE_SOURCE, build, load_real, load_sample

MAX_PAGE = 100_000
RESOURCE = re.compile(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)=\"([^\"]+)\"")


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def sample_id(out: Path, name: str) -> int:
    """A meeting's id from the search-free town page link next to its name."""
    html = (out / "plaats" / "utrecht" / "index.html").read_text()
    m = re.search(r'href="\.\./\.\./meeting/(\d+)/"><span class="tm">[^<]*</span> ' + re.escape(name), html)
    assert m, name
    return int(m.group(1))


async def test_demo_directory_publishes_only_the_information_pages(
    services: Services, tmp_path: Path
) -> None:
    await load_demo(services)
    report = await build(services, tmp_path)
    assert report.meetings == 0
    assert (tmp_path / "index.html").exists() and (tmp_path / "en" / "index.html").exists()
    assert (tmp_path / "groep" / "na" / "index.html").exists()
    for folder in ("meeting", "plaats", "provincie", "online"):
        assert not (tmp_path / folder).exists(), folder
    assert json.loads((tmp_path / "zoek.json").read_text()) == []
    everything = "".join(p.read_text() for p in pages(tmp_path))
    assert "Voorbeeld" not in everything and "Voorbeeldstraat" not in everything
    assert "Nog geen meetings" in (tmp_path / "index.html").read_text()


async def test_a_meeting_page_has_what_a_visitor_needs(services: Services, tmp_path: Path) -> None:
    await load_sample(services)
    await build(services, tmp_path)
    mid = sample_id(tmp_path, "Voorbeeld NA dinsdag Utrecht")
    page = (tmp_path / "meeting" / str(mid) / "index.html").read_text()
    assert '<html lang="nl">' in page
    assert "Elke dinsdag, 19:30" in page and "tijdzone Europe/Amsterdam" in page
    assert "Voorbeeldstraat" in page and "Utrecht" in page
    assert f'href="https://t.me/{BOT}?start=proef_m{mid}"' in page
    assert f'href="https://t.me/{BOT}?start=meeting_{mid}"' in page
    assert "Probeer 6 keer via Telegram" in page and "Herinner me" in page
    assert '<svg role="img" aria-label="QR-code' in page
    assert f'href="afspraak-{mid}.ics" download' in page
    assert "Laatst bijgewerkt" in page and translator("nl").short_date(date(2026, 1, 15)) in page
    assert "Open" in page or "open" in page  # type code O in words
    assert (tmp_path / "meeting" / str(mid) / f"afspraak-{mid}.ics").exists()
    en = (tmp_path / "en" / "meeting" / str(mid) / "index.html").read_text()
    assert '<html lang="en">' in en and "Every Tuesday, 19:30" in en and "Try 6 times on Telegram" in en


async def test_online_meeting_without_link_says_link_via_contact(services: Services, tmp_path: Path) -> None:
    await load_sample(services)
    store = MeetingStore(services.db)
    online = [m for m in await store.all_active() if m.online]
    assert online
    await services.db.execute("UPDATE meetings SET conference_url = NULL WHERE id = ?", (online[0].id,))
    await build(services, tmp_path)
    page = (tmp_path / "meeting" / str(online[0].id) / "index.html").read_text()
    assert "Link via contactpersoon" in page
    listing = (tmp_path / "online" / "index.html").read_text()
    assert f"meeting/{online[0].id}/" in listing


async def test_calendar_file_is_weekly_discreet_and_knows_cancellations(
    services: Services, tmp_path: Path
) -> None:
    await load_sample(services)
    store = MeetingStore(services.db)
    mid = next(m.id for m in await store.all_active() if m.program == "NA" and m.weekday == 2)
    assert mid is not None
    m = await get_meeting(services.db, mid)
    assert m is not None
    # A venue named after the fellowship must not reach the lock screen.
    await services.db.execute("UPDATE meetings SET location = ? WHERE id = ?", ("NA-huis Utrecht", mid))
    now = services.clock.now()
    second = next_slots(m.weekday, m.start_time, m.end_time, m.timezone, now, 2)[1]
    async with services.db.tx() as tx:
        await cancel_date(tx, mid, second.local_date, now, "support")
    await build(services, tmp_path)
    for lang, title in (("nl", "Afspraak"), ("en", "Appointment")):
        prefix = tmp_path / ("" if lang == "nl" else "en")
        cal = Calendar.from_ical((prefix / "meeting" / str(mid) / f"afspraak-{mid}.ics").read_bytes())
        events = [c for c in cal.walk("VEVENT")]
        assert len(events) == 1
        ev = events[0]
        assert str(ev["SUMMARY"]) == title
        assert not telling(str(ev["SUMMARY"])) and not telling(str(ev.get("LOCATION", "")))
        assert "Voorbeeldstraat" in str(ev["LOCATION"]) and "NA-huis" not in str(ev["LOCATION"])
        assert ev["RRULE"]["FREQ"] == ["WEEKLY"]
        assert ev.decoded("DTSTART").strftime("%H:%M") == "19:30"
        assert str(ev.decoded("DTSTART").tzinfo) == "Europe/Amsterdam"
        excluded = [d.dt.date() for d in ev["EXDATE"].dts]
        assert excluded == [second.local_date]
    page = (tmp_path / "meeting" / str(mid) / "index.html").read_text()
    assert "gaat niet door" in page


async def test_demo_meetings_and_excluded_sources_are_never_published(
    services: Services, tmp_path: Path
) -> None:
    await load_sample(services)
    store = MeetingStore(services.db)
    real = await store.all_active()
    demo = replace(real[0], source="demo", slug="demo-x", name="Verzonnen demo-meeting", id=None)
    demo = replace(demo, is_demo=True)
    await store.add(demo, services.clock.now())
    held = replace(real[1], source="held-feed", slug="h", name="Meeting van een vastgehouden bron", id=None)
    await store.add(held, services.clock.now())
    other = replace(real[2], source="other-feed", slug="o", name="Meeting van een andere bron", id=None)
    await store.add(other, services.clock.now())
    await record_sync(
        services.db, "held-feed", "held", services.clock.now(), detail="would deactivate 9 of 10"
    )
    report = await build(services, tmp_path, exclude=("other-feed",))
    assert report.meetings == len(real)
    everything = "".join(p.read_text() for p in pages(tmp_path)) + (tmp_path / "zoek.json").read_text()
    assert "Verzonnen demo-meeting" not in everything
    assert "vastgehouden bron" not in everything and "andere bron" not in everything
    await record_sync(services.db, "held-feed", "updated", services.clock.now())
    report = await build(services, tmp_path)
    assert report.meetings == len(real) + 2


async def test_privacy_no_third_party_resources_and_a_strict_csp(services: Services, tmp_path: Path) -> None:
    await load_sample(services)
    await build(services, tmp_path)
    all_pages = pages(tmp_path)
    assert len(all_pages) > 20
    for page in all_pages:
        html = page.read_text()
        assert "default-src &#39;none&#39;" in html, page
        assert "connect-src &#39;self&#39;" in html and "img-src &#39;self&#39; data:;" in html
        for url in RESOURCE.findall(html):
            assert not re.match(r"^(https?:)?//", url), (page, url)
        assert "cookie" not in html.lower().replace("geen cookies", "").replace("no cookies", "")
        assert "<style" not in html and " style=" not in html  # style-src 'self' allows neither
        assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) is None


async def test_map_is_off_by_default_and_vendored_when_on(services: Services, tmp_path: Path) -> None:
    await load_sample(services)
    await build(services, tmp_path / "plain")
    assert not (tmp_path / "plain" / "static" / "leaflet").exists()
    assert "leaflet" not in (tmp_path / "plain" / "plaats" / "utrecht" / "index.html").read_text()
    if find_leaflet() is None:
        pytest.skip("Leaflet is not installed from npm (.ci/run installs it into .ci-cache/leaflet)")
    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    await build(services, tmp_path / "map", map=True, tile_url=tiles)
    town = (tmp_path / "map" / "plaats" / "utrecht" / "index.html").read_text()
    assert (tmp_path / "map" / "static" / "leaflet" / "leaflet.js").exists()
    assert 'src="../../static/leaflet/leaflet.js"' in town and 'id="map"' in town
    assert "img-src &#39;self&#39; data: https://tiles.example.org;" in town
    assert json.loads((tmp_path / "map" / "static" / "map-config.json").read_text())["tiles"] == tiles


async def test_every_page_is_light(services: Services, tmp_path: Path) -> None:
    await load_sample(services)
    await build(services, tmp_path)
    heavy = [(p, p.stat().st_size) for p in pages(tmp_path) if p.stat().st_size >= MAX_PAGE]
    assert not heavy
    static = tmp_path / "static"
    assert (static / "site.css").stat().st_size + (static / "site.js").stat().st_size < 30_000


def test_cli_builds_from_a_fresh_database_with_the_demo_directory(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    done = run_cli("site", "build", str(tmp_path / "out"), "--db", str(db), "--bot", BOT, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["meetings"] == 0 and report["pages"] == 2 * (2 + 12)  # home, towns, 12 fellowships
    assert "only the information pages" in done.stderr
    bad = run_cli("site", "build", str(tmp_path / "o2"), "--db", str(db), "--bot", BOT, "--lang", "nl,de")
    assert bad.returncode == 2 and "--lang" in bad.stderr
    nobot = run_cli("site", "build", str(tmp_path / "o3"), "--db", str(db), env=cli_env())
    assert nobot.returncode == 2 and "EERSTESTAP_BOT_USERNAME" in nobot.stderr


def test_cli_lang_nl_only(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    done = run_cli("site", "build", str(tmp_path / "out"), "--db", str(db), "--lang", "nl",
                   env=cli_env(EERSTESTAP_BOT_USERNAME=BOT))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "out" / "en").exists()
    assert "English" not in (tmp_path / "out" / "index.html").read_text()


@pytest.mark.skipif(not REAL.exists(), reason="shared data not available (../shared/data)")
async def test_real_snapshot_builds_every_meeting_and_stays_light(services: Services, tmp_path: Path) -> None:
    await load_real(services)
    report = await build(services, tmp_path, base_url="https://sociale-kaart.example")
    assert report.meetings == 943
    assert len(list((tmp_path / "meeting").iterdir())) == 943
    assert len(list((tmp_path / "en" / "meeting").iterdir())) == 943
    assert report.largest_page[1] < MAX_PAGE, report.largest_page
    utrecht = (tmp_path / "plaats" / "utrecht" / "index.html").read_text()
    assert 'data-day="2" data-p="NA"' in utrecht
    assert (tmp_path / "sitemap.xml").read_text().count("<url>") == report.pages
    assert SAMPLE_SOURCE not in utrecht
    assert timedelta(0) <= timedelta(seconds=report.seconds)


def test_the_qr_path_draws_exactly_the_code_segno_made() -> None:
    """The hand-written SVG writer (faster than segno's own) loses no module: read the runs back."""
    import re as _re

    import segno

    from site_builder.build import qr_svg

    code = segno.make("https://t.me/EersteStapBot?start=meeting_123", error="m", mask=0)
    svg = qr_svg(code.matrix, scale=3, border=2)
    size = len(code.matrix)
    drawn = [[0] * size for _ in range(size)]
    for x, y, run in _re.findall(r"M(\d+) (\d+)\.5h(\d+)", svg):
        for dx in range(int(run)):
            drawn[int(y) - 2][int(x) - 2 + dx] = 1
    assert drawn == [list(row) for row in code.matrix]
    assert f'viewBox="0 0 {(size + 4) * 3} {(size + 4) * 3}"' in svg
