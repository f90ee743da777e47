"""The website in headless Chromium, with JavaScript on and off: search, filter, a meeting, its .ics,
the Telegram link, keyboard use and axe-core; no request leaves 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from conversations.clock import FixedClock
from conversations.context import Services, Settings
from storage.db import Database
from storage.keys import KeyRing
from tests.browser import Traffic, axe_source, browser, chromium_missing, serious_violations, serve
from tests.conftest import TEST_SECRET
from tests.site_helpers import BOT, REAL, build, load_real, load_sample

pytestmark = pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")

DATASETS = [
    "sample",
    pytest.param("real", marks=pytest.mark.skipif(not REAL.exists(), reason="no ../shared")),
]


def build_site_for(dataset: str, folder: Path) -> Path:
    """A database with the dataset, built into folder/site."""

    async def run() -> None:
        db = Database(folder / "e.db")
        await db.open()
        clock = FixedClock(datetime(2026, 3, 23, 10, 0, tzinfo=UTC))
        services = Services(db=db, keys=KeyRing(bytes.fromhex(TEST_SECRET)), clock=clock, settings=Settings())
        try:
            await (load_real if dataset == "real" else load_sample)(services)
            await build(services, folder / "site")
        finally:
            await db.close()

    # In a thread of its own: the test session may have an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()
    return folder / "site"


@pytest.fixture(scope="module", params=DATASETS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = build_site_for(request.param, tmp_path_factory.mktemp(request.param))
    with serve(folder) as base:
        yield base


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with browser() as b:
        yield b


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_search_filter_open_download_and_follow(site: str, chromium: Any, js: bool, tmp_path: Path) -> None:
    traffic = Traffic()
    context = chromium.new_context(java_script_enabled=js, accept_downloads=True)
    context.route("**/*", traffic.route)
    page = context.new_page()
    try:
        page.goto(site)
        assert page.locator("html").get_attribute("lang") == "nl"
        # Search a town.
        page.fill("#q", "Utrecht")
        page.press("#q", "Enter")
        page.wait_for_load_state()
        if not js:  # the form leads to the list of towns; the script would have gone straight there
            assert "/plaatsen/" in page.url
            page.get_by_role("link", name="Utrecht", exact=True).click()
        page.wait_for_url(re.compile(r"/plaats/utrecht/"))
        assert page.get_by_role("heading", level=1).inner_text() == "Meetings in Utrecht"
        # Filter NA on Tuesday (labels of radio buttons; CSS does the hiding without a script).
        page.locator("label[for=f-dag-2]").click()
        page.locator("label[for=f-groep-NA]").click()
        items = page.locator("li.m")
        visible = [i for i in range(items.count()) if items.nth(i).is_visible()]
        hidden = items.count() - len(visible)
        assert visible and hidden > 0
        for i in visible:
            assert items.nth(i).get_attribute("data-day") == "2"
            assert items.nth(i).get_attribute("data-p") == "NA"
        if js:
            assert "dag=2" in page.url and "groep=NA" in page.url
            assert page.locator("[data-count]").inner_text() == (
                "1 meeting" if len(visible) == 1 else f"{len(visible)} meetings"
            )
        # Open the first meeting that is shown.
        items.nth(visible[0]).locator("a").click()
        page.wait_for_url(re.compile(r"/meeting/\d+/$"))
        mid = re.search(r"/meeting/(\d+)/$", page.url).group(1)  # type: ignore[union-attr]
        assert "Elke dinsdag" in page.locator("main").inner_text()
        # Its calendar file.
        with page.expect_download() as info:
            page.get_by_role("link", name="Zet in je agenda (.ics)").click()
        ics = Path(info.value.path()).read_bytes()
        event = next(iter(Calendar.from_ical(ics).walk("VEVENT")))
        assert str(event["SUMMARY"]) == "Afspraak" and "NA" not in str(event.get("LOCATION", ""))
        assert event.decoded("DTSTART").isoweekday() == 2
        # The Telegram link.
        link = page.get_by_role("link", name="Probeer 6 keer via Telegram")
        href = link.get_attribute("href")
        assert href == f"https://t.me/{BOT}?start=proef_m{mid}"
        assert page.get_by_role("link", name="Herinner me").get_attribute("href") == (
            f"https://t.me/{BOT}?start=meeting_{mid}"
        )
        link.click()
        page.wait_for_url(href)
        assert traffic.telegram == [href]
        assert traffic.blocked == []
    finally:
        context.close()


def test_keyboard_reaches_the_content_and_the_filters(site: str, chromium: Any) -> None:
    context = chromium.new_context()
    traffic = Traffic()
    context.route("**/*", traffic.route)
    page = context.new_page()
    try:
        page.goto(site + "plaats/utrecht/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == "dag":
                break
        else:
            pytest.fail("the day filter is not reachable with Tab")
        page.keyboard.press("ArrowRight")  # a radio group moves with the arrow keys
        assert page.evaluate("document.querySelector('input[name=dag]:checked').value") != ""
        assert traffic.blocked == []
    finally:
        context.close()


@pytest.mark.parametrize("path", ["", "plaats/utrecht/", "groep/na/", "meeting", "en/", "provincie/utrecht/"])
def test_axe_finds_no_serious_violations(site: str, chromium: Any, path: str) -> None:
    context = chromium.new_context(bypass_csp=True)  # axe is injected by the test, not by the page
    traffic = Traffic()
    context.route("**/*", traffic.route)
    page = context.new_page()
    try:
        if path == "meeting":
            page.goto(site + "plaats/utrecht/")
            page.locator("li.m a").first.click()
            page.wait_for_url(re.compile(r"/meeting/\d+/$"))
        else:
            page.goto(site + path)
        assert serious_violations(page, axe_source()) == []
        page.set_viewport_size({"width": 360, "height": 740})
        assert serious_violations(page, axe_source()) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
        assert traffic.blocked == []
    finally:
        context.close()


def test_map_shows_the_pins_with_tiles_only_from_the_configured_server(chromium: Any, tmp_path: Path) -> None:
    """`--map`: Leaflet from the build (never a CDN), tiles only from the tile setting, a pin a venue."""
    from site_builder.build import find_leaflet

    leaflet = find_leaflet()
    if leaflet is None:
        pytest.skip("Leaflet is not installed (npm install leaflet@1; .ci/run does)")
    tiles = tmp_path / "tiles"
    tiles.mkdir()
    with serve(tmp_path) as base:  # the tile server: the same local server, another folder

        async def run() -> None:
            db = Database(tmp_path / "e.db")
            await db.open()
            clock = FixedClock(datetime(2026, 3, 23, 10, 0, tzinfo=UTC))
            keys = KeyRing(bytes.fromhex(TEST_SECRET))
            services = Services(db=db, keys=keys, clock=clock, settings=Settings())
            try:
                await load_sample(services)
                await build(
                    services, tmp_path / "site", map=True, leaflet_dir=leaflet,
                    tile_url=base + "tiles/{z}/{x}/{y}.png",
                )  # fmt: skip
            finally:
                await db.close()

        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, run()).result()
        html = unescape((tmp_path / "site" / "plaats" / "utrecht" / "index.html").read_text(encoding="utf-8"))
        tile_origin = base.rstrip("/")
        assert f"img-src 'self' data: {tile_origin};" in html, (
            "the CSP lets in the tile server and nothing else"
        )
        assert (tmp_path / "site" / "static" / "leaflet" / "leaflet.js").exists()
        context = chromium.new_context()
        traffic = Traffic()
        context.route("**/*", traffic.route)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        try:
            page.goto(base + "site/plaats/utrecht/")
            page.wait_for_selector(".leaflet-marker-icon", timeout=10_000)
            pins = page.locator(".leaflet-marker-icon").count()
            expected = len(page.evaluate("JSON.parse(document.getElementById('map-data').textContent)"))
            assert pins == expected > 0
            page.wait_for_function("document.querySelectorAll('img.leaflet-tile').length > 0", timeout=10_000)
            tile_requests = [u for u in requests if "/tiles/" in u]
            assert tile_requests and all(u.startswith(base + "tiles/") for u in tile_requests)
            assert not [u for u in requests if "leaflet" in u and not u.startswith(base)], (
                "Leaflet from the build"
            )
            assert traffic.blocked == []
        finally:
            context.close()
        context = chromium.new_context(bypass_csp=True)
        page = context.new_page()
        try:
            page.goto(base + "site/plaats/utrecht/")
            page.wait_for_selector(".leaflet-marker-icon", timeout=10_000)
            assert serious_violations(page, axe_source()) == []
        finally:
            context.close()
