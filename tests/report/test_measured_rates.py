"""The composite test's measured error rates come from the shipped bench results, with their run,
the number of single-writer bylines they rest on and a 95% interval."""

from __future__ import annotations

from attribution.composite.article import _measured_fpr
from attribution.composite.calibration import shipped_results
from attribution.report.html import render_composite_report


def test_article_fpr_is_read_from_the_shipped_bench_composite():
    shipped = shipped_results("composite")
    assert shipped is not None, "bench_composite.json does not ship with the package"
    c50 = shipped["c50"]
    measured = _measured_fpr("article", with_operators=True)
    assert measured.value == max(c50["fpr_operators_include_author"], c50["fpr_operators_exclude_author"])
    assert "attribution bench composite" in measured.source and shipped["provenance"]["commit"] in measured.source
    style_only = _measured_fpr("article", with_operators=False)
    assert style_only.value == c50["fpr_style_only"]
    assert style_only.bylines == c50["by_k"]["1"]["bylines"]
    low, high = style_only.interval
    assert low <= style_only.value < high < 1
    assert _measured_fpr("tweet", with_operators=True).value == max(
        shipped["tweets"]["fpr_operators_include_author"], shipped["tweets"]["fpr_operators_exclude_author"]
    )


def test_a_rate_of_zero_still_has_an_upper_bound():
    """0 false alarms in n bylines is not "never": the exact interval's top is about 3.7 / n."""
    measured = _measured_fpr("excerpt", with_operators=False)
    shipped = shipped_results("short_docs")["default_null"]
    assert measured.bylines == shipped["singles"]
    if measured.value == 0:
        assert measured.interval[1] > 0


def test_the_report_names_the_run_and_the_count_the_rates_came_from(result):
    measured = _measured_fpr("article", with_operators=True)
    result["test"].update(measured.as_keys("measured_fpr"), measured_tpr=0.42)
    page = render_composite_report(result)
    assert measured.source in page and "False alarms" in page
    assert f"of {measured.bylines} bylines; 95% interval" in page
    assert "Detection" in page and "42" in page


def test_the_excerpt_pool_quotes_the_short_docs_default_row():
    shipped = shipped_results("short_docs")
    assert shipped is not None, "bench_short_docs.json does not ship with the package"
    measured = _measured_fpr("excerpt", with_operators=False)
    assert measured.value == shipped["default_null"]["fpr"]
    assert "attribution bench short_docs" in measured.source and shipped["provenance"]["commit"] in measured.source
    assert _measured_fpr("excerpt", with_operators=True).value is None
    assert _measured_fpr("user", with_operators=False).value is None


def test_no_rate_is_quoted_for_a_test_no_bench_measured():
    """Long documents are tested by their function words (or in units of several reference
    documents): bench composite measured neither, so no rate is quoted, and the reason says why."""
    words = _measured_fpr("article", with_operators=True, units_of=6, word_view=True)
    assert words.value is None and "bench publius" in words.source
    long_units = _measured_fpr("article", with_operators=False, units_of=2)
    assert long_units.value is None and "units of 2" in long_units.source


def test_an_observed_false_alarm_never_gets_an_interval_from_zero():
    """The bench's account-resampled interval can start at 0 beside 4 false alarms in 25; the
    quoted interval is the wider of it and the exact one, with a lower end above 0."""
    from attribution.composite.calibration import measured_rate

    rate = measured_rate(4 / 25, "bench", 25, [0.0, 0.348])
    assert 0.04 < rate.interval[0] < 0.05 and rate.interval[1] >= 0.348
    assert measured_rate(0.0, "bench", 100, [0.0, 0.0]).interval[1] > 0.03


def test_the_report_says_at_which_alpha_the_rate_was_measured(result):
    measured = _measured_fpr("article", with_operators=False)
    result["test"].update(measured.as_keys("measured_fpr"), alpha=0.01)
    page = render_composite_report(result)
    assert "measured at \u03b1 = 0.05; this run used \u03b1 = 0.01" in page
