"""Render the website: Jinja2 templates, one folder per page, Dutch at the root and English under en/."""

from __future__ import annotations

import json
import multiprocessing as mp
import re
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import segno
from babel import Locale
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from content import LANGUAGES
from content.i18n import translator
from content.loader import Fellowship, fellowships
from conversations.meeting_format import type_labels, weekday_name
from site_builder.ics import weekly_ics_per_language
from site_builder.model import Directory, Town, arrange, by_day, fold, meeting_language
from storage.meeting import Meeting
from storage.occurrences import DateChange, Occurrence, apply_change, next_slots

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
LANG_PREFIX = {"nl": "", "en": "en/"}
DARK_RUN = re.compile(rb"[\x01]+")  # dark modules of a QR matrix row
UPCOMING = 6  # dates shown on a meeting page and checked for one-off changes
DAYS = tuple(range(1, 8))


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """How to build: where, which languages, the public address, the bot and the optional map."""

    out: Path
    bot: str
    now: datetime
    langs: tuple[str, ...] = LANGUAGES
    base_url: str | None = None
    map: bool = False
    tile_url: str = DEFAULT_TILES
    leaflet_dir: Path | None = None  # a folder holding leaflet.js, leaflet.css and images/
    only_info: bool = False  # the demo directory: publish the information pages only
    jobs: int = 1  # worker processes (forked) for the pages


@dataclass(slots=True)
class BuildReport:
    """What was written."""

    pages: int = 0
    meetings: int = 0
    files: int = 0
    largest_page: tuple[str, int] = ("", 0)
    seconds: float = 0.0
    sizes: dict[str, int] = field(default_factory=dict)
    sitemap: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "meetings": self.meetings,
            "files": self.files,
            "largest_page": {"path": self.largest_page[0], "bytes": self.largest_page[1]},
            "seconds": round(self.seconds, 3),
        }


def deep_link(bot: str, payload: str) -> str:
    """https://t.me/<bot>?start=<payload>."""
    return f"https://t.me/{bot.lstrip('@')}?start={payload}"


