"""`eerstestap admin`: invites and roles for support workers, and their changes and broadcasts for scripts."""

from __future__ import annotations

import argparse
import json
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.runtime import open_services
from content.i18n import translator
from conversations.clock import Clock, FixedClock
from conversations.context import Services
from conversations.support_actions import parse_time, publish, refusal, region_refusal
from storage import broadcasts as bstore
from storage import welcome as wstore
from storage.directory import DEMO_SOURCE, MeetingStore
from storage.edits import SUPPORT_SOURCE
from storage.importers import FORMATS, BadValue, parse_file
from storage.meeting import Meeting, get_meeting
from storage.referrers import tag_figures
from storage.support import (
    ROLES,
    SupportStore,
    figures,
    held_by_feed,
    role_label,
    welcomer_labels,
    write_audit,
)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("admin", help="support workers: invites, roles, changes and broadcasts")
    cmds = p.add_subparsers(dest="admin_command", required=True)

    def cmd(name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
        c = cmds.add_parser(name, parents=[common], help=help_text)
        c.add_argument("--json", action="store_true", help="print the result as one JSON object")
        c.add_argument(
            "--now", type=_now_arg, default=None,
            help="act as if it were this Amsterdam time, e.g. 2026-03-23T12:00 (scripts and tests)",
        )  # fmt: skip
        c.set_defaults(func=func)
        return c

    c = cmd("invite", "print a one-time invite code for a new support worker or welcomer", invite)
    c.add_argument("--note", default=None, help='what the role is for, e.g. "regio Utrecht" (no names)')
    c.add_argument(
        "--role", choices=ROLES, default="support",
        help="support (default): keeps the directory; welcomer: welcomes newcomers at chosen meetings",
    )  # fmt: skip
    c.add_argument("--hours", type=float, default=48, help="hours until the code expires (default 48)")
    cmd("list", "list support-worker roles and open invites", list_roles)
    c = cmd("welcome", "switch welcoming newcomers at a meeting on or off (the group's own choice)", welcome)
    c.add_argument("state", choices=("on", "off"))
    c.add_argument("meeting_id", type=int)
    c = cmd("revoke", "end a support-worker role", revoke)
    c.add_argument("id", type=int)
    for name, help_text in (("cancel", "cancel one date"), ("move", "move one date")):
        c = cmd(name, f"{help_text} of a meeting and tell its followers", change)
        c.add_argument("meeting_id", type=int)
        c.add_argument("date", type=date.fromisoformat, help="the meeting's local date, YYYY-MM-DD")
        _audience_args(c)
        if name == "move":
            c.add_argument("--time", default=None, help="new start time that day, e.g. 20:00")
            c.add_argument("--place", default=None, help="new place that day")
    c = cmd("edit", "change a meeting's time, place or online link for good", change)
    c.add_argument("meeting_id", type=int)
    group = c.add_mutually_exclusive_group(required=True)
    group.add_argument("--time", default=None)
    group.add_argument("--place", default=None)
    group.add_argument("--url", default=None)
    _audience_args(c)
    for name in ("close", "reopen"):
        c = cmd(name, f"{name} a meeting and tell its followers", change)
        c.add_argument("meeting_id", type=int)
        _audience_args(c)
    c = cmd("note", "add a note to a meeting and send it to its followers", change)
    c.add_argument("meeting_id", type=int)
    c.add_argument("text")
    c = cmd(
        "broadcast", "send an announcement to a meeting's followers or a fellowship in a region", broadcast
    )
    c.add_argument("text")
    c.add_argument("--meeting", type=int, default=None, help="the followers of this meeting")
    c.add_argument("--program", default=None, help="with --region: everyone following this fellowship there")
    c.add_argument("--region", default=None)
    c = cmd("progress", "sent / blocked / failed / pending of recent broadcasts", progress)
    c.add_argument("id", type=int, nargs="?", default=None)
    cmd("log", "the audit log (never recipients)", audit_log)
    cmd("figures", "anonymous monthly figures (counts under 5 shown as <5)", show_figures)
    c = cmd("import", "import a support worker's own meetings (TSML CSV) under their own source", import_own)
    c.add_argument("file", type=Path)
    c.add_argument("--source", required=True, help="the worker's own source name, e.g. steunpunt-utrecht")
    c.add_argument("--format", choices=FORMATS, default="tsml-csv")
    c.add_argument("--program", default=None, help="fellowship for rows that do not name one")


def _audience_args(c: argparse.ArgumentParser) -> None:
    c.add_argument(
        "--region",
        action="store_true",
        help="send to everyone following the meeting's fellowship in its region (default: its followers "
        "and trial participants)",
    )


def _now_arg(text: str) -> datetime:
    from bot.cli import parse_local_time

    try:
        return parse_local_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--now ")) from None


def _clock(args: argparse.Namespace) -> Clock | None:
    """A fixed clock for --now, else None (the system clock)."""
    return FixedClock(args.now) if getattr(args, "now", None) else None


def _out(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data, ensure_ascii=False) if args.json else text)


