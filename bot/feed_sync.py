"""Keep the directory current from feeds: a conditional GET, the importer, a safety valve, and messages.

Per source: fetch (ETag / Last-Modified, timeouts, a size limit, retries with backoff), parse with the
importer of its format, hold a version that would deactivate or reject too much, else apply it in one
transaction that also queues the messages about changed meetings; then re-time their reminders.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from bot.feeds_config import Feed
from conversations.context import Services
from conversations.feed_changes import queue_changes
from conversations.reminders import retime_meeting
from storage.db import Database
from storage.directory import ImportReport, MeetingStore
from storage.feeds import (
    active_slugs,
    feed_state,
    pending_retime,
    problem,
    read_problem,
    record_sync,
    retimed,
)
from storage.importers import BadValue, parse_bytes

log = logging.getLogger(__name__)
USER_AGENT = "eerstestap-directory-sync (+https://github.com/; fetches at most daily)"


@dataclass(frozen=True, slots=True)
class SyncLimits:
    """How patient and how careful a sync is."""

    timeout: float = 30.0
    max_bytes: int = 20 * 1024 * 1024
    tries: int = 3
    backoff: float = 2.0  # seconds before the 2nd try; doubled for each next one
    max_deactivate: float = 0.25  # share of a source's shown meetings a version may deactivate
    max_rejected: float = 0.25  # share of records a version may reject


class FetchError(Exception):
    """A fetch that failed; the message is a short kind (never feed content)."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched body (None for 304 Not Modified) and its validators."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class SyncResult:
    """What a sync did for one source; `as_json` is the shape scripts read."""

    name: str
    status: str  # unchanged | updated | held | failed
    detail: str | None = None
    report: ImportReport | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status, "detail": self.detail}
        if self.report is not None:
            data = self.report.as_json()
            out.update(data)
        out["notified"] = self.report.notified if self.report is not None else 0
        return out


Sleep = Callable[[float], Awaitable[None]]


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large")
        chunks.append(chunk)
    return b"".join(chunks)


async def fetch(
    client: httpx.AsyncClient, feed: Feed, etag: str | None, last_modified: str | None, limits: SyncLimits,
    sleep: Sleep = asyncio.sleep,
) -> Fetched:  # fmt: skip
    """GET a feed conditionally, retrying timeouts, dropped connections and 5xx with backoff."""
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    failure = "failed"
    for attempt in range(limits.tries):
        if attempt:
            await sleep(limits.backoff * 2 ** (attempt - 1))
        try:
            async with client.stream("GET", feed.url, headers=headers, timeout=limits.timeout) as response:
                if response.status_code == 304:
                    return Fetched(None)
                if response.status_code >= 500:
                    failure = f"http_{response.status_code}"
                    continue
                if response.status_code != 200:
                    raise FetchError(f"http_{response.status_code}")
                body = await _read_capped(response, limits.max_bytes)
                return Fetched(body, response.headers.get("etag"), response.headers.get("last-modified"))
        except httpx.TimeoutException:
            failure = "timeout"
        except httpx.TransportError as exc:
            failure = type(exc).__name__
    raise FetchError(failure)


def fetch_problem(kind: str) -> str:
    """A fetch failure's kind ('http_404', 'timeout', 'too_large', an httpx error) as a stored problem."""
    if kind.startswith("http_") and kind[5:].isdigit():
        return problem("http", kind[5:])
    return problem(kind) if kind in ("timeout", "too_large") else problem("error", kind)


_ENGLISH = {
    "empty": "empty: the feed lists no meetings",
    "deactivate": "would deactivate {0} of {1} meetings",
    "reject": "would reject {0} of {1} records",
    "unreadable": "not a valid {0} file",
    "too_large": "too_large",
    "http": "http_{0}",
    "timeout": "timeout",
    "error": "{0}",
}


def describe(detail: str) -> str:
    """A stored problem in the English the CLI and its JSON print (unchanged wording)."""
    code, args = read_problem(detail)
    try:
        return _ENGLISH[code].format(*args)
    except IndexError:
        return code


