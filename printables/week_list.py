"""A printable week of meetings near a place: loading the week apart from drawing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from content.i18n import Translator
from conversations.meeting_format import km_text, program_short
from conversations.upcoming import within
from printables.sheet import ACCENT, MUTED, Sheet, printable
from storage.db import Database
from storage.directory import Filters, MeetingStore
from storage.meeting import Meeting
from storage.occurrences import DEFAULT_ZONE, Occurrence, zone

MAX_MEETINGS = 400


@dataclass(frozen=True, slots=True)
class Row:
    """One meeting on one day of the list."""

    meeting: Meeting
    occurrence: Occurrence
    km: float | None


@dataclass(frozen=True, slots=True)
class Week:
    """What the list shows: a place, a radius, seven days of rows."""

    place: str
    radius_km: float
    program: str | None
    first_day: date
    days: list[tuple[date, list[Row]]]

    @property
    def demo(self) -> bool:
        return any(r.meeting.is_demo for _, rows in self.days for r in rows)

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.days)


async def load_week(
    db: Database, lat: float, lon: float, place: str, now: datetime, *, radius_km: float = 25.0,
    program: str | None = None,
) -> Week:  # fmt: skip
    """Every held meeting within radius_km of a point, day by day for seven days from today."""
    nearby = await MeetingStore(db).near(
        lat, lon, Filters(program=program), limit=MAX_MEETINGS, max_km=radius_km
    )
    km = {n.meeting.id: n.km for n in nearby}
    local = zone(DEFAULT_ZONE)
    start = datetime.combine(now.astimezone(local).date(), time(0), tzinfo=local)
    items = await within(db, [n.meeting for n in nearby], start, timedelta(days=7))
    days: dict[date, list[Row]] = {start.date() + timedelta(days=i): [] for i in range(7)}
    for meeting, occ in items:
        day = occ.begins.date()
        if day in days and not occ.cancelled:
            days[day].append(Row(meeting, occ, km.get(meeting.id)))
    return Week(place, radius_km, program, start.date(), sorted(days.items()))


def row_cells(t: Translator, row: Row) -> tuple[str, str, str, str]:
    """Time, fellowship, where (name, street, town; online said in words), and distance."""
    m = row.meeting
    where = ", ".join(p for p in (m.name, m.address, m.city) if p)
    if m.attendance == "hybrid":
        where += f" ({t.t('print.list.also_online')})"
    if m.is_demo:
        where += f" [{t.t('print.list.demo_mark')}]"
    distance = km_text(t, row.km) if row.km is not None else ""
    return t.time(row.occurrence.begins), program_short(t, m.program), where, distance


QR_MM = 32


def week_list_pdf(t: Translator, week: Week, made: datetime, bot_url: str) -> bytes:
    """The A4 list as PDF bytes: heading and QR code into the bot, day by day, the date it was made."""
    last = week.first_day + timedelta(days=6)
    sheet = Sheet(t.t("print.list.title", place=week.place), t.lang)
    sheet.add_page()
    top = sheet.get_y()
    sheet.set_y(top)
    sheet.qr(bot_url, QR_MM, x=sheet.w - sheet.r_margin - QR_MM)
    below_qr = sheet.get_y()
    sheet.set_y(top)
    text_width = sheet.epw - QR_MM - 6
    sheet.para(
        t.t("print.list.title", place=week.place), 20, bold=True, colour=ACCENT, gap=1, width=text_width
    )
    program = f" {program_short(t, week.program)}" if week.program else ""
    scope = t.t("print.list.scope", first=t.date(week.first_day), last=t.date(last), km=f"{week.radius_km:g}",
                program=program)  # fmt: skip
    sheet.para(scope, 11, colour=MUTED, gap=1, width=text_width)
    sheet.para(t.t("print.list.made", date=t.date(made)) + " " + t.t("print.list.changes"), 10, colour=MUTED,
               gap=1, width=text_width)  # fmt: skip
    sheet.para(t.t("print.poster.urgent"), 10, bold=True, gap=1, width=text_width)
    sheet.set_y(max(sheet.get_y(), below_qr) + 2)
    if week.demo:
        sheet.para(t.t("print.list.demo"), 12, bold=True, gap=3)
    if week.count == 0:
        sheet.para(t.t("print.list.none"), 12, gap=3)
    widths = (14.0, 26.0, sheet.epw - 14.0 - 26.0 - 18.0, 18.0)
    for day, rows in week.days:
        if not rows:
            continue
        if sheet.get_y() > sheet.h - 40:
            sheet.add_page()
        sheet.para(t.date(day).capitalize(), 12.5, bold=True, gap=0.5)
        sheet.rows([row_cells(t, r) for r in rows], widths)
    sheet.para(printable(bot_url), 9, colour=ACCENT, gap=0)
    return sheet.output_bytes()