class UsageError(Exception):
    """A friendly message for a bad argument."""


async def invite(args: argparse.Namespace) -> int:
    async with open_services(args.config, _clock(args)) as services:
        store = SupportStore(services.db, services.keys)
        code, expires = await store.create_invite(
            services.clock.now(), args.note, timedelta(hours=args.hours), role=args.role
        )
    when = expires.isoformat(timespec="minutes")
    who, command = ("welcomer", "/opvang") if args.role == "welcomer" else ("support worker", "/beheer")
    _out(
        args,
        {"code": code, "expires_at": when, "role": args.role},
        f"{code}\n(one-time code, expires {when}; the {who} sends: {command} {code})",
    )
    return 0


async def welcome(args: argparse.Namespace) -> int:
    """`admin welcome on|off MEETING_ID`: the group's switch, and who (by role id) welcomes there."""
    on = args.state == "on"
    async with open_services(args.config, _clock(args)) as services:
        m = await get_meeting(services.db, args.meeting_id)
        if m is None or m.id is None:
            print(f"eerstestap admin: no meeting {args.meeting_id}")
            return 1
        if on and m.attendance == "inactive":
            print(f"eerstestap admin welcome: meeting {m.id} is closed; reopen it first")
            return 2
        changed = await wstore.set_meeting(services.db, m.id, on, services.clock.now(), None)
        welcomers = [w for w, _ in await wstore.welcomers_at(services.db, m.id)]
    names = welcomer_labels(welcomers) or "none yet"
    _out(
        args,
        {"meeting": m.id, "welcome": on, "changed": changed, "welcomers": welcomers},
        f"welcoming {'on' if on else 'off'} for meeting {m.id}"
        + ("" if changed else " (it already was)")
        + f"; welcomers: {names}",
    )
    return 0


async def list_roles(args: argparse.Namespace) -> int:
    async with open_services(args.config, _clock(args)) as services:
        store = SupportStore(services.db, services.keys)
        workers = await store.list_workers()
        invites = await store.list_invites(services.clock.now())
        welcoming = await wstore.overview(services.db)
    data = {
        "workers": [
            {"id": w.id, "role": w.role, "note": w.note, "since": w.created_at, "revoked": w.revoked_at}
            for w in workers
        ],
        "open_invites": [{"id": i[0], "note": i[1], "expires_at": i[3]} for i in invites],
        "welcome": [{"meeting": mid, "welcomers": ids} for mid, ids in welcoming],
    }
    lines = [
        f"{role_label(w.role, w.id)}\t{w.role}\t{w.note or '-'}\tsince {w.created_at}"
        + (f"\trevoked {w.revoked_at}" if w.revoked_at else "")
        for w in workers
    ] or ["no support workers"]
    lines += [f"invite {i[0]}\t{i[1] or '-'}\texpires {i[3]}" for i in invites]
    lines += [
        f"welcome at meeting {mid}\t" + (welcomer_labels(ids) or "no welcomers yet") for mid, ids in welcoming
    ]
    _out(args, data, "\n".join(lines))
    return 0


async def revoke(args: argparse.Namespace) -> int:
    async with open_services(args.config, _clock(args)) as services:
        store = SupportStore(services.db, services.keys)
        roles = {w.id: w.role for w in await store.list_workers()}
        done = await store.revoke(args.id, services.clock.now())
    label = role_label(roles.get(args.id, "support"), args.id)
    _out(args, {"revoked": done}, f"revoked {label}" if done else f"no active role {label}")
    return 0 if done else 1


