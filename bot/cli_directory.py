"""`eerstestap directory …`: import feeds, export, find meetings near a place, statistics."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from bot.cli_sync import register_sync
from bot.runtime import open_services
from content.loader import fellowships
from conversations.upcoming import next_of
from storage.directory import Filters, MeetingStore
from storage.importers import FORMATS, BadValue, open_feed
from storage.importers.normalise import weekday_from_name
from storage.languages import language_match
from storage.meeting import PROGRAMS
from storage.postcodes import parse_postcode, postcode_point

COORDS_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$")
DEMO_NOTE = "Voorbeeld: deze meetings zijn verzonnen. (demo directory: these meetings are made up)"
LANGUAGE_CANDIDATES = 40  # the chat looks at as many
DEMO_SOME = "Meetings met [voorbeeld] zijn verzonnen. (meetings marked [voorbeeld] are made up)"
APPROX_NOTE = "postcode {pc4}: approximate area centre, estimated from the directory's own postcodes"


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("directory", parents=[common], help="the meeting directory")
    dsub = p.add_subparsers(dest="directory_command", required=True)
    # `--db` works before or after the subcommand; the inner one must not reset the outer one.
    leaf = argparse.ArgumentParser(add_help=False)
    db_help = "SQLite file (default: $EERSTESTAP_DB, then the data directory)"
    leaf.add_argument("--db", type=Path, default=argparse.SUPPRESS, help=db_help)

    imp = dsub.add_parser("import", parents=[leaf], help="import a feed (one transaction)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--format", choices=FORMATS, default=None, help="default: detected from the file")
    imp.add_argument("--source", default=None, help="source name (default: the format)")
    imp.add_argument("--program", choices=PROGRAMS, default=None, help="fellowship when the feed has none")
    imp.add_argument("--strict", action="store_true", help="change nothing if any record is rejected")
    imp.add_argument("--json", action="store_true", help="print the report as one JSON object")
    imp.set_defaults(func=run_import)

    exp = dsub.add_parser("export", parents=[leaf], help="export active meetings")
    exp.add_argument("--format", choices=("meeting-guide", "csv"), default="meeting-guide")
    exp.add_argument("--output", "-o", type=Path, default=None, help="file (default: standard output)")
    exp.set_defaults(func=run_export)

    near = dsub.add_parser("near", parents=[leaf], help="meetings near a place or LAT,LON")
    near.add_argument(
        "place", nargs="?", default="", help='a Dutch place name, a postcode ("3511 AB") or LAT,LON'
    )
    near.add_argument("--program", type=str.upper, choices=PROGRAMS, default=None)
    near.add_argument("--day", default=None, help="weekday: ma/di/… or mon/tue/…")
    near.add_argument(
        "--language",
        choices=("nl", "en"),
        default=None,
        help="held in this language, or of unknown language (marked)",
    )
    near.add_argument("--online", action="store_true", help="online meetings instead")
    near.add_argument("--limit", type=int, default=10)
    near.add_argument("--max-km", type=float, default=50.0)
    near.add_argument("--json", action="store_true")
    near.set_defaults(func=run_near)

    drop = dsub.add_parser("drop-demo", parents=[leaf], help="remove the invented demo meetings")
    drop.set_defaults(func=run_drop_demo)

    register_sync(dsub, leaf)

    stats = dsub.add_parser("stats", parents=[leaf], help="counts and what needs attention")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=run_stats)


async def run_import(args: argparse.Namespace) -> int:
    with contextlib.ExitStack() as stack:
        try:
            feed = stack.enter_context(open_feed(args.file, args.format, args.source, args.program))
        except (OSError, BadValue) as exc:
            print(f"import failed, nothing changed: {exc}", file=sys.stderr)
            return 2
        async with open_services(args.config) as services:
            report = await MeetingStore(services.db).import_parsed(
                feed.parsed, feed.source, services.clock.now(), strict=args.strict, meetings=feed.meetings
            )
    data = report.as_json()
    rejected = data["rejected_total"]
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        name = f"{args.file.name} ({feed.fmt}, source {feed.source!r})"
        print(f"{name}: {report.total} meetings, {report.online} online")
        print(
            f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
            f"deactivated {report.deactivated}, rejected {rejected}"
        )
        for r in report.rejected:
            print(f"  rejected {r['record']}: {r['reason']}")
        if rejected > len(report.rejected):
            print(f"  … and {rejected - len(report.rejected)} more rejected")
        for w in report.warnings:
            print(f"  note {w['record']}: {w['warning']}")
        if data["warnings_total"] > len(report.warnings):
            print(f"  … and {data['warnings_total'] - len(report.warnings)} more notes")
        if args.strict and rejected:
            print("strict: nothing changed")
    return 1 if args.strict and rejected else 0


async def run_export(args: argparse.Namespace) -> int:
    async with open_services(args.config) as services:
        store = MeetingStore(services.db)
        if args.format == "csv":
            text = await store.export_csv()
        else:
            text = json.dumps(await store.export_meeting_guide(), ensure_ascii=False, indent=1) + "\n"
        demo = await store.only_demo()
    if args.output:
        await asyncio.to_thread(args.output.write_text, text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if demo:
        print(DEMO_NOTE, file=sys.stderr)
    return 0


def resolve_point(text: str) -> tuple[float, float, str] | str:
    """LAT,LON or a place name → (lat, lon, label); a message string when it cannot be resolved.

    Postcodes are resolved by `run_near` (their centres come from the database).
    """
    m = COORDS_RE.match(text)
    if m:
        return float(m.group(1)), float(m.group(2)), text.strip()
    from conversations.places import resolve

    match = resolve(text)
    if match.unique is not None:
        p = match.unique
        return p.lat, p.lon, p.label
    if match.ambiguous:
        return "ambiguous place, choose one of: " + "; ".join(p.label for p in match.places)
    return f"unknown place {text!r}"


async def run_near(args: argparse.Namespace) -> int:
    weekdays: tuple[int, ...] = ()
    if args.day:
        try:
            weekdays = (weekday_from_name(args.day),)
        except BadValue as exc:
            print(str(exc), file=sys.stderr)
            return 2
    filters = Filters(program=args.program, weekdays=weekdays, language=args.language)
    point: tuple[float, float, str] | None = None
    postcode = None if args.online else parse_postcode(args.place)
    if not args.online and postcode is None:
        if not args.place:
            print("give a place name, a postcode or LAT,LON (or --online)", file=sys.stderr)
            return 2
        resolved = resolve_point(args.place)
        if isinstance(resolved, str):
            print(resolved, file=sys.stderr)
            return 2
        point = resolved
    async with open_services(args.config) as services:
        store = MeetingStore(services.db)
        now = services.clock.now()
        if postcode is not None:
            area = await postcode_point(services.db, args.place)
            if area is None:
                print(
                    f"unknown postcode area {postcode}: no meetings near it in the directory", file=sys.stderr
                )
                return 2
            point = (area.lat, area.lon, f"postcode {area.pc4} (approximate)")
        # With a language filter, look further: meetings known to be in it come first, then those of
        # unknown language (marked), each group in its own order.
        wide = max(args.limit, LANGUAGE_CANDIDATES) if args.language else args.limit
        pairs: list[tuple[Any, float | None]]
        if point is not None:
            nearby = await store.near(point[0], point[1], filters, limit=wide, max_km=args.max_km)
            pairs = [(n.meeting, n.km) for n in nearby]
        else:
            pairs = [(m, None) for m in await store.online(filters, limit=wide)]
        if args.language:
            pairs.sort(key=lambda pair: language_match(pair[0], args.language) != "yes")
        pairs = pairs[: args.limit]
        rows = []
        for m, km in pairs:
            occ = await next_of(services.db, m, now, 2)
            rows.append(_near_row(m, km, occ, args.language))
    demo = any(r["demo"] for r in rows)
    if args.json:
        out: dict[str, Any] = {"place": point[2] if point else None, "demo": demo, "meetings": rows}
        if point:
            out["lat"], out["lon"] = point[0], point[1]
        out["approximate"] = postcode is not None
        print(json.dumps(out, ensure_ascii=False))
    else:
        if postcode is not None:
            print(APPROX_NOTE.format(pc4=postcode))
        if demo:
            print(DEMO_NOTE if all(r["demo"] for r in rows) else DEMO_SOME)
        if not rows:
            print("no meetings found" + (f" within {args.max_km:g} km" if point else ""))
        for r in rows:
            dist = f"{r['distance_km']:5.1f} km  " if r["distance_km"] is not None else ""
            nxt = r["next"]
            status = "" if nxt["status"] == "scheduled" else f" [{nxt['status']}]"
            marks = " [taal onbekend]" if r.get("language_match") == "unknown" else ""
            marks += " [voorbeeld]" if r["demo"] else ""
            where = r["address"] or r["online"]
            print(f"{dist}{nxt['local']}{status}  {r['fellowship']:<14} {r['name']}{marks}  — {where}")
    return 0


def _occ_json(occ: Any) -> dict[str, Any] | None:
    if occ is None:
        return None
    return {
        "local": occ.begins.strftime("%Y-%m-%d %H:%M"),
        "weekday": occ.begins.isoweekday(),
        "iso": occ.begins.isoformat(),
        "status": occ.status,
    }


def _near_row(
    m: Any, km: float | None, occurrences: list[Any], language: str | None = None
) -> dict[str, Any]:
    """One meeting of `near --json`: distance, next occurrence (local and ISO with offset), address."""
    first = occurrences[0] if occurrences else None
    held = next((o for o in occurrences if not o.cancelled), None)
    profile = fellowships().get(m.program)
    return {
        "id": m.id,
        "name": m.name,
        "program": m.program,
        "fellowship": profile.text("nl", "short") if profile else m.program,
        "language": m.language,
        "language_match": language_match(m, language) if language else None,
        "distance_km": None if km is None else round(km, 2),
        "next": _occ_json(first),
        "next_held": _occ_json(held) if first is not None and first.cancelled else None,
        "timezone": m.timezone,
        "address": m.formatted_address or None,
        "location": m.location,
        "city": m.city,
        "lat": m.lat,
        "lon": m.lon,
        "attendance": m.attendance,
        "online": m.conference_url or m.conference_phone,
        "types": list(m.types),
        "demo": m.is_demo,
    }


async def run_drop_demo(args: argparse.Namespace) -> int:
    async with open_services(args.config) as services:
        count = await MeetingStore(services.db).drop_demo()
    print(f"removed {count} demo meetings")
    return 0


async def run_stats(args: argparse.Namespace) -> int:
    async with open_services(args.config) as services:
        stats = await MeetingStore(services.db).stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    print(f"meetings: {stats['total']} ({stats['active']} active)")
    for key in ("attendance", "programs", "sources"):
        print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in sorted(stats[key].items())))
    print(f"in person without coordinates: {stats['in_person_without_coordinates']}")
    if stats["demo_active"]:
        print(f"demo meetings active: {stats['demo_active']} — {DEMO_NOTE}")
    return 0
