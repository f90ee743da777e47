"""Every module of bot, conversations, storage and content imports on its own, in a fresh interpreter.

Nothing registers itself by being imported (conversations.assembly lists the flows and sources), so no
import order can leave a module half-initialised. To stay fast, one helper process imports the third-party
libraries once and then forks a child per module: each child starts with none of our modules loaded.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, cli_env

PACKAGES = ("bot", "conversations", "storage", "content")
THIRD_PARTY = (
    "aiosqlite",
    "babel",
    "cryptography",
    "icalendar",
    "segno",
    "telegram",
    "telegram.ext",
    "zoneinfo",
)

CHILD_PER_MODULE = """
import importlib, os, sys, traceback
for name in {third_party!r}:
    importlib.import_module(name)
assert not any(m.split(".")[0] in {packages!r} for m in sys.modules), "our modules are loaded already"
failed = []
for name in {modules!r}:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        failed.append(name)
print("FAILED", " ".join(failed))
"""


def modules() -> list[str]:
    """Dotted names of every module in our packages (from the files, without importing them)."""
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__main__":
                continue  # runs the CLI when imported; `python -m bot` is tested elsewhere
            if parts[-1] == "__init__":
                parts.pop()
            out.append(".".join(parts))
    return out


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    names = modules()
    assert {"conversations.broadcast_source", "conversations.reminders", "bot.app"} <= set(names)
    script = CHILD_PER_MODULE.format(third_party=THIRD_PARTY, packages=PACKAGES, modules=names)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=cli_env(), timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "FAILED", done.stderr[-3000:]


def test_an_import_circle_would_be_caught() -> None:
    """The check itself: a module that fails on its own import shows up as failed."""
    script = CHILD_PER_MODULE.format(
        third_party=(), packages=PACKAGES, modules=["conversations.no_such_module"]
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=cli_env(), timeout=60
    )
    assert done.stdout.strip() == "FAILED conversations.no_such_module"
