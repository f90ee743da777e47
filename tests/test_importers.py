"""Importers: real-world mess, one transaction per import, re-imports, deactivation, every format."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.db import Database
from storage.directory import MeetingStore
from storage.importers import BadValue, detect, parse_bytes, parse_file
from storage.importers.normalise import Parsed, parse_time
from storage.meeting import Meeting
from storage.occurrences import slot_on

NOW = datetime(2026, 3, 23, 10, 0, tzinfo=UTC)


def mg(**kw: object) -> dict[str, object]:
    """A valid Meeting Guide record in Utrecht, with overrides."""
    rec: dict[str, object] = {
        "slug": "m1",
        "program": "NA",
        "name": "Test meeting",
        "day": 2,
        "time": "19:30",
        "end_time": "21:00",
        "types": ["O"],
        "location": "Buurthuis",
        "address": "Straat 1",
        "city": "Utrecht",
        "latitude": 52.09,
        "longitude": 5.12,
    }
    rec.update(kw)
    return rec


def parse_mg(*records: dict[str, object]) -> Parsed:
    return parse_bytes(json.dumps(list(records)).encode(), "meeting-guide", "test")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19:30", ("19:30", 0)),
        ("19.30", ("19:30", 0)),
        ("19u30", ("19:30", 0)),
        ("7:30 PM", ("19:30", 0)),
        ("7:30 am", ("07:30", 0)),
        ("12:00 PM", ("12:00", 0)),
        ("12:15 AM", ("00:15", 0)),
        ("1930", ("19:30", 0)),
        ("930", ("09:30", 0)),
        ("24:00", ("00:00", 1)),
        ("19:30:00", ("19:30", 0)),
        ("20 uur", ("20:00", 0)),
    ],
)
def test_times_in_every_shape(text: str, expected: tuple[str, int]) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "19:75", "half acht", "", "13:00 PM"])
def test_unreadable_times_are_rejected_with_a_reason(text: str) -> None:
    with pytest.raises(BadValue):
        parse_time(text)
    parsed = parse_mg(mg(time=text))
    assert parsed.meetings == []
    assert parsed.rejected[0]["record"] == "m1"
    assert "time" in parsed.rejected[0]["reason"]


def test_midnight_start_moves_to_the_next_day() -> None:
    m = parse_mg(mg(day=2, time="24:00", end_time="01:00")).meetings[0]
    assert (m.weekday, m.start_time, m.end_time) == (3, "00:00", "01:00")  # Tuesday 24:00 = Wednesday 00:00


def test_past_midnight_end_and_missing_end() -> None:
    late, no_end = parse_mg(mg(time="23:00", end_time="00:30"), mg(slug="m2", end_time=None)).meetings
    slot = slot_on(datetime(2026, 3, 24).date(), late.start_time, late.end_time, late.timezone)
    assert slot.end - slot.start == timedelta(minutes=90)
    assert slot.end.date() == slot.start.date() + timedelta(days=1)
    assert no_end.end_time is None
    default = slot_on(datetime(2026, 3, 24).date(), no_end.start_time, None, no_end.timezone)
    assert default.end - default.start == timedelta(minutes=90)


def test_coordinates_missing_zero_swapped_and_outside() -> None:
    parsed = parse_mg(
        mg(slug="missing", latitude=None, longitude=None),
        mg(slug="zero", latitude=0, longitude=0),
        mg(slug="swapped", latitude=5.12, longitude=52.09),
        mg(slug="newyork", latitude=40.71, longitude=-74.0),
        mg(slug="strings", latitude="52,0907", longitude="5.1214"),
        mg(slug="border", latitude=50.78, longitude=6.08),  # Aachen, just over the border
    )
    by = {m.slug: m for m in parsed.meetings}
    assert (by["missing"].lat, by["zero"].lat, by["newyork"].lat) == (None, None, None)
    assert (by["swapped"].lat, by["swapped"].lon) == (52.09, 5.12)
    assert (by["strings"].lat, by["strings"].lon) == (52.0907, 5.1214)
    assert (by["border"].lat, by["border"].lon) == (50.78, 6.08)
    warned: dict[str, str] = {}
    for w in parsed.warnings:
        warned[w["record"]] = warned.get(w["record"], "") + " | " + w["warning"]
    assert "0,0" in warned["zero"]
    assert "swapped" in warned["swapped"]
    assert "outside" in warned["newyork"]
    assert "without coordinates" in warned["missing"]
    # in person without coordinates: kept, flagged, not lost
    assert by["missing"].attendance == "in_person"


def test_invalid_time_zone_falls_back_with_a_warning() -> None:
    parsed = parse_mg(mg(timezone="Europe/Amsterdamm"), mg(slug="m2", timezone="America/New_York"))
    assert parsed.meetings[0].timezone == "Europe/Amsterdam"
    assert parsed.meetings[1].timezone == "America/New_York"
    assert any("Europe/Amsterdamm" in w["warning"] for w in parsed.warnings)


def test_html_in_notes_becomes_plain_text() -> None:
    m = parse_mg(
        mg(notes="<p>Bel <b>aan</b> bij de zijdeur.</p><p>Koffie &amp; thee<br/>vanaf 19:00</p>")
    ).meetings[0]
    assert m.notes == "Bel aan bij de zijdeur.\nKoffie & thee\nvanaf 19:00"


def test_onl_and_tc_codes_and_online_without_link() -> None:
    parsed = parse_mg(
        mg(slug="onl-link", types=["ONL"], address=None, city=None, latitude=None, longitude=None,
           conference_url="https://zoom.us/j/1"),
        mg(slug="onl-nolink", types=["ONL"], address=None, city=None, latitude=None, longitude=None),
        mg(slug="hybrid", conference_url="https://zoom.us/j/2"),
        mg(slug="tc-link", types=["TC", "O"], conference_url="https://zoom.us/j/3"),
        mg(slug="tc-nolink", types=["TC", "O"]),
        mg(slug="phone-only", address=None, city=None, latitude=None, longitude=None,
           conference_phone="+31 20 000"),
    )  # fmt: skip
    att = {m.slug: m.attendance for m in parsed.meetings}
    assert att == {
        "onl-link": "online",
        "onl-nolink": "inactive",
        "hybrid": "hybrid",
        "tc-link": "online",
        "tc-nolink": "inactive",
        "phone-only": "online",
    }
    assert any(w["record"] == "onl-nolink" and "link" in w["warning"] for w in parsed.warnings)


def test_duplicate_slugs_get_a_stable_suffix() -> None:
    parsed = parse_mg(mg(), mg(name="Other"), mg(name="Third"))
    assert [m.slug for m in parsed.meetings] == ["m1", "m1-2", "m1-3"]
    assert sum("duplicate slug" in w["warning"] for w in parsed.warnings) == 2


def test_unknown_type_codes_are_kept_and_reported_once() -> None:
    parsed = parse_mg(mg(types=["O", "ZZQ"]), mg(slug="m2", types=["zzq", "C"]))
    assert all("ZZQ" in m.types for m in parsed.meetings)
    assert parsed.unknown_types == {"ZZQ"}
    assert sum("ZZQ" in w["warning"] for w in parsed.warnings) == 1


def test_meeting_guide_day_list_and_sunday_zero() -> None:
    parsed = parse_mg(mg(day=[0, 3]))
    assert [(m.slug, m.weekday) for m in parsed.meetings] == [("m1-sun", 7), ("m1-wed", 3)]


def test_formatted_address_is_split() -> None:
    m = parse_mg(mg(address=None, city=None, formatted_address="Straat 5, 3511 AB Utrecht, NL")).meetings[0]
    assert (m.address, m.postal_code, m.city) == ("Straat 5", "3511 AB", "Utrecht")


def test_missing_fellowship_is_a_reason_unless_given() -> None:
    rec = mg()
    del rec["program"]
    assert parse_mg(rec).rejected[0]["reason"].startswith("no fellowship")
    raw = json.dumps([rec]).encode()
    assert parse_bytes(raw, "meeting-guide", "aa-feed", program="AA").meetings[0].program == "AA"


def bmlt_record(**kw: str) -> dict[str, str]:
    rec = {
        "id_bigint": "101",
        "meeting_name": "NA Zuid",
        "weekday_tinyint": "1",
        "start_time": "19:30:00",
        "duration_time": "01:30:00",
        "time_zone": "",
        "formats": "O,BT",
        "latitude": "51.9225",
        "longitude": "4.4792",
        "location_text": "Kerk",
        "location_street": "Straat 2",
        "location_municipality": "Rotterdam",
        "location_postal_code_1": "3011 AA",
        "comments": "",
        "virtual_meeting_link": "",
        "phone_meeting_number": "",
        "venue_type": "1",
        "published": "1",
    }
    rec.update(kw)
    return rec


def test_bmlt_strings_weekdays_durations_venues_and_unpublished() -> None:
    data = [
        bmlt_record(),
        bmlt_record(id_bigint="102", published="0"),
        bmlt_record(id_bigint="103", venue_type="2", virtual_meeting_link="https://meet.example/x",
                    weekday_tinyint="7", start_time="23:30:00", duration_time="01:00:00"),
        bmlt_record(id_bigint="104", venue_type="3", virtual_meeting_link="https://meet.example/y",
                    formats="VM,O"),
    ]  # fmt: skip
    raw = json.dumps(data).encode()
    assert detect(raw) == "bmlt"
    parsed = parse_bytes(raw, "bmlt", "bmlt-test")
    assert parsed.rejected == [{"record": "102", "reason": "unpublished"}]
    by = {m.slug: m for m in parsed.meetings}
    assert (by["101"].program, by["101"].weekday, by["101"].start_time, by["101"].end_time) == (
        "NA",
        7,
        "19:30",
        "21:00",
    )
    assert (by["101"].lat, by["101"].attendance) == (51.9225, "in_person")
    assert (by["103"].weekday, by["103"].end_time, by["103"].attendance, by["103"].lat) == (
        6,
        "00:30",
        "online",
        None,
    )
    assert by["104"].attendance == "hybrid" and "ONL" in by["104"].types


def test_tsml_csv_with_semicolons_bom_day_names_and_type_names(tmp_path: Path) -> None:
    text = (
        "Name;Day;Time;End Time;Location;Address;City;Postal Code;Types;Latitude;Longitude;Notes;Program\n"
        "Vrijdaggroep;vrijdag;20u00;21.30;Huis;Laan 3;Amersfoort;3811 AA;Open, Discussion;52,156;5,387;;AA\n"
        "Sunday group;Sunday;10:00 AM;;Huis;Laan 3;Amersfoort;3811 AA;O;52.156;5.387;<i>Welkom</i>;AA\n"
        "Kapot;vandaag;20:00;;Huis;Laan 3;Amersfoort;;;;;;AA\n"
    )
    path = tmp_path / "groups.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    parsed, fmt, source = parse_file(path, source="steunpunt-utrecht")
    assert (fmt, source) == ("tsml-csv", "steunpunt-utrecht")
    fri, sun = parsed.meetings
    assert (fri.weekday, fri.start_time, fri.end_time, fri.types, fri.lat) == (
        5,
        "20:00",
        "21:30",
        ("D", "O"),
        52.156,
    )
    assert (sun.weekday, sun.start_time, sun.notes) == (7, "10:00", "Welkom")
    assert parsed.rejected and "day" in parsed.rejected[0]["reason"]


def test_tsml_csv_from_dutch_excel_in_cp1252(tmp_path: Path) -> None:
    text = "Naam;Dag;Tijd;Plaats;Adres;Programma\nCafé-groep;dinsdag;19:30;Utrecht;Straat 1;ALANON\n"
    parsed = parse_bytes(text.encode("cp1252"), "tsml-csv", "x")
    assert parsed.meetings[0].name == "Café-groep"
    assert parsed.meetings[0].program == "ALANON"


async def import_records(db: Database, *records: dict[str, object], strict: bool = False):
    return await MeetingStore(db).import_parsed(parse_mg(*records), "test", NOW, strict=strict)


async def count(db: Database, where: str = "1=1") -> int:
    row = await db.fetchone(f"SELECT count(*) FROM meetings WHERE {where}")
    return int(row[0]) if row else 0


async def test_reimport_changes_nothing_and_disappeared_become_inactive(db_path: Path) -> None:
    async with Database(db_path) as db:
        first = await import_records(db, mg(), mg(slug="m2"), mg(slug="m3"))
        assert (first.added, first.updated, first.unchanged, first.deactivated, first.total) == (
            3,
            0,
            0,
            0,
            3,
        )
        again = await import_records(db, mg(), mg(slug="m2"), mg(slug="m3"))
        assert (again.added, again.updated, again.unchanged, again.deactivated) == (0, 0, 3, 0)
        changed = await import_records(db, mg(time="20:00"), mg(slug="m2"))
        assert (changed.added, changed.updated, changed.unchanged, changed.deactivated) == (0, 1, 1, 1)
        row = await db.fetchone("SELECT attendance, cell FROM meetings WHERE slug = 'm3'")
        assert row is not None and (row[0], row[1]) == ("inactive", None)
        back = await import_records(db, mg(time="20:00"), mg(slug="m2"), mg(slug="m3"))
        assert (back.added, back.updated, back.deactivated) == (0, 1, 0)
        assert await count(db, "attendance = 'inactive'") == 0


async def test_a_bad_file_changes_nothing(db_path: Path, tmp_path: Path) -> None:
    async with Database(db_path) as db:
        await import_records(db, mg(), mg(slug="m2"))
        bad = tmp_path / "bad.json"
        bad.write_text('[{"slug": "x", "day": 1,', encoding="utf-8")
        with pytest.raises(BadValue):
            parse_file(bad, "meeting-guide")
        # A failure inside the transaction (a row the schema refuses) rolls everything back.
        parsed = parse_mg(mg(time="20:00"), mg(slug="new"))
        parsed.meetings.append(Meeting(source="test", slug="broken", program="NA", name="x", weekday=9,
                                       start_time="19:00"))  # fmt: skip
        with pytest.raises(Exception, match="CHECK"):
            await MeetingStore(db).import_parsed(parsed, "test", NOW)
        assert await count(db) == 2
        assert await count(db, "start_time = '20:00'") == 0


async def test_strict_import_with_a_rejected_record_changes_nothing(db_path: Path) -> None:
    async with Database(db_path) as db:
        await import_records(db, mg())
        report = await import_records(db, mg(time="20:00"), mg(slug="bad", time="99:99"), strict=True)
        assert report.rejected[0]["record"] == "bad"
        assert (report.added, report.updated) == (0, 0)
        assert await count(db, "start_time = '19:30'") == 1


async def test_an_empty_feed_does_not_deactivate_everything(db_path: Path) -> None:
    async with Database(db_path) as db:
        await import_records(db, mg())
        report = await MeetingStore(db).import_parsed(parse_mg(), "test", NOW)
        assert report.deactivated == 0
        assert await count(db, "attendance != 'inactive'") == 1


async def test_sources_are_independent_and_real_data_retires_the_demo(db_path: Path) -> None:
    from bot.demo_directory import DEMO_FILE

    async with Database(db_path) as db:
        store = MeetingStore(db)
        demo = await store.load_demo(DEMO_FILE, NOW)
        assert demo is not None and demo.added >= 40
        assert await store.only_demo()
        assert await store.load_demo(DEMO_FILE, NOW) is None  # only into an empty directory
        await store.import_parsed(parse_mg(mg()), "feed-a", NOW)
        await store.import_parsed(parse_mg(mg(slug="b1")), "feed-b", NOW)
        assert not await store.only_demo()
        assert await count(db, "is_demo = 1 AND attendance != 'inactive'") == 0
        again = await store.import_parsed(parse_mg(mg()), "feed-a", NOW)
        assert again.deactivated == 0
        assert await count(db, "source = 'feed-b' AND attendance != 'inactive'") == 1


async def test_export_round_trips(db_path: Path) -> None:
    async with Database(db_path) as db:
        store = MeetingStore(db)
        await import_records(db, mg(), mg(slug="m2", day=0, types=["W", "O"], notes="Hallo"))
        feed = await store.export_meeting_guide()
        assert {r["day"] for r in feed} == {0, 2}
        back = parse_bytes(json.dumps(feed).encode(), "meeting-guide", "copy")
        assert [(m.weekday, m.start_time, m.types, m.lat) for m in back.meetings] == [
            (m.weekday, m.start_time, m.types, m.lat) for m in (await store.all_active())
        ]
        csv_text = await store.export_csv()
        again = parse_bytes(csv_text.encode(), "tsml-csv", "csv-copy")
        assert again.rejected == []
        assert sorted(m.weekday for m in again.meetings) == [2, 7]


def test_type_label_table_has_dutch_and_english_for_every_code() -> None:
    import tomllib

    from conversations.meeting_format import TYPES_FILE, type_labels

    with TYPES_FILE.open("rb") as fh:
        table = tomllib.load(fh)
    assert len(table["types"]) > 100
    for code, labels in table["types"].items():
        assert code == code.upper() and labels.get("nl") and labels.get("en"), code
    assert type_labels(("O", "W", "RGZ", "ONL", "XYZ"), "nl") == ["Open", "Vrouwen", "XYZ"]
    assert type_labels(("BEG", "JFTN"), "en") == ["Beginners", "Just for Today reading"]


async def test_an_import_stages_outside_the_write_lock_and_leaves_no_stage(db_path: Path) -> None:
    """The records are staged in short transactions; the directory changes only in the final one."""
    async with Database(db_path) as db:
        await import_records(db, mg(), mg(slug="m2"))
        seen_during_staging: list[int] = []
        store = MeetingStore(db)
        original = store._stage_batch

        async def watching(*args: object, **kw: object) -> None:
            await original(*args, **kw)  # type: ignore[arg-type]
            # Another connection (a person's save, the bot) is free to write while the import stages.
            async with Database(db_path) as other:
                await other.execute(
                    "INSERT INTO referrals(tag, day, count) VALUES ('probe', '2026-03-23', 1)"
                )
            seen_during_staging.append(await count(db, "start_time = '20:00'"))

        store._stage_batch = watching  # type: ignore[method-assign]
        report = await store.import_parsed(parse_mg(mg(time="20:00"), mg(slug="m2")), "test", NOW)
        assert seen_during_staging == [0], "nothing of the new version shows before it is applied"
        assert report.updated == 1 and await count(db, "start_time = '20:00'") == 1
        assert await db.tables_like("import_stage_%") == []


async def test_a_stage_left_by_a_killed_import_is_dropped_by_the_next(db_path: Path) -> None:
    async with Database(db_path) as db:
        await db.execute("CREATE TABLE import_stage_999999999_dead (slug TEXT PRIMARY KEY, stage_kind)")
        await import_records(db, mg())
        assert await db.tables_like("import_stage_%") == []
        assert await count(db) == 1
