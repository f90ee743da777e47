"""Translations: every key in both languages per catalog; keys used in code exist; placeholders match."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest

from content import LANGUAGES
from content.i18n import LOCALE_DIR, Translator, catalog_files, messages, normalise_language, read_catalog
from tests.conftest import ROOT

# t("key") and ctx.t.t("key", ...) and translator(...).t("key"): a literal key as first argument.
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
CODE_DIRS = ("bot", "conversations", "content", "storage")


def domains(lang: str) -> set[str]:
    return {p.stem for p in catalog_files(lang)}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_same_catalogs_in_every_language() -> None:
    assert domains("nl") == domains("en")
    assert {"core", "guidance"} <= domains("nl")


@pytest.mark.parametrize("domain", sorted(domains("nl")))
def test_every_key_in_both_languages(domain: str) -> None:
    keys = {
        lang: {m.id for m in read_catalog(LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po", lang) if m.id}
        for lang in LANGUAGES
    }
    assert keys["nl"] - keys["en"] == set(), "only in nl"
    assert keys["en"] - keys["nl"] == set(), "only in en"


def test_no_empty_texts() -> None:
    for lang in LANGUAGES:
        empty = [k for k, v in messages(lang).items() if not v.strip()]
        assert not empty, f"{lang}: {empty}"


def test_placeholders_match_between_languages() -> None:
    nl, en = messages("nl"), messages("en")
    wrong = [k for k in nl if k in en and placeholders(nl[k]) != placeholders(en[k])]
    assert not wrong


def used_keys() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
                found.setdefault(key, path)
    return found


def test_key_finder_sees_the_code() -> None:
    keys = used_keys()
    assert "menu.welcome" in keys and "which.intro" in keys and "learn.btn.more" in keys


def test_every_key_used_in_code_exists() -> None:
    for lang in LANGUAGES:
        known = messages(lang)
        missing = {k: str(p.relative_to(ROOT)) for k, p in used_keys().items() if k not in known}
        assert not missing, f"{lang}: {missing}"


def test_language_codes() -> None:
    assert normalise_language("en-GB") == "en"
    assert normalise_language("nl_BE") == "nl"
    assert normalise_language("de") == "nl"
    assert normalise_language(None) == "nl"


def test_dates_per_locale() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tuesday = datetime(2026, 3, 24, 19, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert Translator("nl").day_time(tuesday) == "dinsdag 19:30"
    assert Translator("en").day_time(tuesday) == "Tuesday 19:30"


def test_no_orphan_guidance_texts() -> None:
    """Every guidance text is used: by code, by content data, or by a key family the flows build."""
    families = ("topic.", "which.q.", "which.opt.")
    code = "".join(p.read_text(encoding="utf-8") for d in CODE_DIRS for p in (ROOT / d).rglob("*.py"))
    data = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "content").glob("*.toml"))
    keys = [m.id for m in read_catalog(LOCALE_DIR / "nl" / "LC_MESSAGES" / "guidance.po", "nl") if m.id]
    orphans = [k for k in keys if not k.startswith(families) and f'"{k}"' not in code + data]
    assert not orphans


@pytest.mark.parametrize("lang", LANGUAGES)
def test_memoised_times_and_weekdays_are_babels(lang: str) -> None:
    """Translator.time and short_weekday remember their texts; they must stay what Babel says, in any zone."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from babel.dates import format_date, format_time

    t = Translator(lang)
    start = datetime(2026, 3, 28, 0, 7, tzinfo=UTC)  # through the spring DST change in Amsterdam
    for zone in (ZoneInfo("Europe/Amsterdam"), ZoneInfo("America/New_York"), UTC, None):
        for step in range(0, 3 * 24 * 60, 53):
            instant = start + timedelta(minutes=step)
            dt = instant.astimezone(zone) if zone is not None else instant.replace(tzinfo=None)
            for _ in range(2):  # the second time from memory
                assert t.time(dt) == format_time(dt, "HH:mm", tzinfo=dt.tzinfo, locale=t.locale)
                assert t.short_weekday(dt) == format_date(dt, "EEE", locale=t.locale).rstrip(".")
                assert t.weekday(dt) == format_date(dt, "EEEE", locale=t.locale)
                assert t.date(dt) == format_date(dt, "EEEE d MMMM", locale=t.locale)
                assert t.short_date(dt.date()) == format_date(dt.date(), "d MMMM y", locale=t.locale)


def test_remembered_texts_and_a_missing_key_warned_every_time(caplog: pytest.LogCaptureFixture) -> None:
    t = Translator("nl")
    assert t.t("menu.prompt") == t.t("menu.prompt") == messages("nl")["menu.prompt"]
    assert t.t("dir.km", km="2,3") == messages("nl")["dir.km"].format(km="2,3")
    for _ in range(2):
        assert t.t("no.such.key") == "no.such.key"
    assert sum("missing text key no.such.key" in r.getMessage() for r in caplog.records) == 2
