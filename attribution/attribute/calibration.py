"""Probability helpers: softmax with a fitted temperature, log-linear pooling, and calibration
measures.

``fit_temperature`` is the one-parameter scaling (Guo et al. 2017) used by the distance
classifiers; ``geometric_pool`` combines calibrated models that saw different evidence;
``expected_calibration_error`` and ``brier_score`` report how honest a model's probabilities were
on held-out data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import minimize_scalar


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``scores / temperature`` (n, k) -> (n, k), numerically stable."""
    z = np.asarray(scores, dtype=np.float64) / float(temperature)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def geometric_pool(
    probabilities: Sequence[np.ndarray],
    *,
    weights: Sequence[float] | None = None,
    floor: float = np.finfo(np.float64).tiny,
) -> np.ndarray:
    """Renormalised (weighted) geometric mean of several (n, k) probability matrices over the
    same classes.

    Log-linear pooling: a class that one model rules out stays unlikely, and models that disagree
    do not leave the flat, under-confident average an arithmetic mean gives. ``weights`` (default
    equal) must sum to a positive number; ``floor`` bounds how far one model's zero can veto a class."""
    w = np.ones(len(probabilities)) if weights is None else np.asarray(weights, dtype=np.float64)
    if len(w) != len(probabilities) or (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"geometric_pool: need one non-negative weight per matrix, got {list(w)}")
    logs = [np.log(np.maximum(np.asarray(p, dtype=np.float64), floor)) for p in probabilities]
    return softmax(sum(wi * lp for wi, lp in zip(w / w.sum(), logs)))


def fit_temperature(scores: np.ndarray, true_index: np.ndarray) -> float:
    """The temperature that minimises the log loss of ``softmax(scores / T)`` on these rows."""
    scores = np.asarray(scores, dtype=np.float64)
    rows = np.arange(len(scores))

    def nll(log_t: float) -> float:
        p = softmax(scores, np.exp(log_t))[rows, true_index]
        return float(-np.log(np.clip(p, 1e-15, 1.0)).mean())

    spread = float(np.std(scores)) or 1.0
    centre = np.log(spread)
    result = minimize_scalar(nll, bounds=(centre - 12.0, centre + 12.0), method="bounded")
    return float(np.exp(result.x))


def expected_calibration_error(proba: np.ndarray, y_true: Sequence, classes: Sequence, *, n_bins: int = 15) -> float:
    """ECE of the top-class confidence: sum over equal-width bins of |accuracy - confidence| x share."""
    proba = np.asarray(proba, dtype=np.float64)
    classes = np.asarray(classes)
    confidence = proba.max(axis=1)
    correct = classes[proba.argmax(axis=1)] == np.asarray(y_true)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            total += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(total)


def brier_score(proba: np.ndarray, y_true: Sequence, classes: Sequence) -> float:
    """Multi-class Brier score: mean over rows of the squared distance to the one-hot truth."""
    proba = np.asarray(proba, dtype=np.float64)
    onehot = (np.asarray(classes)[None, :] == np.asarray(y_true)[:, None]).astype(np.float64)
    return float(((proba - onehot) ** 2).sum(axis=1).mean())


def log_loss(proba: np.ndarray, y_true: Sequence, classes: Sequence) -> float:
    """Mean negative log probability of the true class (clipped at 1e-15)."""
    proba = np.asarray(proba, dtype=np.float64)
    onehot = np.asarray(classes)[None, :] == np.asarray(y_true)[:, None]
    return float(-np.log(np.clip(proba[onehot], 1e-15, 1.0)).mean())


def calibration_summary(proba: np.ndarray, y_true: Sequence, classes: Sequence) -> dict:
    """ECE, Brier, log loss and mean confidence vs accuracy, rounded for reports."""
    classes = np.asarray(classes)
    correct = classes[np.asarray(proba).argmax(axis=1)] == np.asarray(y_true)
    return {
        "ece": round(expected_calibration_error(proba, y_true, classes), 4),
        "brier": round(brier_score(proba, y_true, classes), 4),
        "log_loss": round(log_loss(proba, y_true, classes), 4),
        "mean_confidence": round(float(np.asarray(proba).max(axis=1).mean()), 4),
        "accuracy": round(float(correct.mean()), 4),
    }
