"""Peak memory of `eerstestap directory import` on a large CSV (target: 1M rows within 500 MB).

Writes an N-row TSML CSV to a temp dir, imports it with the real CLI in a subprocess under
`/usr/bin/time -v`, and prints rows, seconds, the peak resident set (MB) and the ratio to the target.

    python bench/import_memory.py [--rows 1000000] [--target-mb 500]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Slug", "Program", "Name", "Day", "Time", "End Time", "Address", "City", "Latitude", "Longitude"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def write_csv(path: Path, rows: int) -> None:
    """An N-row CSV of plausible in-person meetings spread over the Netherlands."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            w.writerow([
                f"m{i}", "AA" if i % 2 else "NA", f"Groep {i}", DAYS[i % 7], f"{18 + i % 4}:30", "21:00",
                f"Straat {i % 500}", "Utrecht", f"{51.5 + (i % 1000) / 1000:.4f}",
                f"{4.5 + (i % 700) / 500:.4f}",
            ])  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--target-mb", type=float, default=500.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big.csv"
        write_csv(src, args.rows)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EERSTESTAP_", "TELEGRAM_"))}
        env["PYTHONPATH"] = str(ROOT)
        cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "bot", "directory", "import", str(src)]
        cmd += ["--db", str(Path(tmp) / "big.db"), "--source", "big", "--json"]
        started = time.monotonic()
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        seconds = time.monotonic() - started
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    if done.returncode != 0 or m is None:
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    peak_mb = int(m.group(1)) / 1024
    print(f"rows {args.rows}  seconds {seconds:.1f}  peak RSS {peak_mb:.0f} MB")
    print(f"peak / target ({args.target_mb:.0f} MB) = {peak_mb / args.target_mb:.2f} (target <= 1.00)")
    return 0 if peak_mb <= args.target_mb else 1


if __name__ == "__main__":
    sys.exit(main())
