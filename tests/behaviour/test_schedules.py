"""Join with style: cluster schedules compared on real senators' posts."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.behaviour import compare_cluster_schedules
from attribution.errors import ConfigError


def test_two_senators_differ_and_random_labels_do_not(senate_frame):
    part = senate_frame[senate_frame["account"].isin(["ChuckGrassley", "SenAlexander"])]
    result = compare_cluster_schedules(part["timestamp"], part["account"], n_permutations=199)
    assert result["differ"] and result["test"]["p_value"] <= 0.01
    assert [c["label"] for c in result["clusters"]] == ["ChuckGrassley", "SenAlexander"]
    assert all(np.array(c["profile_utc"]).shape == (7, 24) for c in result["clusters"])
    assert result["clusters"][0]["shift"]["offset_label"].startswith("UTC-")
    one = part[part["account"] == "ChuckGrassley"]
    labels = np.random.default_rng(0).integers(0, 2, len(one))
    null = compare_cluster_schedules(one["timestamp"], labels, n_permutations=199)
    assert null["test"]["p_value"] > 0.05 and null["differ"] is False


def test_grouped_permutation_and_length_mismatch(senate_frame):
    part = senate_frame[senate_frame["account"].isin(["ChuckGrassley", "SenAlexander"])]
    days = part["timestamp"].dt.strftime("%Y-%m-%d") + part["account"]
    result = compare_cluster_schedules(part["timestamp"], part["account"], groups=days, n_permutations=99)
    assert "groups" in result["test"]["null_method"]
    with pytest.raises(ConfigError, match="differ in length"):
        compare_cluster_schedules(part["timestamp"], ["a"])


def test_byline_schedules_follow_tweet_units_to_their_posts(senate_dataset):
    from attribution.behaviour import byline_schedules
    from attribution.corpus.grouping import group_posts

    posts = senate_dataset.filter(lambda b: b in ("ChuckGrassley", "SenAlexander"), input_columns="byline")
    units = group_posts(posts, by="count", size=20)
    labels = [0 if b == "ChuckGrassley" else 1 for b in units["byline"]]
    result = byline_schedules(posts, units, labels, seed=0)
    assert sum(c["n_posts"] for c in result["clusters"]) == 20 * len(units)
    assert "groups" in result["test"]["null_method"] and result["differ"] is True
    assert byline_schedules(posts, units, [0] * len(units)) is None


def test_dates_without_clock_times_give_no_schedule(senate_dataset):
    from attribution.behaviour import byline_schedules

    posts = senate_dataset.select(range(60))
    midnight = [t.replace(hour=0, minute=0, second=0) for t in posts["timestamp"]]
    dated = posts.remove_columns("timestamp").add_column("timestamp", midnight, feature=posts.features["timestamp"])
    assert byline_schedules(dated, dated, [i % 2 for i in range(60)]) is None
