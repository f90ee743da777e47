"""feeds.toml: the feed sources the directory keeps itself current from (name, url, format, program)."""

from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from storage.importers import FORMATS
from storage.meeting import PROGRAMS

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
INTERVAL_RE = re.compile(r"^(\d{1,4})([mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}
MIN_INTERVAL = timedelta(hours=1)
RESERVED = ("demo", "chat", "cli")


class FeedsError(ValueError):
    """A feeds file that cannot be used; the message is one sentence naming the file and the entry."""


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed source."""

    name: str
    url: str
    format: str
    program: str | None = None
    interval: timedelta = timedelta(days=1)


def parse_interval(text: str) -> timedelta:
    """'1d', '12h', '90m' → a timedelta of at least one hour."""
    m = INTERVAL_RE.match(text.strip())
    if not m:
        raise ValueError("an interval is a number with m, h or d, e.g. 1d or 12h")
    value = timedelta(**{UNITS[m.group(2)]: int(m.group(1))})
    if value < MIN_INTERVAL:
        raise ValueError("an interval is at least 1h (fetch public lists at most daily)")
    return value


def _loopback(host: str | None) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def check_url(url: object) -> str:
    """An https URL (plain http only on this machine, for tests and a local mirror)."""
    if not isinstance(url, str) or len(url) > 2000:
        raise ValueError("url must be a text of at most 2000 characters")
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and _loopback(parts.hostname):
        return url
    raise ValueError("url must start with https:// (http:// only for localhost)")


def _feed(entry: object, seen: set[str]) -> Feed:
    if not isinstance(entry, dict):
        raise ValueError("each [[feed]] is a table")
    unknown = sorted(set(entry) - {"name", "url", "format", "program", "interval"})
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (use name, url, format, program, interval)")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name) or name in RESERVED:
        raise ValueError("name must be 1-40 characters from a-z, 0-9, _ and -, and not demo, chat or cli")
    if name in seen:
        raise ValueError(f"name {name!r} is used twice")
    fmt = entry.get("format")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    program = entry.get("program")
    if program is not None and program not in PROGRAMS:
        raise ValueError(f"program must be one of {', '.join(PROGRAMS)}")
    interval = entry.get("interval", "1d")
    if not isinstance(interval, str):
        raise ValueError("interval is a text such as 1d or 12h")
    return Feed(name, check_url(entry.get("url")), str(fmt), program, parse_interval(interval))


def load_feeds(path: Path) -> list[Feed]:
    """Read and check a feeds file; FeedsError names the file and the entry that is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FeedsError(
            f"cannot read the feeds file {path} ({exc.strerror or type(exc).__name__})"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FeedsError(f"the feeds file {path} is not valid TOML: {exc}") from None
    entries = data.get("feed", [])
    if not isinstance(entries, list) or set(data) - {"feed"}:
        raise FeedsError(f"the feeds file {path} holds only [[feed]] tables")
    feeds: list[Feed] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        try:
            feed = _feed(entry, seen)
        except ValueError as exc:
            raise FeedsError(f"{path}, feed {i}: {exc}") from None
        seen.add(feed.name)
        feeds.append(feed)
    return feeds
