"""Scores shared by the clustering benches: BCubed precision, recall and F, and intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from attribution.composite.cluster import bcubed

__all__ = ["bcubed", "bootstrap_mean", "wilson"]

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
