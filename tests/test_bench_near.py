"""The near-me bench runs at a small size and prints its figures (timings are not judged here)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, cli_env


def test_bench_prints_its_figures_at_a_small_size() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "near_me.py"), "--size", "1500", "--queries", "20"],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert "synthetic import of 1500 meetings" in out
    assert out.count("disagreements 0") == 2  # the grid answers exactly what the scan answers
    assert "near p50" in out and "scan p50" in out and "targets at 1500:" in out
