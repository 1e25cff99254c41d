"""How much an attribution depends on which training texts the model saw: refits on subsamples.

A calibrated probability answers "given this model"; it says nothing about how much the model
itself hangs on a few training texts. On a small corpus (the Federalist has 14 Madison papers)
a method can give a paper probability 1.0 and still flip when a handful of training papers are
left out. Refitting on many stratified subsamples and counting how often each query text goes
to each candidate measures that (the idea behind stylo's bootstrap consensus). Subsamples are
drawn without replacement, so no training text meets its own copy in a method's inner CV.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from attribution.errors import ConfigError, InsufficientEvidenceError
from attribution.progress import ProgressFactory, no_progress

#: Refits of the default stability check, and the share of each author's texts each one keeps.
DEFAULT_ROUNDS = 50
DEFAULT_SHARE = 0.8
#: An answer that at least this share of refits repeat counts as stable.
STABLE_AGREEMENT = 0.95


def stratified_subsample(labels: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted row indices keeping ``share`` of each label's rows (at least 2 of each)."""
    keep = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        n_keep = min(len(rows), max(2, int(round(share * len(rows)))))
        keep.append(rng.choice(rows, n_keep, replace=False))
    return np.sort(np.concatenate(keep))


def subsample_votes(
    make_model: Callable[[], Any],
    texts: Sequence[str],
    labels: Sequence[str],
    queries: Sequence[str],
    *,
    n_rounds: int = DEFAULT_ROUNDS,
    share: float = DEFAULT_SHARE,
    random_state: int = 0,
    progress: ProgressFactory = no_progress,
) -> tuple[np.ndarray, np.ndarray]:
    """(classes, votes): ``votes[i, j]`` is the share of refits that gave query ``i`` to ``classes[j]``.

    ``make_model()`` returns a fresh unfitted model with ``fit(texts, labels)``, ``predict`` and
    ``classes_``; each of ``n_rounds`` refits sees ``share`` of every author's texts.
    """
    if not 0.0 < share < 1.0:
        raise ConfigError(f"subsample share must be in (0, 1), got {share!r}")
    if n_rounds < 1:
        raise ConfigError(f"n_rounds must be at least 1, got {n_rounds!r}")
    labels = np.asarray([str(a) for a in labels], dtype=object)
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2 or counts.min() < 2:
        raise InsufficientEvidenceError("a stability check needs at least 2 authors with at least 2 texts each")
    rng = np.random.default_rng(random_state)
    votes = np.zeros((len(queries), len(classes)))
    for _ in progress(range(n_rounds), desc="stability refits", total=n_rounds):
        rows = stratified_subsample(labels, share, rng)
        model = make_model().fit([texts[i] for i in rows], labels[rows])
        predicted = np.asarray(model.predict(list(queries)), dtype=object)
        votes[np.arange(len(queries)), np.searchsorted(classes, predicted)] += 1
    return classes, votes / n_rounds
