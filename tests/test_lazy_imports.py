"""`eerstestap chat` and `eerstestap run` never import what only a rare path needs (issue 13: peak RSS).

The PDF library (with its font and image libraries), the website's templates, the calendar and QR code
libraries, and the printables and website packages are imported where a poster, a week list, a website,
a calendar file or a QR code is made, not when the bot starts, answers a typed town or a location. Each
check runs the real command in a fresh interpreter and reads `sys.modules` when it exits.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from conftest import ROOT, cli_env

from tests.fakebotapi import FakeBotAPI
from tests.tgharness import TOKEN

# Top-level packages only a rare path needs, and the subcommand that needs each.
LAZY = {
    "fpdf": "poster, list",
    "PIL": "poster, list (through fpdf)",
    "fontTools": "poster, list (through fpdf)",
    "printables": "poster, list",
    "jinja2": "site build",
    "site_builder": "site build",
    "icalendar": "a calendar file (.ics)",
    "segno": "a QR code",
}
# The chat never talks to Telegram nor fetches feeds.
CHAT_LAZY = {**LAZY, "httpx": "run, directory sync", "telegram": "run"}
CHAT = 4242

# Runs `eerstestap ARGS` in this interpreter; at exit writes the top-level names in sys.modules to a file.
WRAPPER = """
import atexit, json, runpy, sys
out, args = sys.argv[1], sys.argv[2:]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted({m.split(".")[0] for m in sys.modules}))))
sys.argv = ["eerstestap", *args]
runpy.run_module("bot", run_name="__main__")
"""


def loaded(path: Path) -> set[str]:
    return set(json.loads(path.read_text()))


async def test_chat_after_a_typed_town_imports_none_of_the_rare_libraries(tmp_path: Path) -> None:
    out = tmp_path / "modules.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", WRAPPER, str(out), "chat", "--db", str(tmp_path / "b.db"),
        cwd=ROOT, env=cli_env(), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    said, err = await asyncio.wait_for(proc.communicate(b"/start buurt\nUtrecht\n"), 60)
    assert proc.returncode == 0, err.decode()
    assert "Utrecht" in said.decode(), "the typed town was looked up"
    early = {name: why for name, why in CHAT_LAZY.items() if name in loaded(out)}
    assert not early, f"eerstestap chat imported libraries only these need: {early}"


async def test_run_after_a_typed_town_and_a_location_imports_none_of_the_rare_libraries(
    tmp_path: Path,
) -> None:
    out = tmp_path / "modules.json"
    async with FakeBotAPI(TOKEN) as fake:
        env = cli_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake.base_url)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRAPPER, str(out), "run", "--db", str(tmp_path / "bot.db"), "--allow-demo",
            "--env-file", str(tmp_path / "absent.env"),
            cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await fake.wait_for("deleteWebhook", within=30)
            for push in (
                lambda: fake.command(CHAT, "start", "buurt"),
                lambda: fake.text(CHAT, "Utrecht"),
                lambda: fake.location(CHAT, 52.0907, 5.1214),
            ):
                since = len(fake.calls)
                push()
                await fake.wait_for("sendMessage", chat_id=CHAT, within=30, since=since)
                await fake.wait_idle(quiet=0.2, within=30)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    assert any("Utrecht" in t for t in fake.texts(CHAT)), "the typed town was looked up"
    modules = loaded(out)
    assert "telegram" in modules, "the check saw the running bot's modules"
    early = {name: why for name, why in LAZY.items() if name in modules}
    assert not early, f"eerstestap run imported libraries only these need: {early}"
