"""Similarity matrices of a collection, and the shipped mix of character n-grams and the encoder.

Both cosines are put on one scale within the collection itself (z-scores over its off-diagonal
pairs), so the mix needs no statistics from elsewhere and fits any collection; the encoder's
weight was chosen on the ``tune`` writers (``train.choose_weight``) and ships in its card.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from attribution.features.union import build_features


def char_similarity(texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of the texts' character n-gram tf-idf (the ``char`` family, fitted on them)."""
    matrix = build_features("light", families=["char"]).fit_transform(list(texts))
    return np.asarray((matrix @ matrix.T).todense(), dtype=np.float32)


def within_z(similarity: np.ndarray) -> np.ndarray:
    """Z-scores of a similarity matrix over its off-diagonal entries."""
    off = similarity[~np.eye(len(similarity), dtype=bool)]
    spread = float(off.std()) if off.size else 1.0
    return (similarity - float(off.mean()) if off.size else similarity) / (spread if spread > 1e-12 else 1.0)


def combined_similarity(char: np.ndarray, encoder: np.ndarray, weight: float) -> np.ndarray:
    """``(1 - weight) * z(char) + weight * z(encoder)``."""
    return (1.0 - weight) * within_z(char) + weight * within_z(encoder)
