"""Probability helpers: temperature scaling and log-linear pooling."""

from __future__ import annotations

import numpy as np

from attribution.attribute.calibration import fit_temperature, geometric_pool, softmax


def test_geometric_pool_is_the_renormalised_geometric_mean_and_lets_one_model_veto():
    a = np.array([[0.7, 0.2, 0.1], [0.5, 0.5, 0.0]])
    b = np.array([[0.1, 0.6, 0.3], [0.0, 0.5, 0.5]])
    pooled = geometric_pool([a, b])
    expected = np.sqrt(a[0] * b[0])
    np.testing.assert_allclose(pooled[0], expected / expected.sum())
    np.testing.assert_allclose(pooled.sum(axis=1), 1.0)
    # a class one model rules out stays out; the arithmetic mean would give it 0.25
    assert pooled[1, 0] < 1e-100 and pooled[1, 2] < 1e-100 and pooled[1, 1] > 0.999
    # a floor bounds the veto
    assert geometric_pool([a, b], floor=1e-12)[1, 0] > 1e-7


def test_fitted_temperature_recovers_the_scale_of_simulated_scores():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, (4000, 5))
    truth = np.array([rng.choice(5, p=p) for p in softmax(logits)])
    assert abs(fit_temperature(logits * 3, truth) - 3) < 0.3
