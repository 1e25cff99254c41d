"""The report in a real browser: headless Chromium opens it from disk without errors or scripts."""

from __future__ import annotations

import pytest

from attribution.report.html import write_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _assert_main_elements(visit) -> None:
    page = visit.page
    verdict = page.locator("#verdict .verdict-text")
    assert verdict.is_visible()
    assert verdict.inner_text().strip()
    for selector in ("#map-cluster svg", "#heatmap svg"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, (selector, box)
    # The document map really holds the documents: one hover target per dot.
    assert page.locator("#map-cluster svg .hover-targets circle").count() > 0


def test_report_renders_without_console_errors(result, tmp_path, open_page):
    path = write_report(tmp_path / "report.html", result)
    with open_page(path) as visit:
        _assert_main_elements(visit)
        assert (
            visit.page.locator("#verdict .verdict-text").inner_text().startswith("Likely written by 3 different people")
        )
        assert visit.page.locator("#posting svg").is_visible()
        # Nothing loaded but the page itself.
        assert visit.requests == [path.resolve().as_uri()]
        assert visit.console_errors == []
        shot = visit.page.screenshot(full_page=True)
    assert len(shot) > 50_000


def test_corpus_script_does_not_run(poisoned, tmp_path, open_page):
    marker = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"
    poisoned["clusters"][1]["examples"][0]["text"] = marker
    path = write_report(tmp_path / "evil.html", poisoned)
    with open_page(path) as visit:
        page = visit.page
        assert visit.dialogs == []
        assert page.evaluate("document.scripts.length") == 0
        assert "pwned" not in page.title()
        assert page.locator("img").count() == 0
        text = page.locator("#groups").inner_text()
        assert "<script>alert(1)</script>" in text  # shown as text, not run
        assert "<script>document.title='pwned'</script>" in text
        assert visit.console_errors == []
