"""The system's headless Chromium (Debian's ``chromium``), as the browser tests launch it.

Playwright only drives it (``executable_path``); ``playwright install`` is never needed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: Offline, quiet, sandbox-free (CI runs as root in a container).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",
]


def chromium_path() -> str:
    """The system Chromium; fails with the fix when it is missing."""
    path = os.environ.get("ATTRIBUTION_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise AssertionError("headless Chromium not found: run `apt-get install -y chromium` (make test does it)")
    return path
