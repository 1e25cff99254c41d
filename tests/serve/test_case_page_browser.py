"""The case page in headless Chromium at 1280 px (issue #21 item 11): nothing overflows, every
input has its SHA-256, and the tab icon is served. Debian's chromium, driven by Playwright."""

from __future__ import annotations

import json
import re

import pytest

from attribution.corpus import load_corpus
from attribution.serve.app import create_app
from attribution.serve.config import ServeConfig
from attribution.serve.server import serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH = 1280


@pytest.fixture(scope="module")
def live_with_operators(tmp_path_factory, federalist_model, data_dir):
    """The application with known operators read from a JSONL file at start-up (the case whose
    operators' SHA-256 showed as "None")."""
    folder = tmp_path_factory.mktemp("live-operators")
    papers = load_corpus("federalist").dataset
    operators = folder / "federalist-operators-hamilton-madison-jay-undisputed-papers.jsonl"
    operators.write_text(
        "".join(
            json.dumps({"id": r["id"], "text": r["text"], "author": r["author"]}) + "\n"
            for r in papers
            if r["author"] in ("Hamilton", "Madison", "Jay")
        )
    )
    app = create_app(
        ServeConfig(
            model_dir=federalist_model,
            db_path=folder / "cases.sqlite3",
            data_dir=data_dir,
            operators=str(operators),
            port=0,
        )
    )
    with serve_in_thread(app) as url:
        yield url


def _overflowing(page) -> list[str]:
    """Elements whose right edge passes the viewport, or (inside ``main``) the page's text
    column; and scroll boxes whose content is wider than the box. The report frame's inside is
    its own page."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth, out = [];
          const main = document.querySelector('main'), style = getComputedStyle(main);
          const column = main.getBoundingClientRect().right - parseFloat(style.paddingRight);
          if (document.documentElement.scrollWidth > width) out.push('page ' + document.documentElement.scrollWidth);
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect(), edge = el !== main && main.contains(el) ? column : width;
            if (r.width && r.right > edge + 1) out.push(el.tagName + ' ' + (el.id || el.className) + ' right=' + Math.round(r.right) + ' > ' + Math.round(edge));
          }
          for (const el of document.querySelectorAll('.table-wrap')) {
            if (el.scrollWidth > el.clientWidth + 1) out.push('scrolls ' + (el.id || el.className) + ' ' + el.scrollWidth + '>' + el.clientWidth);
          }
          return out;
        }"""
    )


def test_case_page_fits_1280px_and_names_every_inputs_hash(live_with_operators, browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 900})
    page = context.new_page()
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
    )
    papers = load_corpus("federalist").dataset
    chosen = [r for r in papers if r["author"] == "Hamilton"][:6] + [r for r in papers if r["author"] == "Madison"][:6]
    body = "\n".join(json.dumps({"id": r["id"], "title": r["title"], "text": r["text"]}) for r in chosen) + "\n"
    page.goto(live_with_operators + "/vet")
    page.set_input_files(
        "#file",
        files=[
            {
                "name": "publius-byline-selected-papers-1787-1788.jsonl",
                "mimeType": "application/json",
                "buffer": body.encode("utf-8"),
            }
        ],
    )
    page.fill("#byline", "Publius")
    page.click("#vet-button")
    page.wait_for_url("**/cases/*", timeout=30_000)
    page.locator("#verdict, #error").first.wait_for(timeout=300_000)
    assert page.locator("#error").count() == 0, page.locator("#error").inner_text()

    assert _overflowing(page) == []
    hashes = page.locator("#inputs tbody tr td.hash").all_inner_texts()
    roles = page.locator("#inputs tbody tr td:first-child").all_inner_texts()
    assert roles == ["byline documents", "operators"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h.strip()) for h in hashes), hashes
    icon = page.request.get(live_with_operators + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    context.close()
