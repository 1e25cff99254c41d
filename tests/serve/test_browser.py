"""End to end in headless Chromium (Debian's ``chromium``, driven by Playwright; no downloaded browser).

The real application runs under uvicorn on a free 127.0.0.1 port with a model trained on the
Federalist Papers. Set ``ATTRIBUTION_SCREENSHOTS=DIR`` to keep a PNG of each page there (the
README's screenshots are made this way).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from attribution.corpus import load_corpus
from attribution.serve.app import create_app
from attribution.serve.config import ServeConfig
from attribution.serve.server import serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Paper 51 ("The Structure of the Government Must Furnish the Proper Checks and Balances"), disputed.
DISPUTED_PAPER = "federalist-51"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("ATTRIBUTION_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def live(tmp_path_factory, federalist_model, data_dir):
    """The application on loopback with a light Federalist model; yields its base URL."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        ServeConfig(model_dir=federalist_model, db_path=folder / "cases.sqlite3", data_dir=data_dir, port=0)
    )
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    # Nothing but the local server may be reached.
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
    )
    yield page
    context.close()


def test_paste_a_federalist_paper_and_see_a_verdict(live, page, shots):
    papers = load_corpus("federalist").dataset
    paper = papers[papers["id"].index(DISPUTED_PAPER)]
    page.goto(live + "/")
    page.fill("#text", paper["text"])
    page.fill("#byline", "Madison")
    page.click("#score-button")
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=60_000)
    text = verdict.inner_text()
    assert text.startswith("Most likely") or text.startswith("Unknown: none of the known authors")
    rows = page.locator("#result table tbody tr")
    assert rows.count() == 3
    assert set(page.locator("#result table tbody tr td:nth-child(2)").all_inner_texts()) == {
        "Hamilton",
        "Madison",
        "Jay",
    }
    assert page.locator("text=How much to trust it").is_visible()
    page.screenshot(path=str(shots / "score.png"), full_page=True)


def test_upload_a_small_byline_and_see_the_report(live, page, shots):
    papers = load_corpus("federalist").dataset
    chosen = [r for r in papers if r["author"] == "Hamilton"][:6] + [r for r in papers if r["author"] == "Madison"][:6]
    body = "\n".join(json.dumps({"id": r["id"], "title": r["title"], "text": r["text"]}) for r in chosen) + "\n"
    page.goto(live + "/vet")
    page.set_input_files(
        "#file", files=[{"name": "publius.jsonl", "mimeType": "application/json", "buffer": body.encode("utf-8")}]
    )
    page.fill("#byline", "Publius")
    page.screenshot(path=str(shots / "vet.png"), full_page=True)
    page.click("#vet-button")
    page.wait_for_url("**/cases/*", timeout=30_000)
    if page.locator("#job").count():
        page.screenshot(path=str(shots / "vet-progress.png"), full_page=True)
    page.locator("#verdict, #error").first.wait_for(timeout=300_000)
    assert page.locator("#error").count() == 0, page.locator("#error").inner_text()
    frame = page.frame_locator("#report")
    frame.locator("body").wait_for(timeout=30_000)
    assert "Publius" in frame.locator("body").inner_text()
    page.screenshot(path=str(shots / "case.png"), full_page=False)
    report = page.context.new_page()
    report.goto(page.url + "/report.html")
    report.screenshot(path=str(shots / "report.png"), full_page=False)
    report.close()
    page.goto(live + "/cases")
    assert page.locator("#cases tbody tr").count() >= 1
    page.screenshot(path=str(shots / "cases.png"), full_page=True)


def test_compare_cases_and_read_the_api_docs(live, page, shots):
    papers = load_corpus("federalist").dataset
    for paper_id, claimed in (("federalist-10", "Madison"), ("federalist-70", "Madison")):
        text = papers[papers["id"].index(paper_id)]["text"]
        assert page.request.post(live + "/api/score", data={"text": text, "byline": claimed}).ok
    page.goto(live + "/cases")
    boxes = page.locator("#cases input[type=checkbox]")
    assert boxes.count() >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("text=Compare selected")
    page.wait_for_url("**/cases/compare?*")
    page.locator("#compare").wait_for()
    assert page.locator("#compare tr.differs").count() >= 1
    page.screenshot(path=str(shots / "compare.png"), full_page=True)
    page.goto(live + "/api/docs")
    assert "POST /api/vet" in page.inner_text("main")
    page.screenshot(path=str(shots / "api.png"))
