"""`eerstestap directory …` as a subprocess, and the terminal chat from the menu to a meeting card."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tests.conftest import run_cli

AMERSFOORT = (52.155, 5.3875)


def feed(path: Path) -> Path:
    """A small Meeting Guide feed: NA meetings at growing distances from Amersfoort, plus others."""
    records = []
    for i, (dlat, name) in enumerate([(0.30, "Far"), (0.01, "Nearest"), (0.10, "Middle"), (0.05, "Second")]):
        records.append({
            "slug": f"na-{i}", "program": "NA", "name": f"NA {name}", "day": 2, "time": "19:30",
            "end_time": "21:00", "types": ["O"], "address": f"Straat {i}", "postal_code": "3811 AA",
            "city": "Amersfoort", "latitude": AMERSFOORT[0] + dlat, "longitude": AMERSFOORT[1],
        })  # fmt: skip
    records.append({"slug": "aa-0", "program": "AA", "name": "AA Closest", "day": 3, "time": "20:00",
                    "address": "Plein 1", "city": "Amersfoort", "latitude": AMERSFOORT[0],
                    "longitude": AMERSFOORT[1]})  # fmt: skip
    records.append({"slug": "bad", "program": "NA", "name": "Broken", "day": 9, "time": "19:30"})
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_import_report_near_json_stats_and_export(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    src = feed(tmp_path / "feed.json")
    result = run_cli("directory", "import", str(src), "--db", db, "--source", "test", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert list(report)[:6] == ["added", "updated", "unchanged", "deactivated", "rejected", "total"]
    assert (report["added"], report["updated"], report["unchanged"], report["total"]) == (5, 0, 0, 5)
    assert report["rejected"] == [{"record": "bad", "reason": "day out of range 9"}]
    again = json.loads(
        run_cli("directory", "import", str(src), "--db", db, "--source", "test", "--json").stdout
    )
    assert (again["added"], again["updated"], again["unchanged"], again["deactivated"]) == (0, 0, 5, 0)

    near = run_cli("directory", "near", "Amersfoort", "--program", "NA", "--limit", "3", "--json", "--db", db)
    assert near.returncode == 0, near.stderr
    out = json.loads(near.stdout)
    meetings = out["meetings"]
    assert [m["name"] for m in meetings] == ["NA Nearest", "NA Second", "NA Middle"]
    assert [m["distance_km"] for m in meetings] == sorted(m["distance_km"] for m in meetings)
    for m in meetings:
        assert m["program"] == "NA" and m["address"].startswith("Straat")
        nxt = m["next"]
        iso = datetime.fromisoformat(nxt["iso"])
        assert iso.utcoffset() is not None and nxt["local"].endswith("19:30") and iso.hour == 19
    assert out["demo"] is False

    tuesday = json.loads(
        run_cli("directory", "near", "52.155,5.3875", "--day", "wo", "--json", "--db", db).stdout
    )
    assert [m["name"] for m in tuesday["meetings"]] == ["AA Closest"]

    stats = json.loads(run_cli("directory", "--db", db, "stats", "--json").stdout)  # --db before or after
    assert stats["sources"]["test"] == 5 and stats["demo_active"] == 0
    csv_out = run_cli("directory", "export", "--format", "csv", "--db", db).stdout
    assert csv_out.splitlines()[0].startswith("Slug,Program,Name,Day,Time")
    assert len(csv_out.splitlines()) == 6
    mg = json.loads(run_cli("directory", "export", "--format", "meeting-guide", "--db", db).stdout)
    assert {m["day"] for m in mg} == {2, 3}


def test_bad_file_and_unknown_place_are_friendly(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run_cli("directory", "import", str(bad), "--format", "meeting-guide", "--db", db)
    assert result.returncode == 2 and "nothing changed" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("directory", "near", "Xyzzyvillebergen", "--db", db)
    assert result.returncode == 2 and "unknown place" in result.stderr
    result = run_cli("directory", "near", "Hengelo", "--db", db)
    assert result.returncode == 2 and "Overijssel" in result.stderr


def test_terminal_chat_menu_near_location_card_on_demo(tmp_path: Path) -> None:
    db = str(tmp_path / "chat.db")
    script = "/start\n3\n/location 52.09 5.12\n1\n"
    result = run_cli("chat", "--db", db, "--now", "2026-03-23T18:00", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "(/location LAT LON)" in out
    assert "Meetings in de komende 7 dagen" in out
    card = out.split("Meetings in de komende 7 dagen", 1)[1].split("\n\n", 2)[-1]
    assert "Voorbeeld: deze meetings zijn verzonnen." in card
    assert "Elke dinsdag van 19:30 tot 21:00." in card and "Zet in mijn agenda" in card  # the nearest
    assert "📍" in card
    near = run_cli("directory", "near", "Utrecht", "--program", "NA", "--limit", "2", "--db", db)
    assert near.stdout.startswith("Voorbeeld: deze meetings zijn verzonnen.")
