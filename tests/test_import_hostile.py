"""Hostile import files: a clear report, never a traceback; one bad record rejects only itself."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from storage.db import Database
from storage.directory import MeetingStore
from storage.importers import BadValue, detect, open_feed, parse_bytes, parse_file
from tests.conftest import TEST_SECRET

NOW = datetime(2026, 3, 23, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "slug": "good",
    "program": "NA",
    "name": "Goede groep",
    "day": 2,
    "time": "19:30",
    "address": "Straat 1",
    "city": "Utrecht",
    "latitude": 52.09,
    "longitude": 5.12,
}
CSV_HEAD = b"name,program,day,time,city,latitude,longitude\n"
CSV_GOOD = b"Goede groep,NA,dinsdag,19:30,Utrecht,52.09,5.12\n"


def mg(*records: object) -> bytes:
    return json.dumps(list(records)).encode()


def only_good(raw: bytes, fmt: str) -> list[dict[str, str]]:
    """Parse; assert the good record survived; return the rejections."""
    parsed = parse_bytes(raw, fmt, "test")
    assert [m.name for m in parsed.meetings] == ["Goede groep"]
    return parsed.rejected


@pytest.mark.parametrize("types", [True, 7, {"a": 1}, [["O"]]])
def test_types_of_the_wrong_kind_reject_that_record(types: object) -> None:
    rejected = only_good(mg({**GOOD, "slug": "bad", "types": types}, GOOD), "meeting-guide")
    assert rejected[0]["record"] == "bad" and "types" in rejected[0]["reason"]


def test_deeply_nested_json_is_reported_as_broken_json() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    assert detect(deep) == "meeting-guide"
    with pytest.raises(BadValue, match="not valid JSON: nested too deeply"):
        parse_bytes(deep, "meeting-guide", "test")
    # nesting the JSON decoder accepts, inside one record's field, rejects only that record
    nested: object = "x"
    for _ in range(900):
        nested = [nested]
    rejected = only_good(mg({**GOOD, "slug": "deep", "name": nested}, GOOD), "meeting-guide")
    assert rejected[0]["record"] == "deep"


def test_a_5000_digit_number_rejects_only_its_record() -> None:
    raw = mg(GOOD)[:-1] + b', {"slug": "huge", "day": ' + b"9" * 5000 + b', "time": "19:30"}]'
    rejected = only_good(raw, "meeting-guide")
    assert rejected[0]["record"] == "huge"
    assert len(rejected[0]["reason"]) < 100  # the report quotes the value cut short


def test_csv_with_a_byte_no_encoding_knows_is_refused_with_a_sentence() -> None:
    with pytest.raises(BadValue, match=r"neither UTF-8 nor Windows-1252 .*0x81"):
        parse_bytes(CSV_HEAD + b"Gr\x81ep,NA,dinsdag,19:30,Utrecht,52.09,5.12\n", "tsml-csv", "test")


def test_a_csv_field_over_128_kb_rejects_only_its_row() -> None:
    big = b"Huge" + b"x" * 140_000 + b",NA,dinsdag,19:30,Utrecht,52.09,5.12\n"
    rejected = only_good(CSV_HEAD + big + CSV_GOOD, "tsml-csv")
    assert rejected == [
        {"record": "row 2", "reason": "unreadable CSV row: field larger than field limit (131072)"}
    ]


def test_a_300_character_time_zone_rejects_only_its_record_without_naming_paths() -> None:
    rejected = only_good(mg({**GOOD, "slug": "tz", "timezone": "Europe/" + "x" * 300}, GOOD), "meeting-guide")
    assert rejected[0]["record"] == "tz" and "time zone" in rejected[0]["reason"]
    assert "/" not in rejected[0]["reason"][30:] and str(ROOT) not in rejected[0]["reason"]
    assert len(rejected[0]["reason"]) < 100


def test_broken_json_is_reported_as_broken_json(tmp_path: Path) -> None:
    for name in ("feed.json", "feed.txt"):
        path = tmp_path / name
        path.write_bytes(b'[{"slug": "a",]')
        with pytest.raises(BadValue, match=r"^not valid JSON"):
            parse_file(path)
        with pytest.raises(BadValue, match=r"^not valid JSON"), open_feed(path):
            pass


async def test_a_streamed_csv_imports_like_a_parsed_one(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    rows = [CSV_HEAD] + [b"Groep %d,NA,dinsdag,19:30,Utrecht,52.09,5.12\n" % i for i in range(4500)]
    path.write_bytes(b"".join(rows) + b"Kapot,NA,blursday,19:30,Utrecht,52.09,5.12\n")
    async with Database(tmp_path / "s.db") as db:
        store = MeetingStore(db)
        with open_feed(path, source="big") as feed:
            report = await store.import_parsed(feed.parsed, "big", NOW, meetings=feed.meetings)
        assert (report.added, report.total, report.rejected_total) == (4500, 4500, 1)
        shorter = b"".join(rows[:-10])
        path.write_bytes(shorter)
        with open_feed(path, source="big") as feed:
            again = await store.import_parsed(feed.parsed, "big", NOW, meetings=feed.meetings)
        assert (again.unchanged, again.deactivated, again.added) == (4490, 10, 0)
        path.write_bytes(shorter + b"Kapot,NA,blursday,19:30,Utrecht,52.09,5.12\n")
        with open_feed(path, source="big") as feed:  # strict: a late rejection undoes every batch
            strict = await store.import_parsed(feed.parsed, "big", NOW, strict=True, meetings=feed.meetings)
        assert (strict.added, strict.updated, strict.rejected_total) == (0, 0, 1)
        assert (await store.stats())["active"] == 4490


async def test_csv_export_neutralises_formula_cells_and_imports_back(tmp_path: Path) -> None:
    evil = {
        **GOOD,
        "name": '=HYPERLINK("http://x.example","klik")',
        "location": "@SUM(1+1)",
        "notes": "-2+3",
        "conference_phone": "+31 20 123 4567",
    }
    async with Database(tmp_path / "x.db") as db:
        store = MeetingStore(db)
        await store.import_parsed(parse_bytes(mg(evil), "meeting-guide", "test"), "test", NOW)
        text = await store.export_csv()
        row = next(csv.DictReader(io.StringIO(text)))
        assert row["Name"] == "'" + evil["name"]
        assert (row["Location"], row["Notes"]) == ("'@SUM(1+1)", "'-2+3")
        assert row["Conference Phone"] == "'+31 20 123 4567"
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())
        back = parse_bytes(text.encode(), "tsml-csv", "copy").meetings[0]
        assert (back.name, back.location, back.notes) == (evil["name"], "@SUM(1+1)", "-2+3")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run `eerstestap ARGS` in this process (a traceback would fail the test); exit code and output."""
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_admin_import_refuses_a_feeds_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "dir.db")
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        '[[feed]]\nname = "aa-nederland"\nurl = "https://example.org"\nformat = "meeting-guide"\n'
    )
    monkeypatch.setenv("EERSTESTAP_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("EERSTESTAP_FEEDS", str(feeds))
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([GOOD]), encoding="utf-8")
    own = tmp_path / "own.csv"
    own.write_bytes(CSV_HEAD + CSV_GOOD)
    assert cli(capsys, "directory", "import", str(feed), "--db", db, "--source", "na-feed")[0] == 0
    for name in ("na-feed", "aa-nederland", "meeting-guide", "demo"):
        code, out = cli(capsys, "admin", "import", str(own), "--db", db, "--source", name)
        assert code == 2 and "feed" in out, out
    _, out = cli(capsys, "directory", "stats", "--json", "--db", db)
    stats = json.loads(out)
    assert (
        stats["active"] == 1 and stats["sources"]["na-feed"] == 1 and "aa-nederland" not in stats["sources"]
    )
    code, out = cli(capsys, "admin", "import", str(own), "--db", db, "--source", "steunpunt-zeist")
    assert code == 0, out


def test_hostile_files_through_the_cli_give_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "dir.db")
    bad = tmp_path / "groepen.csv"
    bad.write_bytes(CSV_HEAD + b"Gr\x81ep,NA,dinsdag,19:30,Utrecht,52.09,5.12\n")
    code, out = cli(capsys, "directory", "import", str(bad), "--db", db)
    assert code == 2 and out.startswith("import failed, nothing changed: the file is neither UTF-8")
    broken = tmp_path / "feed.json"
    broken.write_bytes(b"[" * 100_000)
    code, out = cli(capsys, "directory", "import", str(broken), "--db", db)
    assert (code, out) == (2, "import failed, nothing changed: not valid JSON: nested too deeply\n")
