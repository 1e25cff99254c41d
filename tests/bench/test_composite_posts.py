"""``bench composite``'s tweet bylines go to the test as a user's posts do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from attribution.bench.composite import make_byline
from attribution.bench.composite_posts import (
    byline_posts,
    ira_post_table,
    merged_on_one_clock,
    operator_posts,
    unit_writers,
)
from attribution.composite.article import test_composite
from attribution.composite.reference import UNIT_POSTS, ira_split, ira_units, load_reference


def test_streams_share_one_clock_and_keep_their_hour_of_week():
    first = pd.DataFrame(
        {"text": ["a", "b"], "timestamp": pd.to_datetime(["2016-03-07 09:00", "2016-03-08 09:00"], utc=True)}
    )
    second = pd.DataFrame(
        {"text": ["c", "d"], "timestamp": pd.to_datetime(["2015-01-05 21:00", "2015-01-07 21:00"], utc=True)}
    )
    merged = merged_on_one_clock([first, second])
    assert merged["text"].tolist() == ["a", "c", "b", "d"]  # the writers alternate
    moved = merged.set_index("text")["timestamp"]
    for text, original in zip(second["text"], second["timestamp"]):
        assert moved[text].dayofweek == original.dayofweek and moved[text].hour == original.hour


@pytest.mark.slow
def test_a_tweet_byline_is_tested_as_the_command_line_tests_it(data_dir):
    """Posts in, units of consecutive posts out: the test groups the byline itself, and a unit
    can mix writers; each unit's truth is the writer of most of its posts."""
    units = ira_units(data_dir)
    _, held_out = ira_split(units["byline"])
    names = np.asarray(units["byline"])
    pool = {w: np.flatnonzero(names == w) for w in held_out}
    posts = ira_post_table(data_dir)
    byline = make_byline(pool, 10, 2, np.random.default_rng(3), consecutive=True)
    docs = byline_posts(units, posts, byline["rows"], byline["authors"])
    assert len(docs) == 10 * UNIT_POSTS and set(docs["byline"]) == {"synthetic"}
    assert pd.Series(docs["timestamp"]).is_monotonic_increasing
    ops = operator_posts(units, posts, byline["reference_rows"], byline["reference_authors"])
    assert set(ops["byline"]) == set(byline["reference_authors"])
    result = test_composite(
        docs, operators=ops, reference=load_reference("tweet"), rolling=False, n_subsamples=0
    ).to_dict()
    assert len(result["documents"]) == 10
    truth = unit_writers(result, docs)
    assert set(truth) <= set(byline["authors"]) and len(truth) == 10
