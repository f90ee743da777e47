"""The terminal chat: the same flows as on Telegram, with numbered buttons and a movable clock.

Buttons print as `[1] label`; typing the number or the label presses it. `/location LAT LON` shares a
location, `/wait 2d3h` moves the simulated clock forward and shows what the bot would send by then.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.config import Config
from conversations.assembly import assemble
from conversations.clock import OffsetClock
from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Button, Input, Outgoing, Reply
from storage.occurrences import DEFAULT_ZONE, zone

WAIT_RE = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
LOCATION_RE = re.compile(r"^/location\s+(-?\d+(?:\.\d+)?)[\s,]+(-?\d+(?:\.\d+)?)\s*$")


def private_files_dir(config: Config) -> Path:
    """Where calendar files from the terminal go: a folder only this user can read (mode 0700).

    $XDG_RUNTIME_DIR/eerstestap-files when the session has one, else the data directory's `files`.
    """
    return config.runtime_dir / "eerstestap-files" if config.runtime_dir else config.data_dir / "files"


def ensure_private(folder: Path) -> Path:
    """Create the folder (and parents) if needed and make it private to this user (0700)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if folder.stat().st_mode & 0o777 != 0o700:
        folder.chmod(0o700)
    return folder


def parse_wait(text: str) -> timedelta | None:
    """'2d3h' → 2 days 3 hours; '90m' → 90 minutes; None if it does not parse."""
    m = WAIT_RE.match(text.strip().lower())
    if not m or not any(m.groups()):
        return None
    d, h, mi = (int(g) if g else 0 for g in m.groups())
    return timedelta(days=d, hours=h, minutes=mi)


class TerminalChat:
    """Holds one conversation on stdin/stdout."""

    def __init__(
        self, services: Services, clock: OffsetClock, chat_id: int, out: TextIO, files_dir: Path | None = None
    ) -> None:
        self.services = services
        assembly = assemble()
        self.engine = Engine(services, assembly.flows)
        self.sources = assembly.sources
        self.clock = clock
        self.chat_id = chat_id
        self.user_key = services.keys.pseudonym(chat_id)
        self.out = out
        self.files_dir = files_dir or private_files_dir(Config())
        self.buttons: list[Button] = []

    def write(self, text: str) -> None:
        self.out.write(text + "\n")

    def render(self, reply: Reply) -> None:
        """Print a reply; its buttons become the ones that numbers press."""
        self.buttons = []
        for message in reply.messages:
            self.write(message.text)
            if message.pin is not None:
                p = message.pin
                self.write(f"📍 {p.title} — {p.address} ({p.lat:.5f}, {p.lon:.5f})".replace(" —  (", " ("))
            if message.document is not None:
                path = ensure_private(self.files_dir) / message.document.filename
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(message.document.data)
                path.chmod(0o600)
                self.write(f"📎 {message.document.filename} ({path})")
            for row in message.buttons:
                for button in row:
                    self.buttons.append(button)
                    suffix = f" → {button.url}" if button.url else ""
                    self.write(f"  [{len(self.buttons)}] {button.label}{suffix}")
            self.write("")
        if reply.request_location:
            self.write("  (/location LAT LON)")
            self.write("")
        self.out.flush()

    def to_input(self, line: str) -> Input | None:
        """Turn a typed line into an Input: a button number or label, a location, a command or text."""
        stripped = line.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(self.buttons):
            return self.press(self.buttons[int(stripped) - 1])
        for button in self.buttons:
            if stripped.casefold() == button.label.casefold():
                return self.press(button)
        m = LOCATION_RE.match(stripped)
        if m:
            return Input.of_location(float(m.group(1)), float(m.group(2)))
        return Input.of_text(line.rstrip("\n"))

    def press(self, button: Button) -> Input | None:
        if button.url:
            self.write(button.url)
            self.out.flush()
            return None
        return Input.of_button(button.id)

    async def deliver_due(self) -> int:
        """Print whatever is due for this chat by the (simulated) clock; return how many."""
        shown = 0
        for source in self.sources:
            items: list[Outgoing] = await source.claim_due(
                self.services, self.clock.now(), user_key=self.user_key, limit=50
            )
            for item in items:
                self.render(item.reply)
                await source.settle(self.services, item, "sent")
                shown += 1
        return shown

    async def wait(self, arg: str) -> None:
        delta = parse_wait(arg)
        if delta is None:
            self.write("/wait 2d3h | 90m")
            self.out.flush()
            return
        # Step in hours so several due messages come out in time order.
        remaining = delta
        while remaining > timedelta(0):
            step = min(remaining, timedelta(minutes=15))
            self.clock.advance(step)
            remaining -= step
            await self.deliver_due()
        self.write(clock_line(self.clock.now()))
        self.out.flush()

    async def line(self, line: str) -> bool:
        """Handle one typed line; False means stop."""
        stripped = line.strip()
        if not stripped:
            return True
        if stripped in ("/quit", "/exit"):
            return False
        if stripped.startswith("/wait"):
            await self.wait(stripped[5:].strip())
            return True
        inp = self.to_input(line)
        if inp is None:
            return True
        self.services.clock = self.clock
        reply = await self.engine.handle(self.chat_id, inp)
        self.render(reply)
        if not reply.erased:
            await self.deliver_due()
        return True

    async def begin(self) -> None:
        """On start, greet as /start would; a returning chat sees the screen it was on instead."""
        row = await self.services.users.get(self.user_key)
        self.services.clock = self.clock
        if row is not None and row.state.get("flow", "menu") not in ("menu", "", None):
            self.render(await self.engine.resume(self.chat_id))
        else:
            self.render(await self.engine.handle(self.chat_id, Input.of_text("/start")))
        await self.deliver_due()


def clock_line(now: datetime) -> str:
    """'⏱  2026-03-27 14:00 Amsterdam (CET)': the simulated clock in the zone `--now` is read in."""
    local = now.astimezone(zone(DEFAULT_ZONE))
    return f"⏱  {local:%Y-%m-%d %H:%M} Amsterdam ({local:%Z})"


async def run_terminal(chat: TerminalChat, stdin: TextIO = sys.stdin) -> None:
    """Read lines until end of input (or /quit)."""
    await chat.begin()
    while True:
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        if not await chat.line(line):
            break
