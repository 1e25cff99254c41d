"""``bench features`` on a few C50 articles: the keys the issue names, per family and overall."""

from __future__ import annotations

import pytest

from attribution.bench import features as bench

pytestmark = pytest.mark.slow


def test_bench_reports_overhead_warm_speedup_rate_and_memory(data_dir, monkeypatch):
    monkeypatch.setenv(bench.LIMIT_ENV, "6")
    result = bench.run(data_dir)
    assert result["documents"] == 6
    for key in ("overhead_ratio", "warm_speedup", "docs_per_s", "peak_rss_mb"):
        assert key in result
    assert set(result["families"]) == {"mfw", "char", "word", "punct", "length", "syntax", "embed"}
    for family in result["families"].values():
        assert (
            family["docs_per_s"]["cold"] > 0 and family["docs_per_s"]["warm"] > 0 and family["peak_rss_mb"]["cold"] > 0
        )
    # The cache is what makes a warm run fast: the model-backed families must not run again.
    assert result["families"]["embed"]["warm_s"] < result["families"]["embed"]["cold_s"] / 5
    assert result["families"]["syntax"]["warm_s"] < result["families"]["syntax"]["cold_s"]
    assert result["raw"]["tokens"] > 0 and result["raw"]["sentences"] > 0
    assert result["overhead_ratio"] > 0 and result["peak_rss_mb"] > 100
