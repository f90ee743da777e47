"""The broadcast bench runs in CI at a small size: nothing lost, nothing twice (its speed ratio is printed by
the bench itself, never asserted in a timed unit test)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, cli_env


def test_bench_small_loses_nothing() -> None:
    done = subprocess.run(
        [sys.executable, "bench/broadcast.py", "--recipients", "300", "--rate", "200"],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = dict(
        line.split(None, 1) for line in done.stdout.splitlines() if line.startswith(("lost", "dup"))
    )
    assert figures["lost"].split()[0] == "0"
    assert figures["duplicates"].split()[0] == "0"
    assert "achieved ÷ limit" in done.stdout