def _params(args: argparse.Namespace, m: Meeting) -> tuple[str, dict[str, Any], str | None]:
    """The change kind, its parameters and text, from the command line; raises UsageError."""
    kind = args.admin_command
    if kind in ("cancel", "move"):
        if args.date.isoweekday() != m.weekday:
            raise UsageError(f"{args.date} is not on the meeting's weekday ({m.weekday}, 1 = Monday)")
        params: dict[str, Any] = {"date": args.date.isoformat()}
        if kind == "move":
            if args.time is None and args.place is None:
                raise UsageError("move needs --time and/or --place")
            if args.time is not None:
                params["start"] = parse_time(args.time) or _bad("--time", args.time)
            if args.place:
                params["place"] = args.place[:150]
        return kind, params, None
    if kind == "edit":
        if args.time is not None:
            return kind, {"field": "time", "value": parse_time(args.time) or _bad("--time", args.time)}, None
        if args.place is not None:
            return kind, {"field": "place", "value": args.place[:150]}, None
        return kind, {"field": "url", "value": (args.url or "").strip()}, None
    if kind == "note":
        return kind, {}, args.text[:500]
    return kind, {}, None


def _bad(option: str, value: object) -> str:
    raise UsageError(f"{option}: cannot use {value!r}")


def _refuse(args: argparse.Namespace, key: str) -> int:
    """One clear sentence (in English, like the rest of the CLI) and exit code 2."""
    sentence = translator("en").t(key)
    if args.json:
        print(json.dumps({"refused": key.rsplit(".", 1)[-1], "message": sentence}))
    else:
        print(f"eerstestap admin {args.admin_command}: {sentence}")
    return 2


def _summary(args: argparse.Namespace, cast: bstore.Broadcast) -> int:
    _out(
        args,
        {"broadcast": cast.id, "queued": cast.total, "skipped": cast.skipped},
        f"broadcast {cast.id}: {cast.total} queued, {cast.skipped} without a chat to send to "
        "(a running bot sends them; see `eerstestap admin progress`)",
    )
    return 0


async def change(args: argparse.Namespace) -> int:
    async with open_services(args.config, _clock(args)) as services:
        m = await get_meeting(services.db, args.meeting_id)
        if m is None:
            print(f"eerstestap admin: no meeting {args.meeting_id}")
            return 1
        try:
            kind, params, text = _params(args, m)
        except UsageError as exc:
            print(f"eerstestap admin {args.admin_command}: {exc}")
            return 2
        if why := await refusal(services.db, m, kind, params, text, services.clock.now()):
            return _refuse(args, why)
        audience = _meeting_audience(m, getattr(args, "region", False))
        cast = await publish(services, None, m, kind, params, text, audience)
    return _summary(args, cast)


def _meeting_audience(m: Meeting, region: bool) -> bstore.Audience:
    where = m.region or m.city
    if region and where:
        return bstore.Audience(program=m.program, region=where)
    return bstore.Audience(meeting_id=m.id)


async def broadcast(args: argparse.Namespace) -> int:
    async with open_services(args.config, _clock(args)) as services:
        m = await get_meeting(services.db, args.meeting) if args.meeting is not None else None
        if args.meeting is not None and m is None:
            print(f"eerstestap admin: no meeting {args.meeting}")
            return 1
        if m is not None:
            audience = bstore.Audience(meeting_id=m.id)
        elif args.program and args.region:
            audience = bstore.Audience(program=args.program.upper(), region=args.region.strip())
        else:
            print("eerstestap admin broadcast: give --meeting ID, or --program and --region")
            return 2
        why = await refusal(services.db, m, "announce", {}, args.text, services.clock.now())
        if why is None and m is None and audience.program and audience.region:
            why = await region_refusal(services.db, audience.program, audience.region)
        if why:
            return _refuse(args, why)
        cast = await publish(services, None, m, "announce", {}, args.text[:500], audience)
    return _summary(args, cast)


