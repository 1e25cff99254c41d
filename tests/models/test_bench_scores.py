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
