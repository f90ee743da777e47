"""Website build time for the real directory (943 meetings): `eerstestap site build` end to end.

Imports the shared snapshot into a fresh database, then runs the CLI's build (reading the directory,
every page in nl and en, the .ics files, QR codes, the search index) with one worker and with one per
core, and prints wall and CPU time, pages, the largest page and the ratio to the 10 s target.

    PYTHONPATH=. python bench/site_build.py [--real PATH] [--jobs N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.db import Database  # noqa: E402
from storage.directory import MeetingStore  # noqa: E402
from storage.importers import parse_file  # noqa: E402

REAL = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared") / "data" / "nl-meetings-2026-07-18.json"
TARGET_S = 10.0


async def import_real(db_path: Path, real: Path) -> int:
    parsed, _fmt, source = parse_file(real, None, None, None)
    db = Database(db_path)
    await db.open()
    try:
        report = await MeetingStore(db).import_parsed(parsed, source, datetime.now(UTC))
    finally:
        await db.close()
    return report.total


def build(db: Path, out: Path, jobs: int) -> tuple[float, float, dict[str, object]]:
    """Run `eerstestap site build` as a process; wall seconds, CPU seconds of the process, its report."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EERSTESTAP_BOT_USERNAME": "EersteStapBot"}
    before = os.times()
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "bot", "site", "build", str(out), "--db", str(db), "--json"]
    done = subprocess.run(
        [*cmd, "--jobs", str(jobs)], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=REAL)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    if not args.real.exists():
        print(f"skipped: {args.real} not found (the shared snapshot)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        count = asyncio.run(import_real(db, args.real))
        print(f"directory: {count} meetings from {args.real.name}")
        results = {}
        for jobs in dict.fromkeys((1, args.jobs)):
            wall, cpu, report = build(db, Path(tmp) / f"out{jobs}", jobs)
            results[jobs] = wall
            largest = report["largest_page"]
            assert isinstance(largest, dict)
            print(
                f"jobs={jobs}: {wall:.2f} s wall, {cpu:.2f} s CPU; {report['pages']} pages, "
                f"{report['files']} files; largest page {largest['path']} {largest['bytes'] / 1000:.1f} KB"
            )
        best = min(results.values())
        verdict = "OK" if best < TARGET_S else "TOO SLOW"
        print(f"best build {best:.2f} s = {best / TARGET_S:.2f} x the {TARGET_S:.0f} s target ({verdict})")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows this down)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
