"""The penalty per extra cluster, chosen on a reference by how well it recovers known writers.

The penalty is per document of the set split (``article.K_PENALTY_PER_DOCUMENT``, set on whole
articles). A user's reference of another genre or length (short
excerpts) carries its own answer: composites of its own writers, of the byline's size and unit
length, are clustered at each candidate penalty and the penalty with the best mean BCubed F
wins. Only reference writers enter; the byline is never looked at.
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse

from attribution import __version__
from attribution.composite import cluster, null
from attribution.composite.null import ReferenceSet
from attribution.features.cache import DiskCache

#: Candidate penalties (pair log-likelihood per extra cluster, per document of the set).
PENALTIES = (0.0, 0.025, 0.05, 0.1, 0.15, 0.25, 0.4, 0.6, 1.0, 1.5)
#: Simulated composites per (set size, unit length), half from each half of the writers.
N_DRAWS = 400
#: On-disk cache of chosen penalties (simulating the composites takes 10-40 s a size), keyed by the
#: reference's content, the settings here and the package version; bump when the clustering changes.
CACHE_SPACE = "split-penalty-v1"
#: Dirichlet concentration of the writers' shares in a simulated composite.
SHARE_CONCENTRATION = 1.5


def shares_to_counts(shares: np.ndarray, n: int) -> np.ndarray:
    """Units per writer: proportional to ``shares``, each at least one, summing to ``n``."""
    counts = np.maximum(1, np.round(shares * n).astype(int))
    while counts.sum() > n:
        counts[np.argmax(counts)] -= 1
    while counts.sum() < n:
        counts[np.argmin(counts)] += 1
    return counts


def simulated_composite(
    reference: ReferenceSet, n: int, m: int, rng: np.random.Generator
) -> tuple[np.ndarray, sparse.csr_matrix]:
    """(writer per unit, summed counts) of ``n`` units from 2 to ``n // 2`` reference writers
    (uniform: no prior beyond "several, two units each on average"), uneven shares.

    The number of writers may exceed what the clustering considers (``K_MAX``): real
    collections can hold more writers than can be told apart.
    """
    names = [a for a, rows in reference.by_author.items() if len(rows) >= n * m]
    k = int(rng.integers(2, max(2, min(n // 2, len(names))) + 1))
    writers = rng.choice(names, k, replace=False)
    counts = shares_to_counts(rng.dirichlet(SHARE_CONCENTRATION * np.ones(k)), n)
    labels, blocks = [], []
    for i, (writer, count) in enumerate(zip(writers, counts)):
        _, block = reference.draw_units(int(count), m, rng, author=str(writer))
        blocks.append(block)
        labels += [i] * int(count)
    return np.asarray(labels), sparse.vstack(blocks).tocsr()


def _writer_half(reference: ReferenceSet, writers: list[str]) -> ReferenceSet:
    """The reference restricted to ``writers`` (same fitted representation)."""
    rows = np.flatnonzero(np.isin(reference.authors, writers))
    return ReferenceSet(
        name=reference.name,
        kind=reference.kind,
        profile=reference.profile,
        counts=reference.counts[rows],
        tokens=reference.tokens[rows],
        authors=reference.authors[rows],
    )


@cache
def _code_digest() -> str:
    """SHA-256 of the modules whose code decides the chosen penalty (this one, the clustering and
    the null's draws): a changed method never reads a penalty cached by the old one, even when the
    package version stays the same between commits."""
    digest = hashlib.sha256()
    for module in (sys.modules[__name__], cluster, null):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def tune_penalty(reference: ReferenceSet, n: int, m: int, k_max: int, *, seed: int = 0, draws: int = N_DRAWS) -> float:
    """The candidate penalty with the best mean BCubed F on simulated reference composites (cached).

    Cross-fitted over two seeded halves of the reference writers: the pair model of one half
    clusters composites of the other, as the product's pair model meets writers it never saw
    (fitted and scored on the same writers, the choice leans towards large penalties).
    """
    key = ("penalty", n, m, k_max, draws, seed)
    if key in reference._cache:
        return reference._cache[key]
    store = DiskCache(None, CACHE_SPACE)
    settings = [__version__, _code_digest(), reference.digest, *key, PENALTIES, SHARE_CONCENTRATION]
    disk_key = hashlib.sha256(json.dumps(settings).encode()).hexdigest()
    stored = store.get(disk_key)
    if stored is not None:
        reference._cache[key] = float(stored.decode())
        return reference._cache[key]
    names = np.random.default_rng([seed, 47]).permutation(sorted(reference.by_author))
    halves = [_writer_half(reference, list(part)) for part in (names[::2], names[1::2])]
    rng = np.random.default_rng([seed, 43, n, m])
    totals = np.zeros(len(PENALTIES))
    for fit, score in (halves, halves[::-1]):
        model = fit.pair_model(m, seed=seed)
        size = min(n, score.max_set_size() // max(m, 1))
        for _ in range(draws // 2):
            truth, counts = simulated_composite(score, size, m, rng)
            distances = reference.profile.distances(counts)
            _, _, scores = cluster.choose_k(distances, model, k_max)
            tree = cluster.average_tree(distances)
            for j, penalty in enumerate(PENALTIES):
                k = int(np.argmax(scores - penalty * size * np.arange(len(scores)))) + 1
                totals[j] += cluster.bcubed(truth, cluster.cut_tree(tree, k, len(truth)))[2]
    # Ties go to the larger penalty: the prior against splitting a writer.
    best = PENALTIES[len(PENALTIES) - 1 - int(np.argmax(totals[::-1]))]
    reference._cache[key] = best
    store.put(disk_key, repr(best).encode())
    return best
