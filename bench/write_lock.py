"""How long a person's write waits while a big import runs in another process (issue 18, point 3).

Imports a feed of N meetings (the real snapshot in ../shared/data repeated with new ids, else the demo
directory) in a child process, while this process saves a user row every 20 ms on its own connection,
as the bot does, and measures each save. Prints the import time, the longest and the p99 wait.

    python bench/write_lock.py [--copies 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.db import Database  # noqa: E402

SNAPSHOT = (
    next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.exists()), ROOT)
    / "data"
    / "nl-meetings-2026-07-18.json"
)
DEMO = ROOT / "content" / "demo" / "demo_meetings.json"


def big_feed(path: Path, copies: int) -> int:
    base = json.loads((SNAPSHOT if SNAPSHOT.exists() else DEMO).read_text())
    records = base["meetings"] if isinstance(base, dict) else base
    rows = []
    for c in range(copies):
        for m in records:
            m = dict(m)
            for key in ("slug", "id"):
                if key in m:
                    m[key] = f"{m[key]}-{c}"
            rows.append(m)
    if isinstance(base, dict):
        path.write_text(json.dumps({**base, "count": len(rows), "meetings": rows}))
    else:
        path.write_text(json.dumps(rows))
    return len(rows)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path, feed = Path(tmp) / "b.db", Path(tmp) / "feed.json"
        n = big_feed(feed, args.copies)
        env = {"EERSTESTAP_SECRET_KEY": "ab" * 32, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "bot", "directory", "import", str(feed), "--db", str(db_path)]
        first = await asyncio.create_subprocess_exec(*cmd, env=env, stdout=asyncio.subprocess.DEVNULL)
        assert await first.wait() == 0
        data = json.loads(feed.read_text())  # a second version: every meeting changed
        for m in data["meetings"] if isinstance(data, dict) else data:
            m["notes"] = "changed"
        feed.write_text(json.dumps(data))
        db = await Database(db_path).open()
        waits: list[float] = []
        started = time.monotonic()
        child = await asyncio.create_subprocess_exec(*cmd, env=env, stdout=asyncio.subprocess.DEVNULL)
        i = 0
        while child.returncode is None:
            t0 = time.monotonic()
            await db.execute(
                "INSERT INTO users(user_key, updated_at, expires_at) VALUES (?, 'x', 'y') "
                "ON CONFLICT(user_key) DO UPDATE SET updated_at = excluded.updated_at",
                (f"bench{i % 50}",),
            )
            waits.append(time.monotonic() - t0)
            i += 1
            try:
                await asyncio.wait_for(child.wait(), 0.02)
            except TimeoutError:
                pass
        took = time.monotonic() - started
        await db.close()
        waits.sort()
        p99 = waits[int(len(waits) * 0.99) - 1] if len(waits) > 1 else waits[-1]
        print(f"import of {n} meetings (all changed): {took:.1f} s in another process")
        print(
            f"a person's save meanwhile: {len(waits)} saves, max {max(waits):.3f} s, p99 {p99:.3f} s, "
            f"median {statistics.median(waits):.4f} s"
        )


if __name__ == "__main__":
    asyncio.run(main())
