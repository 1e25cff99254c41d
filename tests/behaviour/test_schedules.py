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