async def _failed(db: Database, name: str, now: datetime, detail: str) -> SyncResult:
    await record_sync(db, name, "failed", now, detail=detail)
    return SyncResult(name, "failed", describe(detail))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


async def sync_feed(
    services: Services, feed: Feed, client: httpx.AsyncClient, *, accept: bool = False,
    limits: SyncLimits = SyncLimits(), sleep: Sleep = asyncio.sleep,
) -> SyncResult:  # fmt: skip
    """Sync one source; a failure keeps its current meetings and is reported by kind."""
    db, now = services.db, services.clock.now()
    state = await feed_state(db, feed.name)
    etag = None if accept or state is None else state.etag
    modified = None if accept or state is None else state.last_modified
    try:
        fetched = await fetch(client, feed, etag, modified, limits, sleep)
    except FetchError as exc:
        log.warning("feed %s failed: %s", feed.name, exc)
        return await _failed(db, feed.name, now, fetch_problem(str(exc)))
    digest = None if fetched.body is None else hashlib.sha256(fetched.body).hexdigest()
    if fetched.body is None or (state is not None and not accept and digest == state.body_digest):
        await record_sync(db, feed.name, "unchanged", now, etag=fetched.etag or etag,
                          last_modified=fetched.last_modified or modified, body_digest=digest,
                          validators=fetched.body is not None)  # fmt: skip
        return SyncResult(feed.name, "unchanged")
    try:
        parsed = await asyncio.to_thread(parse_bytes, fetched.body, feed.format, feed.name, feed.program)
    except BadValue:
        log.warning("feed %s failed: unreadable %s", feed.name, feed.format)
        return await _failed(db, feed.name, now, problem("unreadable", feed.format))
    shown = await active_slugs(db, feed.name)
    gone = shown - {m.slug for m in parsed.meetings}
    records = len(parsed.meetings) + parsed.rejected_total
    held = None
    if shown and not parsed.meetings:
        held = problem("empty")
    elif not accept and _share(len(gone), len(shown)) > limits.max_deactivate:
        held = problem("deactivate", len(gone), len(shown))
    elif not accept and _share(parsed.rejected_total, records) > limits.max_rejected:
        held = problem("reject", parsed.rejected_total, records)
    if held:
        log.warning("feed %s held: %s", feed.name, read_problem(held)[0])
        await record_sync(db, feed.name, "held", now, detail=held)
        return SyncResult(feed.name, "held", describe(held))
    report = await MeetingStore(db).import_parsed(
        parsed, feed.name, now, on_changes=queue_changes(feed.name, now)
    )
    await record_sync(db, feed.name, "updated", now, etag=fetched.etag, last_modified=fetched.last_modified,
                      body_digest=digest, validators=True)  # fmt: skip
    await retime_queued(services)
    return SyncResult(feed.name, "updated", None, report)


async def retime_queued(services: Services) -> int:
    """Re-time the reminders of meetings a sync changed (again after a crash); how many rows moved."""
    ids = await pending_retime(services.db)
    moved = 0
    for meeting_id in ids:
        moved += await retime_meeting(services, meeting_id, services.clock.now())
    if ids:
        await retimed(services.db, ids)
    return moved


async def sync_all(
    services: Services, feeds: list[Feed], *, accept: bool = False, limits: SyncLimits = SyncLimits(),
    transport: httpx.AsyncBaseTransport | None = None, sleep: Sleep = asyncio.sleep,
) -> list[SyncResult]:  # fmt: skip
    """Sync the given sources one after the other (a failing one never stops the rest)."""
    results = []
    async with httpx.AsyncClient(transport=transport, follow_redirects=True) as client:
        for feed in feeds:
            try:
                results.append(
                    await sync_feed(services, feed, client, accept=accept, limits=limits, sleep=sleep)
                )
            except Exception as exc:  # one broken source must not stop the others
                log.error("feed %s failed: %s", feed.name, type(exc).__name__)
                detail = problem("error", type(exc).__name__)
                results.append(await _failed(services.db, feed.name, services.clock.now(), detail))
    return results
