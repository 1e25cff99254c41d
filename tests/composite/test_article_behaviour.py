"""Join with style: a composite result carries the style clusters' posting schedules."""

from __future__ import annotations

import datasets
import numpy as np
import pandas as pd
import pytest

from attribution.composite import article as composite
from attribution.report.html import render_composite_report

from .test_article import byline_dataset, validate


def _stamped(docs: datasets.Dataset, hours_utc: list[np.ndarray]) -> datasets.Dataset:
    """Give each document a weekday clock time: one post-time range per author block."""
    rng = np.random.default_rng(0)
    stamps = []
    for block in hours_utc:
        days = pd.Timestamp("2016-03-07", tz="UTC") + pd.to_timedelta(
            rng.integers(0, 5, len(block)) + 7 * rng.integers(0, 20, len(block)), unit="D"
        )
        stamps += list(days + pd.to_timedelta(block, unit="h"))
    stamps = [s.round("s").to_pydatetime() for s in stamps]
    return docs.remove_columns("timestamp").add_column("timestamp", stamps, feature=docs.features["timestamp"])


@pytest.mark.slow
def test_clusters_that_keep_different_hours_are_reported(c50, c50_authors, small_reference):
    first, second = c50_authors[1][:2]
    docs = byline_dataset(c50, [(first, 0, 20), (second, 0, 20)])
    rng = np.random.default_rng(1)
    day_shift = rng.uniform(6, 14, 20)  # a Moscow office day, in UTC
    night_shift = (rng.uniform(22, 28, 20)) % 24  # a US evening, in UTC
    result = composite.test_composite(
        _stamped(docs, [day_shift, night_shift]), reference=small_reference, n_null=200, n_subsamples=0, rolling=False
    ).to_dict()
    validate(result)
    assert result["k"]["estimate"] >= 2, result["test"]
    behaviour = result["behaviour"]
    assert behaviour is not None and len(behaviour["profiles"]) == result["k"]["estimate"]
    assert behaviour["test"]["p_value"] <= 0.05 and behaviour["differ"] is True
    assert sum(map(sum, next(iter(behaviour["profiles"].values())))) >= 1
    page = render_composite_report(result)
    assert behaviour["text"].split(" (")[0] in page  # the report shows the schedule finding beside style
