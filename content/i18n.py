"""Gettext catalogs (Babel), compiled in memory at load time, and locale-aware formatting.

Message ids are stable keys such as ``menu.welcome``; every key has a Dutch and an English text.
Each feature keeps its own catalog file (a gettext domain) under ``locale/<lang>/LC_MESSAGES``.
"""

from __future__ import annotations

import io
import logging
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from content import CONTENT_DIR, DEFAULT_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)
Day = date  # `Translator.date` shadows the type's name inside the class
LOCALE_DIR = CONTENT_DIR / "locale"
DATE_TEXTS = 4096  # formatted dates a translator remembers (then it starts again)


def normalise_language(code: str | None) -> str:
    """Map a Telegram language_code (e.g. 'en-GB', 'nl', 'de') to a supported language."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.lower().replace("_", "-").split("-", 1)[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def catalog_files(lang: str) -> list[Path]:
    """The .po files of one language, one per domain."""
    return sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))


def read_catalog(path: Path, lang: str) -> Catalog:
    """Parse one .po file."""
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=path.stem)


@cache
def translations(lang: str) -> Translations:
    """All domains of a language, compiled to .mo in memory and merged."""
    merged: Translations | None = None
    for path in catalog_files(lang):
        buf = io.BytesIO()
        write_mo(buf, read_catalog(path, lang), use_fuzzy=False)
        buf.seek(0)
        part = Translations(fp=buf, domain=path.stem)
        merged = part if merged is None else merged.merge(part)
    return merged or Translations()


@cache
def messages(lang: str) -> dict[str, str]:
    """Key → text for one language (for completeness checks)."""
    out: dict[str, str] = {}
    for path in catalog_files(lang):
        for msg in read_catalog(path, lang):
            if msg.id and isinstance(msg.id, str):
                out[msg.id] = msg.string if isinstance(msg.string, str) else ""
    return out


class Translator:
    """Texts and formatting in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = normalise_language(lang)
        self._tr = translations(self.lang)
        self.locale = Locale.parse(self.lang)
        self._times: dict[tuple[int, int], str] = {}  # (hour, minute) → '19:30': listings repeat them
        self._days: dict[int, str] = {}  # ISO weekday → 'di'
        self._dates: dict[tuple[str, Day], str] = {}  # (pattern, date) → text
        self._texts: dict[str, str] = {}  # key → text, for the keys the catalogs have

    def t(self, key: str, **params: object) -> str:
        """The text for a key, with {placeholders} filled in."""
        text = self._texts.get(key)
        if text is None:
            text = self._tr.gettext(key)
            if text == key:
                log.warning("missing text key %s for %s", key, self.lang)
            else:
                self._texts[key] = text
        return text.format(**params) if params else text

    def has(self, key: str) -> bool:
        """Whether a key exists in this language."""
        return self._tr.gettext(key) != key

    def _date_text(self, d: date | datetime, pattern: str) -> str:
        """format_date (which reads a datetime's own date), remembered per pattern and date."""
        key = (pattern, d.date() if isinstance(d, datetime) else d)
        text = self._dates.get(key)
        if text is None:
            if len(self._dates) >= DATE_TEXTS:
                self._dates.clear()
            text = self._dates[key] = format_date(d, pattern, locale=self.locale)
        return text

    def weekday(self, dt: datetime | date) -> str:
        """Full weekday name, e.g. 'dinsdag'."""
        return self._date_text(dt, "EEEE")

    def day_time(self, dt: datetime) -> str:
        """Weekday and wall-clock time, e.g. 'dinsdag 19:30'."""
        return format_datetime(dt, "EEEE HH:mm", tzinfo=dt.tzinfo, locale=self.locale)

    def time(self, dt: datetime) -> str:
        """Wall-clock time, e.g. '19:30' (memoised: the text depends on the hour and minute only)."""
        key = (dt.hour, dt.minute)
        text = self._times.get(key)
        if text is None:
            text = self._times[key] = format_time(dt, "HH:mm", tzinfo=dt.tzinfo, locale=self.locale)
        return text

    def short_weekday(self, dt: datetime | date) -> str:
        """Abbreviated weekday without a trailing dot, e.g. 'di' / 'Tue' (memoised per weekday)."""
        key = dt.isoweekday()
        text = self._days.get(key)
        if text is None:
            text = self._days[key] = format_date(dt, "EEE", locale=self.locale).rstrip(".")
        return text

    def date(self, d: date | datetime) -> str:
        """A readable date, e.g. 'dinsdag 24 maart'."""
        return self._date_text(d, "EEEE d MMMM")

    def short_date(self, d: Day | datetime) -> str:
        """A date with its year in the same words as `date`, e.g. '24 maart 2026'."""
        return self._date_text(d, "d MMMM y")


@cache
def translator(lang: str) -> Translator:
    """A cached translator per language."""
    return Translator(lang)
