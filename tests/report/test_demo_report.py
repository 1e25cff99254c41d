"""``attribution demo`` writes the Publius report, and the report opens cleanly in headless Chromium."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from attribution.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One run of the demo command (about a minute: the composite test on 85 papers), with no data
    folder: everything it reads ships with the package."""
    out = tmp_path_factory.mktemp("demo-output")
    result = CliRunner().invoke(
        main, ["demo", "--out-dir", str(out), "--json", "--quiet"], env={"ATTRIBUTION_DATA": None}
    )
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_demo_writes_publius_report(demo_run):
    out, summary = demo_run
    report = out / "publius-report.html"
    assert report.is_file(), f"demo wrote {sorted(p.name for p in out.iterdir())}"
    assert summary["written"] == [str(out / "publius.json"), str(report)]  # the JSON names what was written
    assert summary["publius"]["report"] == str(report)
    page = report.read_text(encoding="utf-8")
    assert "Publius" in page and "<script" not in page.lower()


def test_publius_report_in_chromium(demo_run, open_page):
    out, summary = demo_run
    with open_page(out / "publius-report.html") as visit:
        page = visit.page
        saved = json.loads((out / "publius.json").read_text(encoding="utf-8"))
        assert page.locator("#verdict .verdict-text").inner_text().strip() == saved["verdict"]["text"]
        assert "Publius" in page.locator("h1").inner_text()
        for selector in ("#map-cluster svg", "#map-operator svg", "#heatmap svg"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100, (selector, box)
        # The heat map has one row per operator: Hamilton, Madison, Jay are all named.
        heatmap = page.locator("#heatmap svg").inner_html()
        assert all(name in heatmap for name in ("Hamilton", "Madison", "Jay"))
        assert page.locator("#map-cluster svg .hover-targets circle").count() == 85
        assert visit.console_errors == []
        assert visit.requests == [(out / "publius-report.html").resolve().as_uri()]
        page.screenshot(path=str(out / "publius-report.png"), full_page=True)
