"""The composite test's measured error rates come from the shipped bench results, with their run."""

from __future__ import annotations

from attribution.composite.article import _measured_fpr
from attribution.composite.calibration import shipped_results
from attribution.report.html import render_composite_report


def test_article_fpr_is_read_from_the_shipped_bench_composite():
    shipped = shipped_results("composite")
    assert shipped is not None, "bench_composite.json does not ship with the package"
    c50 = shipped["c50"]
    value, source = _measured_fpr("article", "article", with_operators=True)
    assert value == max(c50["fpr_operators_include_author"], c50["fpr_operators_exclude_author"])
    assert "attribution bench composite" in source and shipped["provenance"]["commit"] in source
    assert _measured_fpr("article", "article", with_operators=False)[0] == c50["fpr_style_only"]
    assert _measured_fpr("tweet", "tweet", with_operators=True)[0] == max(
        shipped["tweets"]["fpr_operators_include_author"], shipped["tweets"]["fpr_operators_exclude_author"]
    )


def test_the_report_names_the_run_the_rates_came_from(result):
    value, source = _measured_fpr("article", "article", with_operators=True)
    result["test"].update(measured_fpr=value, measured_fpr_source=source, measured_tpr=0.42)
    page = render_composite_report(result)
    assert source in page and "False alarms" in page
    assert "Detection" in page and "42" in page


def test_the_excerpt_pool_quotes_the_short_docs_default_row():
    shipped = shipped_results("short_docs")
    assert shipped is not None, "bench_short_docs.json does not ship with the package"
    value, source = _measured_fpr("excerpt", "article", with_operators=False)
    assert value == shipped["default_null"]["fpr"]
    assert "attribution bench short_docs" in source and shipped["provenance"]["commit"] in source
    assert _measured_fpr("excerpt", "article", with_operators=True)[0] is None
    assert _measured_fpr("user", "article", with_operators=False)[0] is None
