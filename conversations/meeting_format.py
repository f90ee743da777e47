"""How meetings read in a chat: listing lines, the meeting card, type codes in plain words."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta, tzinfo
from functools import cache, lru_cache

from babel.numbers import format_decimal

from content import CONTENT_DIR
from content.i18n import Translator
from content.loader import fellowships
from storage.meeting import Meeting
from storage.occurrences import Occurrence

TYPES_FILE = CONTENT_DIR / "meeting_types.toml"


def saved_id(m: Meeting) -> int:
    """The id of a meeting read from the database (one not saved yet has none: a programming error)."""
    if m.id is None:
        raise ValueError("meeting has no id")
    return m.id


@cache
def _types_table() -> tuple[dict[str, dict[str, str]], frozenset[str]]:
    with TYPES_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    return data.get("types", {}), frozenset(data.get("hidden", []))


def type_labels(types: tuple[str, ...] | list[str], lang: str) -> list[str]:
    """Type codes in plain words (region codes and ONL left out; unknown codes shown as they are)."""
    table, hidden = _types_table()
    out = []
    for code in types:
        if code in hidden:
            continue
        labels = table.get(code)
        out.append(labels.get(lang) or labels.get("en") or code if labels else code)
    return out


def demo_line(t: Translator) -> str:
    """The line every message with demo meetings carries."""
    return t.t("dir.demo")


def program_label(t: Translator, program: str) -> str:
    """A fellowship's name, e.g. 'NA (Anonieme Verslaafden)'."""
    key = f"dir.program.{program}"
    return t.t(key) if t.has(key) else program


def program_short(t: Translator, program: str) -> str:
    """A fellowship's short name for listings, e.g. 'Al-Anon' (the code itself if unknown)."""
    profile = fellowships().get(program)
    return profile.text(t.lang, "short") if profile else program


def weekday_name(t: Translator, weekday: int) -> str:
    """The full name of an ISO weekday in the person's language."""
    return t.weekday(date(2024, 1, weekday))  # 1 January 2024 was a Monday


def short_weekday(t: Translator, dt: datetime) -> str:
    """'di' / 'Tue'."""
    return t.short_weekday(dt)


def km_text(t: Translator, km: float) -> str:
    """'2,3 km'."""
    return _km_text(t, round(km, 1))


@lru_cache(maxsize=4096)
def _km_text(t: Translator, km: float) -> str:
    """km_text of a distance already rounded (memoised: a listing's distances repeat to 0.1 km)."""
    return t.t("dir.km", km=_decimal(km, t.lang))


@lru_cache(maxsize=4096)
def _decimal(value: float, lang: str) -> str:
    """A number with one decimal in a language's notation (memoised: distances repeat)."""
    return format_decimal(value, "0.0", locale=lang)


def relative_day(t: Translator, when: datetime, now: datetime) -> str:
    """'vandaag', 'morgen' or the short weekday, in the meeting's own zone."""
    today = _local_date(now, when.tzinfo)
    if when.date() == today:
        return t.t("dir.today")
    if when.date() == today + timedelta(days=1):
        return t.t("dir.tomorrow")
    return short_weekday(t, when)


@lru_cache(maxsize=256)
def _local_date(now: datetime, tz: tzinfo | None) -> date:
    """The date of an instant in a zone (memoised: the lines of one listing share `now` and the zone)."""
    return now.astimezone(tz).date()


def status_note(t: Translator, occ: Occurrence, now: datetime) -> str:
    """' (nu bezig)', ' (gaat niet door)', ' (verplaatst)' or ''."""
    if occ.cancelled:
        return " " + t.t("dir.status.cancelled")
    slot = occ.slot  # (its instants in UTC compare with a UTC `now` without zone lookups)
    begins = slot.start_utc if occ.start is None else occ.start
    ends = slot.end_utc if occ.end is None else occ.end
    if begins <= now < ends:
        return " " + t.t("dir.status.running")
    if occ.status == "moved":
        return " " + t.t("dir.status.moved")
    return ""


def listing_line(
    t: Translator,
    number: int,
    meeting: Meeting,
    occ: Occurrence,
    now: datetime,
    km: float | None = None,
    *,
    language_unknown: bool = False,
) -> str:
    """'3. di 19:30 · 2,3 km · NA · Name (nu bezig)', marked '(voorbeeld)' or '(taal onbekend)'."""
    when = f"{relative_day(t, occ.begins, now)} {t.time(occ.begins)}"
    parts = [when]
    if km is not None:
        parts.append(km_text(t, km))
    parts += [program_short(t, meeting.program), meeting.name]
    marks = status_note(t, occ, now)
    if language_unknown:
        marks += " " + t.t("dir.mark.lang_unknown")
    if meeting.is_demo:
        marks += " " + t.t("dir.mark.demo")
    return f"{number}. " + " · ".join(parts) + marks


