"""The directory arranged for the website: provinces, towns and the online list, with stable slugs."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from storage.meeting import Meeting

ONLINE_REGION = "online"
UNKNOWN = "onbekend"


def slugify(text: str) -> str:
    """'Den Haag' → 'den-haag', 'België' → 'belgie' (ASCII, lower case, hyphens)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or UNKNOWN


def fold(text: str) -> str:
    """Text for matching a search: no accents, lower case, single spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


def meeting_language(m: Meeting) -> str:
    """The meeting's language code; a meeting without one is Dutch (as the bot's filters read it)."""
    return (m.language or "nl").lower()


@dataclass(frozen=True, slots=True)
class Town:
    """A town with meetings (in person or hybrid)."""

    name: str
    slug: str
    province: str  # the province's slug
    meetings: tuple[Meeting, ...]


@dataclass(frozen=True, slots=True)
class Province:
    """A province (the feeds' region) and its towns; `placeless` meetings have no town."""

    name: str
    slug: str
    towns: tuple[Town, ...]
    placeless: tuple[Meeting, ...]

    @property
    def count(self) -> int:
        return sum(len(t.meetings) for t in self.towns) + len(self.placeless)


@dataclass(frozen=True, slots=True)
class Directory:
    """Everything the pages list."""

    meetings: tuple[Meeting, ...]
    provinces: tuple[Province, ...]
    online: tuple[Meeting, ...]
    by_program: dict[str, tuple[Meeting, ...]]

    @property
    def towns(self) -> list[Town]:
        return sorted((t for p in self.provinces for t in p.towns), key=lambda t: fold(t.name))

    def town_of(self) -> dict[int, Town]:
        """Meeting id → its town page."""
        return {m.id: t for p in self.provinces for t in p.towns for m in t.meetings if m.id is not None}

    def province_of(self) -> dict[str, Province]:
        return {p.slug: p for p in self.provinces}


def _order(m: Meeting) -> tuple[int, str, str, int]:
    return (m.weekday, m.start_time, m.name.casefold(), m.id or 0)


def arrange(meetings: Iterable[Meeting]) -> Directory:
    """Group meetings into provinces and towns (day by day) and an online list."""
    all_m = tuple(sorted(meetings, key=_order))
    in_person = [m for m in all_m if m.in_person]
    # A town belongs to the province most of its meetings name.
    regions: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for m in in_person:
        if m.city:
            key = slugify(m.city)
            names[key][m.city.strip()] += 1
            regions[key][(m.region or "").strip()] += 1
    town_region = {k: c.most_common(1)[0][0] for k, c in regions.items()}
    by_town: dict[str, list[Meeting]] = defaultdict(list)
    placeless: dict[str, list[Meeting]] = defaultdict(list)
    for m in in_person:
        if m.city:
            by_town[slugify(m.city)].append(m)
        else:
            placeless[(m.region or "").strip()].append(m)
    province_names = set(town_region.values()) | set(placeless)
    provinces = []
    for pname in sorted(province_names, key=lambda n: (not n, fold(n))):
        pslug = slugify(pname) if pname else UNKNOWN
        if pslug == ONLINE_REGION:
            pslug = "online-regio"
        towns = tuple(
            Town(names[k].most_common(1)[0][0], k, pslug, tuple(by_town[k]))
            for k in sorted((k for k, r in town_region.items() if r == pname), key=lambda k: k)
        )
        provinces.append(Province(pname or "?", pslug, towns, tuple(placeless.get(pname, ()))))
    by_program: dict[str, list[Meeting]] = defaultdict(list)
    for m in all_m:
        by_program[m.program].append(m)
    return Directory(
        meetings=all_m,
        provinces=tuple(provinces),
        online=tuple(m for m in all_m if m.online),
        by_program={k: tuple(v) for k, v in by_program.items()},
    )


def by_day(meetings: Iterable[Meeting]) -> list[tuple[int, list[Meeting]]]:
    """Meetings grouped by ISO weekday (Monday first), each day in time order."""
    days: dict[int, list[Meeting]] = defaultdict(list)
    for m in sorted(meetings, key=_order):
        days[m.weekday].append(m)
    return sorted(days.items())
