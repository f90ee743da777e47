"""The declared dependencies are exactly what the code imports (plus two the libraries import for us)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from tests.conftest import ROOT

PACKAGES = ("bot", "conversations", "storage", "content", "printables", "site_builder")
# Imported by libraries, not by our code: httpcore (sniffio), zoneinfo (tzdata). See pyproject.toml.
FOR_THE_LIBRARIES = {"sniffio", "tzdata"}


def imported_modules() -> set[str]:
    mods: set[str] = set()
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    mods.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    mods.add(node.module.split(".")[0])
    return {m for m in mods if m not in sys.stdlib_module_names and m not in PACKAGES}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.split(r"[\[<>=~! ;]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}


def test_dependencies_are_what_is_imported() -> None:
    owners = packages_distributions()
    used = {owners[m][0].lower() for m in imported_modules()}
    assert declared() - FOR_THE_LIBRARIES == used
    assert "apscheduler" not in declared(), "python-telegram-bot[job-queue] brings it"
