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


def bootstrap_mean(values: Sequence[float] | np.ndarray, *, seed: int = 0, draws: int = 1000) -> list[float] | None:
    """Percentile bootstrap 95% interval of a mean (fixed seed)."""
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    if len(array) < 2:
        return None
    means = np.random.default_rng(seed).choice(array, (draws, len(array))).mean(axis=1)
    return [round(float(np.quantile(means, 0.025)), 4), round(float(np.quantile(means, 0.975)), 4)]
