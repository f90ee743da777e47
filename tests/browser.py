"""Headless Chromium for the website tests: Debian's chromium through Playwright, a local server, axe-core."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_missing() -> str | None:
    """Why the browser tests cannot run, or None."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        return f"chromium is not installed ({CHROMIUM}); `apt-get install -y chromium`"
    return None


def axe_source() -> str:
    """axe-core's axe.min.js: from npm (.ci-cache/axe or node_modules), else the copy a pip package ships."""
    candidates = [
        Path(os.environ["AXE_CORE_JS"]) if os.environ.get("AXE_CORE_JS") else None,
        ROOT / ".ci-cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js",
        ROOT / "node_modules" / "axe-core" / "axe.min.js",
    ]
    for path in candidates:
        if path is not None and path.exists():
            return path.read_text(encoding="utf-8")
    import axe_playwright_python  # vendors axe.min.js

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Traffic:
    """Every request a page made: local ones pass, t.me navigations are answered locally, others fail."""

    blocked: list[str] = field(default_factory=list)
    telegram: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if host == "127.0.0.1":
            route.continue_()
        elif url.startswith("https://t.me/"):
            self.telegram.append(url)
            route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>t.me</title>")
        else:
            self.blocked.append(url)
            route.abort()


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's), never a downloaded one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        exe = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def serious_violations(page: Any, axe: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the current page (WCAG 2.0/2.1 A and AA)."""
    page.evaluate(axe)
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
