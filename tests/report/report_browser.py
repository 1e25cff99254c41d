"""Headless Chromium (Debian's ``chromium``) driven by Playwright, for the report tests.

Playwright only drives the system browser (``executable_path``); ``playwright install`` is never
needed. ``make test`` installs ``chromium`` when it is missing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def chromium_path() -> str:
    """The system Chromium; fails with the fix when it is missing."""
    path = os.environ.get("ATTRIBUTION_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise AssertionError("headless Chromium not found: run `apt-get install -y chromium` (make test does it)")
    return path


@dataclass
class Visit:
    """What happened while a page was open."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@contextmanager
def open_page(path: Path, *, width: int = 1280, height: int = 900) -> Iterator[Visit]:
    """Open ``path`` from disk in a fresh headless Chromium profile and record errors and requests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="attribution-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
        )
        try:
            page = context.new_page()
            visit = Visit(page)
            page.on("console", lambda m: visit.console_errors.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
            page.on("dialog", lambda d: (visit.dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: visit.requests.append(r.url))
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            yield visit
        finally:
            context.close()
