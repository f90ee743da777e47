"""The bot against a Bot API emulator that is not ours: the npm package telegram-test-api.

Skipped unless `node` is on PATH and TELEGRAM_TEST_API_DIR names a folder whose node_modules holds
telegram-test-api (e.g. `npm install --prefix /tmp/ttapi telegram-test-api@4`).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from aiohttp import ClientSession

from bot.config import Config
from conversations.context import Services
from tests.tgharness import TOKEN, free_port

EMULATOR_DIR = os.environ.get("TELEGRAM_TEST_API_DIR", "")
pytestmark = pytest.mark.skipif(
    not (
        shutil.which("node")
        and EMULATOR_DIR
        and (Path(EMULATOR_DIR) / "node_modules/telegram-test-api").is_dir()
    ),
    reason="set TELEGRAM_TEST_API_DIR to a folder with node_modules/telegram-test-api (and have node)",
)
CHAT = 4242
SERVER_JS = """
const TelegramServer = require('telegram-test-api');
const server = new TelegramServer({port: %d, host: '127.0.0.1', storeTimeout: 60});
server.start().then(() => console.log('ready'));
"""


async def test_conversation_through_telegram_test_api(services: Services, tmp_path: Path) -> None:
    from bot.app import serve

    port = free_port()
    script = tmp_path / "server.js"
    script.write_text(SERVER_JS % port)
    env = {**os.environ, "NODE_PATH": str(Path(EMULATOR_DIR) / "node_modules")}
    node = await asyncio.create_subprocess_exec(
        "node", str(script), env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    assert node.stdout is not None
    stop = asyncio.Event()
    task = None
    try:
        await asyncio.wait_for(node.stdout.readline(), 20)
        url = f"http://127.0.0.1:{port}"
        config = Config(token=TOKEN, base_url=f"{url}/bot", allow_demo=True, poll_interval=0.05)
        task = asyncio.create_task(serve(services, config, stop))
        user = {"id": CHAT, "is_bot": False, "first_name": "Test"}
        chat = {"id": CHAT, "type": "private", "first_name": "Test"}
        command = {"botToken": TOKEN, "date": int(time.time()), "from": user, "chat": chat, "text": "/start",
                   "entities": [{"offset": 0, "length": 6, "type": "bot_command"}]}  # fmt: skip
        async with ClientSession() as http:
            await http.post(f"{url}/sendCommand", json=command)
            texts: list[str] = []
            for _ in range(200):
                async with http.post(f"{url}/getUpdates", json={"token": TOKEN, "chatId": CHAT}) as resp:
                    body = json.loads(await resp.text())
                texts += [u["message"]["text"] for u in body["result"]]
                if any("knop" in t for t in texts):  # the welcome and its screen come as one message
                    break
                await asyncio.sleep(0.05)
        assert texts and any("knop" in t for t in texts)
    finally:
        stop.set()
        if task is not None:
            await asyncio.wait_for(task, 20)
        node.terminate()
        await node.wait()
