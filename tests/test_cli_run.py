"""`eerstestap run` as a real process against the fake Bot API: polling and webhook, SIGTERM stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from tests.conftest import ROOT, cli_env
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import TOKEN, free_port

CHAT = 42


async def start_bot(fake: FakeBotAPI, tmp_path: Path, *args: str, **env: str) -> asyncio.subprocess.Process:
    environ = cli_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake.base_url, **env)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--db", str(tmp_path / "bot.db"), "--allow-demo",
        "--env-file", str(tmp_path / "absent.env"), *args,
        cwd=ROOT, env=environ, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def stop_bot(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = await asyncio.wait_for(proc.communicate(), 20)
    except TimeoutError:
        proc.kill()  # never leave a bot behind when the test fails
        await proc.wait()
        raise AssertionError("the bot did not stop within 20 s of SIGTERM") from None
    return proc.returncode or 0, err.decode()


async def test_polling_process_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    async with FakeBotAPI(TOKEN) as fake:
        proc = await start_bot(fake, tmp_path)
        try:
            await fake.wait_for("deleteWebhook", within=30)
            fake.command(CHAT, "start")
            await fake.wait_for("sendMessage", chat_id=CHAT, within=15)  # welcome and menu: one message
        finally:
            code, err = await stop_bot(proc)
        assert code == 0, err
        assert TOKEN not in err and "Traceback" not in err
        assert any("Kies een knop" in t or "welkom" in t.lower() for t in fake.texts(CHAT))


async def test_webhook_process_checks_the_secret(tmp_path: Path) -> None:
    port = free_port()
    async with FakeBotAPI(TOKEN) as fake:
        proc = await start_bot(
            fake, tmp_path, "--webhook-url", f"http://127.0.0.1:{port}/hook", "--listen", "127.0.0.1",
            "--port", str(port), EERSTESTAP_WEBHOOK_SECRET="proces-geheim",
        )  # fmt: skip
        try:
            hook = (await fake.wait_for("setWebhook", within=30))[-1].params
            assert hook["secret_token"] == "proces-geheim"
            fake.command(CHAT, "start")
            await fake.wait_for("sendMessage", chat_id=CHAT, within=15)  # welcome and menu: one message
            forged = {"update_id": 5, "message": fake.incoming(CHAT + 1, text="/start")}
            assert await fake.post_raw_webhook(forged, "fout") == 403
        finally:
            code, err = await stop_bot(proc)
        assert code == 0, err
        assert fake.sent(CHAT + 1) == []