def cut_label(text: str, limit: int = 40) -> str:
    """Text for a button: whole when it fits, else cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,.;:-·/(") + "…"


def weekly_text(t: Translator, meeting: Meeting, occ: Occurrence | None) -> str:
    """'Elke dinsdag van 19:30 tot 21:00' in the meeting's own time."""
    day = weekday_name(t, meeting.weekday)
    if occ is not None:
        return t.t("dir.card.weekly", day=day, start=t.time(occ.slot.start), end=t.time(occ.slot.end))
    return t.t("dir.card.weekly_start", day=day, start=meeting.start_time)


def occurrence_text(t: Translator, occ: Occurrence, now: datetime) -> str:
    """The next date, with a cancellation or move spelled out."""
    day = t.date(occ.slot.start)
    if occ.cancelled:
        return t.t("dir.card.next_cancelled", date=day)
    if occ.status == "moved":
        return t.t("dir.card.next_moved", date=day, time=t.time(occ.begins))
    if occ.begins <= now < occ.ends:
        return t.t("dir.card.running", time=t.time(occ.begins))
    return t.t("dir.card.next", date=day, time=t.time(occ.begins))


def place_text(meeting: Meeting) -> str:
    """Location name and address on one line."""
    return ", ".join(p for p in (meeting.location, meeting.formatted_address) if p)


def moved_place(occ: Occurrence | None) -> str | None:
    """The place a moved date is held at instead ('Wijkcentrum Oost, Kerkstraat 5'), or None."""
    change = occ.change if occ is not None and occ.status == "moved" else None
    if change is None or not (change.new_location or change.new_address):
        return None
    return ", ".join(p for p in (change.new_location, change.new_address) if p)


def next_held(occurrences: list[Occurrence]) -> Occurrence | None:
    """The first occurrence that is not cancelled (where a person would go next)."""
    return next((o for o in occurrences if not o.cancelled), None)


def card_text(t: Translator, meeting: Meeting, occurrences: list[Occurrence], now: datetime) -> str:
    """The meeting card as plain text (the map pin and buttons come separately)."""
    lines: list[str] = []
    if meeting.is_demo:
        lines.append(demo_line(t))
    lines.append(meeting.name)
    lines.append(program_label(t, meeting.program))
    if not meeting.active:
        lines.append(t.t("dir.card.inactive"))
    first = occurrences[0] if occurrences else None
    lines.append(weekly_text(t, meeting, first))
    if first is not None:
        lines.append(occurrence_text(t, first, now))
        if place := moved_place(first):
            lines.append(t.t("dir.card.moved_place", place=place))
        if first.cancelled:
            later = next_held(occurrences[1:])
            if later is not None:
                lines.append(t.t("dir.card.after", text=occurrence_text(t, later, now)))
                if place := moved_place(later):
                    lines.append(t.t("dir.card.moved_place", place=place))
    if meeting.in_person and place_text(meeting):
        lines.append(t.t("dir.card.where", place=place_text(meeting)))
    if meeting.location_notes:
        lines.append(t.t("dir.card.location_notes", notes=meeting.location_notes))
    if meeting.online:
        lines.append(t.t("dir.card.online_hybrid" if meeting.in_person else "dir.card.online_only"))
        if meeting.conference_url:
            lines.append(t.t("dir.card.link", url=meeting.conference_url))
        if meeting.conference_phone:
            lines.append(t.t("dir.card.phone", phone=meeting.conference_phone))
        if not (meeting.conference_url or meeting.conference_phone):
            contact = (meeting.url or "").removeprefix("mailto:")
            lines.append(t.t("dir.card.link_on_request", contact=contact))
    labels = type_labels(meeting.types, t.lang)
    if labels:
        lines.append(t.t("dir.card.types", types=", ".join(labels)))
    if "C" in meeting.types:  # "Gesloten" alone does not say for whom
        lines.append(t.t("dir.card.closed_note"))
    elif "O" in meeting.types:
        lines.append(t.t("dir.card.open_note"))
    if meeting.notes:
        lines.append(t.t("dir.card.notes", notes=meeting.notes))
    if meeting.updated:
        try:
            lines.append(t.t("dir.card.updated", date=t.short_date(date.fromisoformat(meeting.updated[:10]))))
        except ValueError:
            pass
    return "\n".join(lines)