async def progress(args: argparse.Namespace) -> int:
    async with open_services(args.config, _clock(args)) as services:
        casts = await _casts(services, args.id)
    data = {
        "broadcasts": [
            {
                "id": b.id,
                "status": b.status,
                "total": b.total,
                "sent": b.sent,
                "blocked": b.blocked,
                "failed": b.failed,
                "pending": b.pending,
                "skipped": b.skipped,
            }
            for b in casts
        ]
    }
    lines = [
        f"broadcast {b.id} ({b.status}): sent {b.sent}, blocked {b.blocked}, failed {b.failed}, "
        f"pending {b.pending}, without chat {b.skipped}"
        for b in casts
    ] or ["no broadcasts"]
    _out(args, data, "\n".join(lines))
    return 0


async def _casts(services: Services, broadcast_id: int | None) -> list[bstore.Broadcast]:
    if broadcast_id is None:
        return await bstore.recent_broadcasts(services.db, 10)
    one = await bstore.get_broadcast(services.db, broadcast_id)
    return [one] if one else []


async def audit_log(args: argparse.Namespace) -> int:
    async with open_services(args.config, _clock(args)) as services:
        entries = await SupportStore(services.db, services.keys).audit_log(100)
    data = {"log": [_entry(e) for e in entries]}
    lines = [
        f"{e.at}\t{'B' + str(e.role_id) if e.role_id else 'cli'}\t{e.action}\t"
        f"{e.meeting_id or '-'}\t{e.summary}"
        for e in entries
    ]
    _out(args, data, "\n".join(lines) or "the log is empty")
    return 0


def _entry(e: Any) -> dict[str, Any]:
    return {
        "at": e.at,
        "role": e.role_id,
        "action": e.action,
        "meeting_id": e.meeting_id,
        "summary": e.summary,
    }


async def show_figures(args: argparse.Namespace) -> int:
    async with open_services(args.config, _clock(args)) as services:
        fig: dict[str, Any] = dict(await figures(services.db))
        fig["tags"] = [{"tag": f.tag, "month": f.month, **f.masked()} for f in await tag_figures(services.db)]
    text = ["trials (month program: started / first meeting / six reached):", *fig["trials"]]
    text += ["referrals (month tag: count):", *fig["referrals"]]
    text += ["welcomes (month program: requested / accepted / met / not covered in time):", *fig["welcome"]]
    text += ["per tag (month tag: opened / trials / first meeting / six reached):"]
    text += [
        f"{r['month']} {r['tag']}: {r['opened']} / {r['trials']} / {r['first']} / {r['six']}"
        for r in fig["tags"]
    ]
    _out(args, fig, "\n".join(text))
    return 0


def declared_feeds(path: Path | None) -> set[str]:
    """The source names the feeds file (`--feeds`/$EERSTESTAP_FEEDS, `[[feed]] name = …`) declares, if any."""
    if path is None:
        return set()
    try:
        with open(path, "rb") as fh:
            feeds = tomllib.load(fh).get("feed", [])
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return set()
    return {str(f["name"]).strip() for f in feeds if isinstance(f, dict) and f.get("name")}


async def import_own(args: argparse.Namespace) -> int:
    source = args.source.strip()
    if not source or source == SUPPORT_SOURCE:
        print(f"eerstestap admin import: choose your own --source name (not {SUPPORT_SOURCE!r})")
        return 2
    if source in (*FORMATS, DEMO_SOURCE) or source in declared_feeds(args.config.feeds):
        print(f"eerstestap admin import: {source!r} is a feed's name; choose your own --source name")
        return 2
    try:
        parsed, _, _ = parse_file(args.file, args.format, source, args.program)
    except (OSError, BadValue) as exc:
        print(f"eerstestap admin import: {exc}")
        return 2
    async with open_services(args.config, _clock(args)) as services:
        if await held_by_feed(services.db, source):
            print(
                f"eerstestap admin import: {source!r} holds a feed's meetings; choose your own --source name"
            )
            return 2
        report = await MeetingStore(services.db).import_parsed(parsed, source, services.clock.now())
        async with services.db.tx() as tx:
            await write_audit(tx, services.clock.now(), None, "import", None, f"{source}: {report.total}")
    _out(
        args,
        report.as_json(),
        f"{source}: added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
        f"deactivated {report.deactivated}, rejected {max(report.rejected_total, len(report.rejected))}",
    )
    return 0