def csp(options: SiteOptions) -> str:
    """The Content-Security-Policy: nothing but this site, plus the tile server when the map is on."""
    img = "'self' data:"
    if options.map:
        parts = urlsplit(options.tile_url.replace("{s}", "a"))
        host = parts.netloc.replace("a.", "*.", 1) if "{s}" in options.tile_url else parts.netloc
        img += f" {parts.scheme}://{host}"
    return (
        f"default-src 'none'; script-src 'self'; style-src 'self'; img-src {img}; connect-src 'self'; "
        "font-src 'self'; form-action 'self'; base-uri 'none'"
    )


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("site_builder", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def qr_svg(matrix: Iterable[Iterable[int]], scale: int = 3, border: int = 2) -> str:
    """A QR matrix as one SVG path of horizontal runs (as segno's writer makes it, a fraction faster)."""
    rows = [bytes(row) for row in matrix]
    size = len(rows) + 2 * border
    parts = [
        f"M{run.start() + border} {y + border + 0.5}h{run.end() - run.start()}"
        for y, row in enumerate(rows)
        for run in DARK_RUN.finditer(row)
    ]
    return (
        f'<svg viewBox="0 0 {size * scale} {size * scale}" class="segno">'
        f'<path transform="scale({scale})" stroke="#000" d="{"".join(parts)}"/></svg>'
    )


class Builder:
    """Writes every page of one build."""

    def __init__(
        self, options: SiteOptions, meetings: Iterable[Meeting], changes: dict[tuple[int, date], DateChange]
    ) -> None:
        self.o = options
        self.env = _env()
        self.dir: Directory = arrange([] if options.only_info else meetings)
        self.changes = changes
        self.report = BuildReport(meetings=len(self.dir.meetings))
        self.csp = csp(options)
        self.profiles: dict[str, Fellowship] = fellowships()
        self.town_of = self.dir.town_of()
        self.provinces = self.dir.province_of()
        self._qr: dict[int, str] = {}
        self._dirs: set[Path] = set()
        self._tpl: dict[str, Any] = {}
        self.sitemap: list[str] = []

    # --- helpers ---------------------------------------------------------------------------------

    def _write(self, rel: str, data: bytes) -> None:
        path = self.o.out / rel
        if path.parent not in self._dirs:  # one mkdir per folder, not per file
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)
        path.write_bytes(data)
        self.report.files += 1

    def occurrences(self, m: Meeting) -> list[Occurrence]:
        """The next dates of a meeting with known one-off changes."""
        slots = next_slots(m.weekday, m.start_time, m.end_time, m.timezone, self.o.now, UPCOMING)
        return [apply_change(s, self.changes.get((m.id or 0, s.local_date)), m.timezone) for s in slots]

    def qr(self, m: Meeting) -> str:
        """The QR code of the meeting's deep link as inline SVG (shared by every language)."""
        if m.id not in self._qr:
            code = segno.make(deep_link(self.o.bot, f"meeting_{m.id}"), error="m", mask=0)
            self._qr[m.id or 0] = qr_svg(code.matrix)
        return self._qr[m.id or 0]

    def page(self, lang: str, path: str, template: str, **ctx: Any) -> None:
        """Render one page at <lang prefix><path>index.html."""
        prefix = LANG_PREFIX[lang]
        rel = f"{prefix}{path}"
        depth = rel.count("/")
        root = "../" * depth
        t = translator(lang)
        tpl = self._tpl.get(template) or self._tpl.setdefault(template, self.env.get_template(template))
        alternates = {
            other: ("../" * depth) + LANG_PREFIX[other] + path for other in self.o.langs if other != lang
        }
        canonical = f"{self.o.base_url.rstrip('/')}/{rel}" if self.o.base_url else None
        ctx.setdefault("points", [])
        html = tpl.render(
            lang=lang,
            t=t.t,
            root=root,
            home=root + prefix,
            path=path,
            csp=self.csp,
            alternates=alternates,
            canonical=canonical,
            base_url=self.o.base_url.rstrip("/") if self.o.base_url else None,
            map_on=self.o.map,
            built=t.short_date(self.o.now),
            **ctx,
        )
        data = html.encode("utf-8")
        self._write(rel + "index.html", data)
        self.report.pages += 1
        self.report.sizes[rel + "index.html"] = len(data)
        if len(data) > self.report.largest_page[1]:
            self.report.largest_page = (rel + "index.html", len(data))
        if canonical:
            self.sitemap.append(canonical)

    # --- views -----------------------------------------------------------------------------------

    def view(self, lang: str) -> dict[str, Callable[..., Any]]:
        """Small functions the templates call, bound to a language."""
        t = translator(lang)
        loc = Locale.parse(lang)
        town_of = self.town_of

        @cache
        def day(n: int) -> str:
            return weekday_name(t, n)

        @lru_cache(maxsize=4096)
        def long_date(d: date) -> str:
            return t.date(d)

        def lang_name(code: str) -> str:
            name: str = loc.languages.get(code, code)
            return name

        def program(code: str) -> str:
            p = self.profiles.get(code)
            return p.text(lang, "short") if p else code

        def program_name(code: str) -> str:
            p = self.profiles.get(code)
            return p.text(lang, "name") if p else code

        def times(m: Meeting) -> str:
            return f"{m.start_time}–{m.end_time}" if m.end_time else m.start_time

        def town(m: Meeting) -> Town | None:
            return town_of.get(m.id or 0)

        def types(m: Meeting) -> list[str]:
            return type_labels(m.types, lang)

        def mode(m: Meeting) -> str:
            return t.t(f"site.mode.{m.attendance}")

        def per_day(meetings: Iterable[Meeting]) -> dict[int, int]:
            counts = dict.fromkeys(DAYS, 0)
            for m in meetings:
                counts[m.weekday] += 1
            return counts

        def langs(meetings: Iterable[Meeting]) -> str:
            return " ".join(sorted({meeting_language(m) for m in meetings}))

        def updated(m: Meeting) -> str:
            return short_date(m.updated[:10]) if m.updated else t.t("site.meeting.updated_unknown")

        @lru_cache(maxsize=4096)
        def short_date(iso: str) -> str:
            try:
                return t.short_date(date.fromisoformat(iso))
            except ValueError:
                return iso

        return {
            "day": day,
            "lang_name": lang_name,
            "program": program,
            "program_name": program_name,
            "times": times,
            "town_of": town,
            "types": types,
            "mode": mode,
            "per_day": per_day,
            "langs": langs,
            "updated": updated,
            "mlang": meeting_language,
            "by_day": by_day,
            "date": lambda dt: long_date(dt.date() if isinstance(dt, datetime) else dt),
        }

    def filters(self, meetings: tuple[Meeting, ...]) -> dict[str, Any]:
        """The values a list can be filtered on (only those present)."""
        return {
            "days": sorted({m.weekday for m in meetings}),
            "programs": sorted({m.program for m in meetings}),
            "online": any(m.online for m in meetings) and not all(m.online for m in meetings),
            "languages": sorted({meeting_language(m) for m in meetings}, key=lambda c: (c != "nl", c)),
        }

    def build_language(self, lang: str) -> None:
        v = self.view(lang)
        d = self.dir
        programs = [p for p in self.profiles.values()]
        self.page(
            lang,
            "",
            "home.html",
            v=v,
            provinces=d.provinces,
            programs=programs,
            counts={k: len(ms) for k, ms in d.by_program.items()},
            total=len(d.meetings),
            online_count=len(d.online),
            only_info=self.o.only_info,
        )
        self.page(lang, "plaatsen/", "towns.html", v=v, provinces=d.provinces, total=len(d.meetings))
        for p in programs:
            ms = d.by_program.get(p.id, ())
            towns: dict[str, tuple[Town, int]] = {}
            for m in ms:
                tw = self.town_of.get(m.id or 0)
                if tw is not None:
                    towns[tw.slug] = (tw, towns.get(tw.slug, (tw, 0))[1] + 1)
            self.page(
                lang,
                f"groep/{p.id.lower()}/",
                "fellowship.html",
                v=v,
                profile=p,
                count=len(ms),
                online_count=sum(1 for m in ms if m.online),
                towns=sorted(towns.values(), key=lambda x: fold(x[0].name)),
            )
        if self.o.only_info:
            return
        self.page(
            lang, "online/", "list.html", v=v, title=t_online(lang), meetings=d.online, town=None,
            province=None, f=self.filters(d.online),
        )  # fmt: skip
        for prov in d.provinces:
            self.page(
                lang,
                f"provincie/{prov.slug}/",
                "province.html",
                v=v,
                province=prov,
                points=_points(m for tw in prov.towns for m in tw.meetings) if self.o.map else [],
            )
            for town in prov.towns:
                self.page(
                    lang,
                    f"plaats/{town.slug}/",
                    "list.html",
                    v=v,
                    title=town.name,
                    meetings=town.meetings,
                    town=town,
                    province=prov,
                    f=self.filters(town.meetings),
                    points=_points(town.meetings) if self.o.map else [],
                )

    def build_meetings(self, meetings: Iterable[Meeting]) -> None:
        """A page and a calendar file per meeting and language (the QR code and dates shared)."""
        views = {lang: self.view(lang) for lang in self.o.langs}
        for m in meetings:
            tw = self.town_of.get(m.id or 0)
            occurrences = self.occurrences(m)
            qr = self.qr(m)
            files = weekly_ics_per_language(m, occurrences, self.o.langs, now=self.o.now)
            for lang in self.o.langs:
                self.page(
                    lang,
                    f"meeting/{m.id}/",
                    "meeting.html",
                    v=views[lang],
                    m=m,
                    town=tw,
                    province=self.provinces.get(tw.province) if tw else None,
                    occurrences=occurrences,
                    qr=qr,
                    trial_link=deep_link(self.o.bot, f"proef_m{m.id}"),
                    card_link=deep_link(self.o.bot, f"meeting_{m.id}"),
                    ics=f"afspraak-{m.id}.ics",
                )
                self._write(f"{LANG_PREFIX[lang]}meeting/{m.id}/afspraak-{m.id}.ics", files[lang])

    def run_task(self, task: tuple[str, Any]) -> BuildReport:
        """One unit of work (a language's overview pages, or a slice of meetings); its own report."""
        self.report = BuildReport()
        self.sitemap = []
        kind, arg = task
        if kind == "pages":
            self.build_language(arg)
        else:
            self.build_meetings(self.dir.meetings[arg[0] : arg[1]])
        self.report.sitemap = self.sitemap
        return self.report

    def tasks(self) -> list[tuple[str, Any]]:
        """The work, in pieces a process pool can share."""
        out: list[tuple[str, Any]] = [("pages", lang) for lang in self.o.langs]
        n = len(self.dir.meetings)
        step = max(50, -(-n // (4 * max(1, self.o.jobs))))
        out += [("meetings", (i, min(n, i + step))) for i in range(0, n, step)]
        return out

    def build(self) -> BuildReport:
        started = time.perf_counter()
        out = self.o.out
        out.mkdir(parents=True, exist_ok=True)
        clear_previous(out)
        static = out / "static"
        shutil.copytree(STATIC, static, ignore=shutil.ignore_patterns("*.j2"))
        self._write("static/site.css", self._css().encode())
        if self.o.map:
            copy_leaflet(self.o.leaflet_dir, static / "leaflet")
            self._write("static/map-config.json", json.dumps({"tiles": self.o.tile_url}).encode())
        total = BuildReport(meetings=len(self.dir.meetings), files=self.report.files)
        for part in self._run(self.tasks()):
            total.pages += part.pages
            total.files += part.files
            total.sizes.update(part.sizes)
            total.sitemap += part.sitemap
            if part.largest_page[1] > total.largest_page[1]:
                total.largest_page = part.largest_page
        self.report = total
        self.sitemap = sorted(total.sitemap)
        self._write("zoek.json", json.dumps(self.search_index(), ensure_ascii=False).encode())
        self._write("robots.txt", self._robots().encode())
        if self.sitemap:
            self._write("sitemap.xml", self._sitemap().encode())
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _run(self, tasks: list[tuple[str, Any]]) -> Iterable[BuildReport]:
        """Run the tasks here, or in forked worker processes that inherit this builder."""
        if self.o.jobs <= 1 or "fork" not in mp.get_all_start_methods():
            return [self.run_task(task) for task in tasks]
        global _ACTIVE
        _ACTIVE = self
        try:
            with mp.get_context("fork").Pool(self.o.jobs) as pool:
                return pool.map(_run_task, tasks, chunksize=1)
        finally:
            _ACTIVE = None

    def search_index(self) -> list[dict[str, Any]]:
        """Towns and provinces for the in-browser search: name, folded name, path, count."""
        items: list[dict[str, Any]] = [
            {"n": t.name, "k": fold(t.name), "u": f"plaats/{t.slug}/", "c": len(t.meetings),
             "p": self.provinces[t.province].name}
            for t in self.dir.towns
        ]  # fmt: skip
        items += [
            {"n": p.name, "k": fold(p.name), "u": f"provincie/{p.slug}/", "c": p.count, "p": ""}
            for p in self.dir.provinces
        ]
        return items

    def _css(self) -> str:
        languages = sorted({meeting_language(m) for m in self.dir.meetings} | {"nl", "en"})
        programs = sorted(self.profiles)
        return self.env.get_template("site.css.j2").render(languages=languages, programs=programs, days=DAYS)

    def _robots(self) -> str:
        lines = ["User-agent: *", "Allow: /"]
        if self.o.base_url:
            lines.append(f"Sitemap: {self.o.base_url.rstrip('/')}/sitemap.xml")
        return "\n".join(lines) + "\n"

    def _sitemap(self) -> str:
        urls = "".join(f"<url><loc>{u}</loc></url>" for u in self.sitemap)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
        )


_ACTIVE: Builder | None = None  # the builder a forked worker inherits


def _run_task(task: tuple[str, Any]) -> BuildReport:
    assert _ACTIVE is not None
    return _ACTIVE.run_task(task)


def t_online(lang: str) -> str:
    return translator(lang).t("site.online.title")


def _points(meetings: Iterable[Meeting]) -> list[dict[str, Any]]:
    """Map pins: exact venues only (a town's centre is not a venue)."""
    return [
        {"lat": m.lat, "lon": m.lon, "id": m.id, "n": m.name}
        for m in meetings
        if m.lat is not None and m.lon is not None and not m.approximate and m.in_person
    ]


def clear_previous(out: Path) -> None:
    """Remove what an earlier build wrote (and only that), so a meeting taken off is off the site."""
    for name in ("static", "meeting", "plaats", "plaatsen", "provincie", "groep", "online", "en"):
        if (out / name).is_dir():
            shutil.rmtree(out / name)
    for name in ("index.html", "zoek.json", "robots.txt", "sitemap.xml"):
        (out / name).unlink(missing_ok=True)


def copy_leaflet(source: Path | None, target: Path) -> None:
    """Vendor Leaflet's dist folder into the build (from npm's node_modules; never a CDN)."""
    folder = source or find_leaflet()
    if folder is None or not (folder / "leaflet.js").exists():
        raise FileNotFoundError(
            "Leaflet not found: run `npm install leaflet@1` (or set EERSTESTAP_LEAFLET_DIR to its dist/)"
        )
    target.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copy2(folder / name, target / name)
    if (folder / "images").is_dir():
        shutil.copytree(folder / "images", target / "images", dirs_exist_ok=True)


def find_leaflet() -> Path | None:
    """Leaflet's dist/ from node_modules here or in .ci-cache/leaflet."""
    candidates: list[Path] = []
    here = Path.cwd()
    repo = Path(__file__).resolve().parent.parent
    for base in (here, repo, repo / ".ci-cache" / "leaflet"):
        candidates.append(base / "node_modules" / "leaflet" / "dist")
    return next((c for c in candidates if (c / "leaflet.js").exists()), None)


def build_site(
    options: SiteOptions,
    meetings: Iterable[Meeting],
    changes: dict[tuple[int, date], DateChange] | None = None,
) -> BuildReport:
    """Write the whole site into options.out; returns what was written."""
    return Builder(options, meetings, changes or {}).build()


def change_window(now: datetime) -> tuple[date, date]:
    """The dates for which one-off changes matter to a build."""
    return now.date() - timedelta(days=1), now.date() + timedelta(days=7 * UPCOMING + 1)
