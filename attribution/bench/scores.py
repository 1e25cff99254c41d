"""Scores shared by the clustering benches: BCubed precision, recall and F, and intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from attribution.composite.cluster import bcubed

__all__ = ["bcubed", "binary_reliability", "bootstrap_mean", "pooled_reliability", "wilson"]

#: Two-sided 95% normal quantile.
Z95 = 1.959964


def wilson(successes: int, n: int) -> list[float] | None:
    """Wilson 95% interval of a proportion (None without trials)."""
    if n <= 0:
        return None
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return [round(float(max(0.0, centre - half)), 4), round(float(min(1.0, centre + half)), 4)]


def bootstrap_mean(
    values: Sequence[float] | np.ndarray,
    *,
    groups: Sequence[str] | np.ndarray | None = None,
    seed: int = 0,
    draws: int = 1000,
) -> list[float] | None:
    """Percentile bootstrap 95% interval of a mean (fixed seed). With ``groups`` whole groups are
    resampled: bylines of one account are not independent, and resampling them one by one
    narrows the interval."""
    array = np.asarray(values, dtype=float)
    keep = ~np.isnan(array)
    array = array[keep]
    if len(array) < 2:
        return None
    rng = np.random.default_rng(seed)
    if groups is None:
        means = rng.choice(array, (draws, len(array))).mean(axis=1)
    else:
        _, group = np.unique(np.asarray(groups, dtype=str)[keep], return_inverse=True)
        sums, counts = np.bincount(group, weights=array), np.bincount(group)
        if len(sums) < 2:
            return None
        drawn = rng.integers(len(sums), size=(draws, len(sums)))
        means = sums[drawn].sum(axis=1) / counts[drawn].sum(axis=1)
    return [round(float(np.quantile(means, 0.025)), 4), round(float(np.quantile(means, 0.975)), 4)]


def binary_reliability(confidence: Sequence[float] | np.ndarray, right: Sequence[bool] | np.ndarray) -> dict:
    """How well stated probabilities of "right" match the rate: mean of each, Brier score, and
    ECE over ten equal-width bins (the share-weighted gap between confidence and rate)."""
    p = np.asarray(confidence, dtype=float)
    y = np.asarray(right, dtype=float)
    if not len(p):
        return {"n": 0}
    bins = np.clip((p * 10).astype(int), 0, 9)
    ece = sum(abs(y[bins == b].mean() - p[bins == b].mean()) * (bins == b).mean() for b in np.unique(bins))
    return {
        "n": len(p),
        "mean_confidence": round(float(p.mean()), 4),
        "rate_right": round(float(y.mean()), 4),
        "brier": round(float(((p - y) ** 2).mean()), 4),
        "ece": round(float(ece), 4),
    }


def pooled_reliability(pairs: Sequence[tuple[np.ndarray, np.ndarray]]) -> dict:
    """``binary_reliability`` over the posts of several bylines' (confidence, right) pairs."""
    if not pairs:
        return {"bylines": 0, "n": 0}
    confidence = np.concatenate([np.asarray(c, dtype=float) for c, _ in pairs])
    right = np.concatenate([np.asarray(r, dtype=bool) for _, r in pairs])
    return {"bylines": len(pairs), **binary_reliability(confidence, right)}
