"""The C50 bench's scores: accuracy with its interval, and a paired test against a baseline."""

from __future__ import annotations

import numpy as np

from attribution.bench.c50 import paired_comparison, scores


def test_bench_scores_carry_a_wilson_interval_and_a_paired_mcnemar_test():
    truth = np.array(["a", "b"] * 1250)
    predicted = truth.copy()
    predicted[:520] = "x"  # 0.792 right
    result = scores(truth, predicted)
    assert result["accuracy"] == 0.792
    low, high = result["accuracy_ci95"]
    assert 0.775 < low < 0.777 and 0.807 < high < 0.809
    baseline = truth.copy()
    baseline[:600] = "x"  # a subset of the model's errors plus 80 more
    paired = paired_comparison(truth, predicted, baseline)
    assert paired["only_model_right"] == 80 and paired["only_baseline_right"] == 0
    assert paired["gain"] == 0.032 and paired["mcnemar_p"] < 1e-20


def test_verify_bench_pairs_each_candidate_with_its_nearest_fellow_candidate(c50_small):
    """Half of one author's texts, named as another writer, find the other half nearest; the
    nearest writer is never the candidate itself; the summary counts the hard pairs."""
    from attribution.bench.verify import _nearest_writer_summary, _nearest_writers
    from attribution.features import build_features
    from attribution.verify.impostors import VERIFY_CONFIG

    train, y_train, _, _ = c50_small
    X = build_features(VERIFY_CONFIG).fit_transform(train)
    candidates = np.unique(y_train)
    twin = y_train.copy()
    first = np.flatnonzero(y_train == candidates[0])
    twin[first[: len(first) // 2]] = "twin"
    nearest = _nearest_writers(X, twin, np.r_[candidates, ["twin"]])
    assert nearest["twin"] == candidates[0]
    assert all(a != b for a, b in nearest.items())
    summary = _nearest_writer_summary(np.array([0.9, 0.8]), np.array([0.7, 0.1, 0.2]), np.array([0.1, 0.6]), nearest)
    assert (
        summary["n_pairs"] == 5
        and summary["different_called_same"] == round(1 / 3, 4)
        and summary["same_called_same"] == 1.0
    )
    assert summary["random_different_called_same"] == 0.5 and summary["auc"] == 1.0
