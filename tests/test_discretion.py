"""Discretion: nothing sent unprompted, no calendar file and no broadcast names a fellowship, a clinic or
addiction in the lines a lock screen shows. Runs every meeting of the demo and of the real snapshot."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.demo_directory import DEMO_FILE
from content.i18n import translator
from conversations.broadcast_source import render
from conversations.calendar import ics_for
from conversations.discretion import first_lines, revealing_words, street_and_town
from conversations.reminders import checkin_reply, reminder_reply
from conversations.trial_schedule import occurrence
from storage.importers import parse_bytes, parse_file
from storage.meeting import Meeting
from storage.occurrences import DateChange
from tests.conftest import SHARED

SNAPSHOTS = sorted((SHARED / "data").glob("nl-meetings-*.json"))
NOW = datetime(2026, 7, 20, 8, 0, tzinfo=UTC)


def demo_meetings() -> list[Meeting]:
    parsed = parse_bytes(DEMO_FILE.read_bytes(), "meeting-guide", "demo")
    return [replace(m, is_demo=True).with_id(i) for i, m in enumerate(parsed.meetings, 1)]


def snapshot_meetings() -> list[Meeting]:
    parsed = parse_file(SNAPSHOTS[-1])[0]
    return [m.with_id(i) for i, m in enumerate(parsed.meetings, 1)]


def next_date(m: Meeting) -> date:
    day = NOW.date() + timedelta(days=1)
    return day + timedelta(days=(m.weekday - day.isoweekday()) % 7)


def typed_place(m: Meeting) -> str:
    """What a support worker might type for a move: the venue's name first, then street and town."""
    return ", ".join(p for p in (m.location or m.name, m.address or "Kerkstraat 1", m.city) if p)


def renderings(m: Meeting) -> list[tuple[str, str, str]]:
    """(what, lang, text) of every unprompted message about one meeting."""
    out: list[tuple[str, str, str]] = []
    day = next_date(m)
    place = typed_place(m)
    location, _, address = place.partition(", ")
    moves = [
        DateChange("move", day, new_start="20:00"),
        DateChange("move", day, new_location=location, new_address=address),
        DateChange("move", day, new_location=place),
        DateChange("move", day, new_url="https://zoom.example/j/1?name=NA-Anonymous"),
    ]
    changes = [
        ("cancel", {"date": day.isoformat()}, None),
        ("move", {"date": day.isoformat(), "start": "20:00", "place": place}, None),
        ("edit", {"field": "place", "value": place}, None),
        ("edit", {"field": "url", "value": "https://aa-nederland.example/zoom"}, None),
        ("edit", {"field": "time", "value": "19:00"}, None),
        ("close", {}, None),
        ("reopen", {}, None),
        ("note", {}, f"{m.name}: deze maand in zaal 2."),
    ]
    for lang in ("nl", "en"):
        t = translator(lang)
        for change in [None, *moves]:
            occ = occurrence(m, day, change)
            out.append(("reminder", lang, reminder_reply(t, 1, m, occ, NOW).messages[0].text))
        out.append(("check-in", lang, checkin_reply(t, 1, m, occurrence(m, day, None)).messages[0].text))
        for kind, params, text in changes:
            cast = {"kind": kind, "params": params, "text": text, "program": m.program, "region": m.region}
            out.append((f"broadcast {kind}", lang, render(t, cast, m).messages[0].text))
        announce = {"kind": "announce", "params": {}, "text": f"Nieuwe {m.program}-meeting in {m.city}!"}
        out.append(("announce", lang, render(t, {**announce, "region": m.region}, None).messages[0].text))
    return out


def calendar_fields(m: Meeting) -> list[tuple[str, str]]:
    """(field, value) of SUMMARY and LOCATION in the meeting's .ics, plain and after a move."""
    day = next_date(m)
    out = []
    for lang, change in (("nl", None), ("en", DateChange("move", day, new_location=typed_place(m)))):
        occ = occurrence(m, day, change)
        for event in Calendar.from_ical(ics_for(m, [occ], lang=lang, now=NOW)).walk("VEVENT"):
            out += [(f, str(event[f])) for f in ("SUMMARY", "LOCATION") if f in event]
    return out


def leaks(meetings: list[Meeting]) -> list[str]:
    found = []
    for m in meetings:
        for what, lang, text in renderings(m):
            for line in first_lines(text, 2):
                if words := revealing_words(line):
                    found.append(f"{m.source}:{m.slug} {what} ({lang}): {line!r} names {words}")
        for field, value in calendar_fields(m):
            if words := revealing_words(value):
                found.append(f"{m.source}:{m.slug} .ics {field}: {value!r} names {words}")
    return found


def test_the_checker_catches_what_a_lock_screen_must_not_show() -> None:
    for line in (
        "AA Nederland, Statenweg 207, Rotterdam",
        "Brijder Detoxkliniek",
        "Vincent van Gogh Verslaafdenzorg",
        "NA-meeting Utrecht",
        "Anonieme Alcoholisten",
        "Narcotics Anonymous",
        "Al-Anon familiegroep",
        "SMART Recovery",
        "Jellinek Amsterdam",
        "Tactus verslavingszorg",
        "LSOVD ouders",
        "AGOG",
    ):
        assert revealing_words(line), line
    for line in (
        "Vanavond 19:30 — je meeting",
        "Na de meeting drinken we koffie",
        "ca. 20 minuten lopen",
        "Statenweg 207, 3039 JK Rotterdam",
        "Smartlaan 3, Zeist",
        "Ben je gegaan?",
        "Wijziging voor een meeting die je volgt:",
    ):
        assert not revealing_words(line), line


def test_street_and_town_drops_a_revealing_street_field() -> None:
    assert street_and_town("Statenweg 207", "Rotterdam") == "Statenweg 207, Rotterdam"
    assert street_and_town("Brijder, Kerkstraat 1", "Zeist") == "Zeist"


def test_the_demo_directory_is_discreet() -> None:
    meetings = demo_meetings()
    assert len(meetings) > 30
    assert leaks(meetings) == []


def test_a_revealing_venue_stays_out_of_the_first_lines_and_the_calendar() -> None:
    m = Meeting(
        "test", "x", "AA", "AA Nederland", 2, "19:30", location="AA Nederland",
        address="Statenweg 207", city="Rotterdam", postal_code="3039 JK", lat=51.9, lon=4.46,
    )  # fmt: skip
    assert leaks([m.with_id(1), replace(m, location="Brijder Detoxkliniek").with_id(2)]) == []
    text = reminder_reply(translator("nl"), 1, m, occurrence(m, next_date(m), None), NOW).messages[0].text
    assert text.splitlines()[1] == "Statenweg 207, Rotterdam"  # no postal code: '2565 NA' reads as NA
    assert "Plek: AA Nederland" in text  # the venue still helps, after the lines a lock screen shows


@pytest.mark.skipif(not SNAPSHOTS, reason="shared data not available")
def test_every_real_meeting_is_discreet() -> None:
    meetings = snapshot_meetings()
    assert len(meetings) >= 900
    assert sum(1 for m in meetings if revealing_words(f"{m.name} {m.location or ''}")) > 300
    problems = leaks(meetings)
    assert problems == [], "\n".join(problems[:20]) + f"\n… {len(problems)} in all"


def test_shared_data_can_live_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from tests.conftest import shared_dir

    monkeypatch.setenv("EERSTESTAP_SHARED_DIR", str(tmp_path))
    assert shared_dir() == tmp_path
    monkeypatch.delenv("EERSTESTAP_SHARED_DIR")
    assert shared_dir().name == "shared"
