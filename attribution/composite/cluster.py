"""Clustering a byline's documents from their distance matrix, and choosing the number of writers.

The number of clusters is chosen by a pair likelihood: from reference authors we know how far
apart two units of one author lie, and two units of different authors (``pair_model``). A cut of
the average-linkage tree into k clusters scores the log-likelihood ratio "same writer" vs
"different writers" summed over the pairs it puts together; the best cut wins. Subsampling the
documents (in ``composite``) gives a distribution over k and how stably each document stays with
its cluster (``cluster_confidence``).
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from numpy.typing import ArrayLike


def mean_distance(distances: np.ndarray) -> float:
    """Mean pairwise distance of a set ``(n, n)``: the composite test's statistic."""
    n = len(distances)
    if n < 2:
        return 0.0
    return float(distances[np.triu_indices(n, 1)].mean())


def average_tree(distances: np.ndarray) -> np.ndarray:
    """Average-linkage tree of a distance matrix."""
    return linkage(squareform(distances, checks=False), method="average")


def cut_tree(tree: np.ndarray, k: int, n: int) -> np.ndarray:
    """Labels 0..k-1 (numbered by first appearance) of the tree cut into ``k`` clusters."""
    if k <= 1 or n < 2:
        return np.zeros(n, dtype=int)
    raw = fcluster(tree, t=k, criterion="maxclust")
    _, first = np.unique(raw, return_index=True)
    order = {label: rank for rank, label in enumerate(raw[np.sort(first)])}
    return np.array([order[label] for label in raw], dtype=int)


def pair_llr(distances: np.ndarray, model: dict) -> np.ndarray:
    """Log-likelihood ratio "same writer" vs "different writers" for each distance (Gaussian fits)."""

    def log_normal(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
        sd = max(sd, 1e-6)
        return -0.5 * ((x - mean) / sd) ** 2 - np.log(sd)

    within = log_normal(distances, model["within_mean"], model["within_sd"])
    between = log_normal(distances, model["between_mean"], model["between_sd"])
    return within - between


def choose_k(
    distances: np.ndarray, model: dict, k_max: int, penalty: float = 0.0
) -> tuple[int, np.ndarray, np.ndarray]:
    """Best number of clusters by the pair likelihood, less ``penalty`` per extra cluster.

    Returns ``(k, labels, scores per k)`` (scores without the penalty).
    """
    n = len(distances)
    if n < 2:
        return 1, np.zeros(n, dtype=int), np.zeros(1)
    llr = pair_llr(distances, model)
    upper = np.triu_indices(n, 1)
    tree = average_tree(distances)
    scores = np.full(min(k_max, n), -np.inf)
    labelings = []
    for k in range(1, len(scores) + 1):
        labels = cut_tree(tree, k, n)
        same = (labels[:, None] == labels[None, :])[upper]
        scores[k - 1] = llr[upper][same].sum()
        labelings.append(labels)
    best = int(np.argmax(scores - penalty * np.arange(len(scores))))
    return best + 1, labelings[best], scores


def cluster_confidence(labels: np.ndarray, together: np.ndarray) -> np.ndarray:
    """How often each document stays with the other members of its cluster (1 for a stable core).

    A singleton scores one minus its strongest pull towards another cluster.
    """
    n = len(labels)
    confidence = np.ones(n)
    for i in range(n):
        mates = (labels == labels[i]) & (np.arange(n) != i)
        if mates.any():
            confidence[i] = together[i, mates].mean()
        else:
            others = [together[i, labels == c].mean() for c in np.unique(labels) if c != labels[i]]
            confidence[i] = 1.0 - max(others, default=0.0)
    return confidence


def llr_gain(distances: np.ndarray, model: dict, k_max: int) -> float:
    """The composite statistic: how much the best split beats "one writer" in pair likelihood."""
    _, _, scores = choose_k(distances, model, k_max)
    return float(scores.max() - scores[0])


def cut_relabel(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0..k-1 by first appearance."""
    _, first = np.unique(labels, return_index=True)
    order = {label: rank for rank, label in enumerate(labels[np.sort(first)])}
    return np.array([order[label] for label in labels], dtype=int)


def bcubed(truth: ArrayLike, labels: ArrayLike) -> tuple[float, float, float]:
    """BCubed (precision, recall, F) of a clustering against the true classes.

    Per item: precision is the share of its cluster that shares its class, recall the share of its
    class that shares its cluster; both are averaged over items and F is their harmonic mean
    (Amigó et al. 2009). Unlike purity it punishes both merging writers and splitting one.
    """
    classes, clusters = np.asarray(truth), np.asarray(labels)
    if classes.shape != clusters.shape or classes.ndim != 1 or not len(classes):
        raise ValueError(
            f"truth and labels must be equal-length, non-empty 1-d; got {classes.shape} and {clusters.shape}"
        )
    same_class = classes[:, None] == classes[None, :]
    same_cluster = clusters[:, None] == clusters[None, :]
    both = (same_class & same_cluster).sum(axis=1)
    precision = float(np.mean(both / same_cluster.sum(axis=1)))
    recall = float(np.mean(both / same_class.sum(axis=1)))
    return precision, recall, 2 * precision * recall / (precision + recall)
