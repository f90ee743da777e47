"""The reminder bench runs at a small size and prints its figures (timings are not judged here)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, cli_env


def test_bench_prints_its_figures_at_a_small_size():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reminders.py"), "--size", "600"],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert "trials started:                 600 (3,600 pending rows)" in out
    assert out.count("sent 50 ") == 3  # every level's sweep delivered exactly the due reminders
    assert "ratio 100x/10x pending:" in out and "peak RSS:" in out
