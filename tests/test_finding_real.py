"""Finding meetings on the real snapshot (issue 12's "done when"); skipped when ../shared is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conversations.engine import Engine
from conversations.types import Input
from tests.conftest import SHARED, run_cli
from tools.near_check import check, listing_km, real_services

REAL = SHARED / "data" / "nl-meetings-2026-07-18.json"
pytestmark = pytest.mark.skipif(not REAL.exists(), reason="shared data not available")


async def test_five_towns_list_a_meeting_near_the_nearest_first() -> None:
    for r in await check(REAL):
        assert r.first_km <= r.nearest_km + 3.0, r


async def test_ca_in_english_near_amsterdam_in_the_chat(tmp_path: Path) -> None:
    async with real_services(REAL, tmp_path) as services:
        engine = Engine(services)
        await engine.handle(1, Input.of_button("n:start:CA"))
        await engine.handle(1, Input.of_text("Amsterdam"))
        reply = await engine.handle(1, Input.of_button("n:f:l:en"))
        body = "\n".join(m.text for m in reply.messages)
        lines = [line for line in body.splitlines() if line[:2].rstrip(".").isdigit()]
        known = [line for line in lines if "(taal onbekend)" not in line]
        assert len(known) >= 2, body
        assert all(" · CA · " in line for line in lines)
        assert max(listing_km(reply)) <= 50


def test_ca_in_english_near_amsterdam_and_postcode_in_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "real.db")
    assert run_cli("directory", "import", str(REAL), "--db", db).returncode == 0
    out = run_cli(
        "directory", "near", "Amsterdam", "--program", "CA", "--language", "en", "--json", "--db", db
    )
    assert out.returncode == 0, out.stderr
    meetings = json.loads(out.stdout)["meetings"]
    assert sum(1 for m in meetings if m["language_match"] == "yes") >= 2
    for typed in ("3511 AB", "3511AB", "3511"):
        out = run_cli("directory", "near", typed, "--json", "--limit", "5", "--db", db)
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        assert data["approximate"] is True
        assert [m["city"] for m in data["meetings"]] == ["Utrecht"] * 5
        assert data["meetings"][0]["distance_km"] < 2
    text = run_cli("directory", "near", "3511 AB", "--limit", "3", "--db", db).stdout
    assert text.startswith("postcode 3511: approximate")
