"""The composite-result fixture (tests/data/composite_result.json), variants of it, and a browser.

The browser is headless Chromium (Debian's ``chromium``) driven by Playwright: Playwright only
drives the system browser (``executable_path``); ``playwright install`` is never needed.
``make test`` installs ``chromium`` when it is missing.
"""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.chromium import CHROMIUM_ARGS, chromium_path

FIXTURE = Path(__file__).parents[1] / "data" / "composite_result.json"
XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def _fixture_result() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def page(_fixture_result) -> str:
    """The fixture's report, rendered once for the tests that only read it."""
    from attribution.report.html import render_composite_report

    return render_composite_report(_fixture_result)


@pytest.fixture
def result(_fixture_result) -> dict:
    """A fresh deep copy per test, so tests may edit it."""
    return copy.deepcopy(_fixture_result)


@pytest.fixture
def poisoned(result) -> dict:
    """The fixture with ``<script>alert(1)</script>`` in every field that carries corpus text."""
    return poison(result)


def poison(result: dict, payload: str = XSS) -> dict:
    """Put ``payload`` into every field that carries corpus- or user-derived text."""
    result["byline"] = f"@evil{payload}"
    doc = result["documents"][0]
    doc["id"] = f"doc{payload}"
    doc["title"] = f"Title {payload}"
    operator = result["operators"]["names"][0]
    for d in result["documents"]:
        d["operator_probabilities"][f"op{payload}"] = d["operator_probabilities"].pop(operator)
        if d["operator"] == operator:
            d["operator"] = f"op{payload}"
    result["operators"]["names"][0] = f"op{payload}"
    for cluster in result["clusters"]:
        if cluster["operator"] == operator:
            cluster["operator"] = f"op{payload}"
    cluster = result["clusters"][0]
    cluster["examples"][0]["text"] = f"A sentence with {payload} inside & more"
    cluster["distinguishing_features"][0]["feature"] = f"word__{payload}"
    result["load"]["problems"][0]["problem"] = f"empty text {payload}"
    result["load"]["problems"][0]["path"] = f"file{payload}.csv"
    result["methods"]["caveats"].append(f"caveat {payload}")
    result["verdict"]["text"] = f"Verdict {payload}"
    return result


# -- headless Chromium ---------------------------------------------------------------------------
@dataclass
class Visit:
    """What happened while a page was open."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@contextmanager
def _open_page(path: Path, *, width: int = 1280, height: int = 900) -> Iterator[Visit]:
    """Open ``path`` from disk in a fresh headless Chromium profile and record errors and requests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="attribution-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
        )
        try:
            page = context.new_page()
            visit = Visit(page)
            page.on(
                "console", lambda m: visit.console_errors.append(m.text) if m.type in ("error", "warning") else None
            )
            page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
            page.on("dialog", lambda d: (visit.dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: visit.requests.append(r.url))
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            yield visit
        finally:
            context.close()


@pytest.fixture
def open_page():
    """``with open_page(path) as visit:`` opens a file in a fresh headless Chromium profile."""
    return _open_page
