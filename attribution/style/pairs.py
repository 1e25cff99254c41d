"""Topic-controlled pairs and retrieval: the measures of ``bench style`` and of the encoder's tuning.

- **controlled pairs**: same writer on different topics (positives) against different writers on
  the same topic (negatives): a representation of topic scores these pairs backwards.
- **open pairs**: same writer against different writers, topics as they fall; the ratio of the
  two AUCs' margins over chance is the share of the score that survives topic matching
  (``content_independence``).
- **retrieval**: each query's candidates are every other text except its writer's texts on the
  query's own topic; the reciprocal rank of the first text by the query's writer, averaged (MRR).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

#: Pairs of each kind drawn per evaluation set.
PAIRS = 3000
QUERIES = 500


def _draw(candidates: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    if len(candidates) > n:
        candidates = candidates[np.sort(rng.choice(len(candidates), n, replace=False))]
    return candidates


def _all_pairs(n: int) -> np.ndarray:
    i, j = np.triu_indices(n, k=1)
    return np.stack([i, j], axis=1)


def controlled_pairs(
    writers: np.ndarray, topics: np.ndarray, *, seed: int, n: int = PAIRS
) -> tuple[np.ndarray, np.ndarray]:
    """(pairs (m, 2), same-writer flags): same writer, other topic vs other writer, same topic."""
    rng = np.random.default_rng([seed, 1])
    pairs = _all_pairs(len(writers))
    a, b = pairs[:, 0], pairs[:, 1]
    known = (topics[a] >= 0) & (topics[b] >= 0)
    same_writer = writers[a] == writers[b]
    same_topic = topics[a] == topics[b]
    positives = _draw(pairs[known & same_writer & ~same_topic], n, rng)
    negatives = _draw(pairs[known & ~same_writer & same_topic], n, rng)
    return np.concatenate([positives, negatives]), np.r_[np.ones(len(positives)), np.zeros(len(negatives))]


def open_pairs(writers: np.ndarray, *, seed: int, n: int = PAIRS) -> tuple[np.ndarray, np.ndarray]:
    """(pairs, same-writer flags): same writer vs other writer, topics as they fall."""
    rng = np.random.default_rng([seed, 2])
    pairs = _all_pairs(len(writers))
    same_writer = writers[pairs[:, 0]] == writers[pairs[:, 1]]
    positives = _draw(pairs[same_writer], n, rng)
    negatives = _draw(pairs[~same_writer], n, rng)
    return np.concatenate([positives, negatives]), np.r_[np.ones(len(positives)), np.zeros(len(negatives))]


def pair_auc(similarity: np.ndarray, pairs: np.ndarray, same: np.ndarray) -> float | None:
    """AUC of the similarity of each pair for telling same-writer pairs from the others."""
    if len(set(same.tolist())) < 2:
        return None
    return float(roc_auc_score(same, similarity[pairs[:, 0], pairs[:, 1]]))


def retrieval_mrr(
    similarity: np.ndarray, writers: np.ndarray, topics: np.ndarray, *, seed: int, queries: int = QUERIES
) -> float | None:
    """Mean reciprocal rank of the query's writer, its same-topic texts removed from the candidates."""
    rng = np.random.default_rng([seed, 3])
    n = len(writers)
    eligible = [q for q in range(n) if np.any((writers == writers[q]) & (topics != topics[q]) & (np.arange(n) != q))]
    if not eligible:
        return None
    chosen = _draw(np.asarray(eligible), queries, rng)
    ranks = []
    for q in chosen:
        keep = (np.arange(n) != q) & ~((writers == writers[q]) & (topics == topics[q]))
        scores = similarity[q, keep]
        hits = writers[keep] == writers[q]
        best = scores[hits].max()
        ranks.append(1.0 / (1 + int(np.sum(scores[~hits] > best))))
    return float(np.mean(ranks))


def content_independence(controlled_auc: float | None, open_auc: float | None) -> float | None:
    """Share of the open AUC's margin over chance that survives topic matching (0 = all topic)."""
    if controlled_auc is None or open_auc is None or open_auc <= 0.5:
        return None
    return float(max(0.0, controlled_auc - 0.5) / (open_auc - 0.5))
