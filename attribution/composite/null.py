"""The null of the composite test: single-author document sets drawn from reference authors.

The statistic's distribution under H0 "one author" is measured, not assumed: sets of the same
size as the byline, with units of about the same length (several reference documents of one
author joined, by summing their additive counts), are drawn from single reference authors, and
the same statistic is computed on each. The reference authors are never the byline's authors in
any benchmark (fixed, seeded split; see ``attribution.composite.reference``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy import sparse

from attribution.composite.evidence_counts import function_word_counts
from attribution.composite.represent import CharProfile

log = logging.getLogger(__name__)

#: Draws of the null distribution per (set size, unit length).
N_NULL = 400


@dataclass
class ReferenceSet:
    """Reference documents of many single authors, with their fitted representation."""

    name: str
    kind: str
    profile: CharProfile
    counts: sparse.csr_matrix
    tokens: np.ndarray
    authors: np.ndarray
    texts: list[str] = field(default_factory=list, repr=False)
    #: Function-word counts and token totals when shipped without ``texts``.
    function_words: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def by_author(self) -> dict[str, np.ndarray]:
        """Row indices per author (authors sorted, rows in corpus order)."""
        return {a: np.flatnonzero(self.authors == a) for a in np.unique(self.authors)}

    @cached_property
    def digest(self) -> str:
        """SHA-256 of what the null and the clustering read (counts, authors, fitted representation):
        the key under which results computed from this reference are cached on disk."""
        counts = self.counts.tocsr()
        digest = hashlib.sha256()
        for array in (counts.indptr, counts.indices, counts.data, self.profile.idf_, self.profile.mean_):
            digest.update(f"{array.dtype}{array.shape}".encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update("\0".join(map(str, self.authors)).encode("utf-8"))
        return digest.hexdigest()

    @property
    def has_word_counts(self) -> bool:
        """Whether the function-word view can be calibrated on this reference."""
        return self.function_words is not None or bool(self.texts)

    @cached_property
    def word_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Function-word counts and token totals of the reference documents (shipped, or from ``texts``)."""
        return self.function_words if self.function_words is not None else function_word_counts(self.texts)

    @property
    def median_tokens(self) -> float:
        return float(np.median(self.tokens))

    def max_set_size(self) -> int:
        """The largest single-author set the reference can give (units of one document)."""
        return max(len(rows) for rows in self.by_author.values())

    def unit_length(self, byline_tokens: np.ndarray, min_set: int = 10) -> int:
        """Reference documents per unit so that units match the byline's median length.

        Capped so that one reference author still gives a set of ``min_set`` units.
        """
        want = max(1, int(round(float(np.median(byline_tokens)) / max(self.median_tokens, 1.0))))
        return max(1, min(want, self.max_set_size() // min_set))

    def draw_units(
        self, n: int, m: int, rng: np.random.Generator, author: str | None = None
    ) -> tuple[str, sparse.csr_matrix]:
        """One single-author set: ``n`` units of ``m`` documents each, as summed counts."""
        if author is None:
            eligible = [a for a, rows in self.by_author.items() if len(rows) >= n * m]
            author = eligible[rng.integers(len(eligible))]
        rows = rng.choice(self.by_author[author], n * m, replace=False)
        if m == 1:
            return author, self.counts[rows]
        groups = sparse.csr_matrix((np.ones(n * m), (np.repeat(np.arange(n), m), np.arange(n * m))), shape=(n, n * m))
        return author, (groups @ self.counts[rows]).tocsr()

    def _author_distances(self, author: str) -> np.ndarray:
        key = ("distances", author)
        if key not in self._cache:
            self._cache[key] = self.profile.distances(self.counts[self.by_author[author]])
        return self._cache[key]

    def null_distribution(
        self,
        statistic: Callable[[np.ndarray], float],
        n: int,
        m: int = 1,
        *,
        name: str,
        n_draws: int = N_NULL,
        seed: int = 0,
    ) -> np.ndarray:
        """``statistic(distances)`` over ``n_draws`` single-author sets of size ``n``, unit length ``m``.

        Cached per (``name``, n, m, draws, seed): ``name`` must identify the statistic.
        """
        n = min(n, self.max_set_size() // max(m, 1))
        key = ("null", name, n, m, n_draws, seed)
        if key in self._cache:
            return self._cache[key]
        rng = np.random.default_rng([seed, n, m])
        values = np.empty(n_draws)
        eligible = [a for a, rows in self.by_author.items() if len(rows) >= n * m]
        for b in range(n_draws):
            if m == 1:
                author = eligible[rng.integers(len(eligible))]
                distances = self._author_distances(author)
                pick = rng.choice(len(distances), n, replace=False)
                values[b] = statistic(distances[np.ix_(pick, pick)])
            else:
                _, counts = self.draw_units(n, m, rng)
                values[b] = statistic(self.profile.distances(counts))
        self._cache[key] = values
        return values

    def offset(self, counts: sparse.spmatrix) -> float:
        """How far a set's documents lean together away from the reference's centre: the length
        of the mean of their centred unit vectors (0 when they scatter around it, 1 when they all
        point one way). A byline of another genre or era shares such a direction."""
        return float(np.linalg.norm(self.profile.mean_vector(counts)))

    def offset_null(self, n: int, m: int = 1, *, n_draws: int = N_NULL, seed: int = 0) -> np.ndarray:
        """``offset`` of ``n_draws`` single-author sets of ``n`` units of ``m`` documents (cached)."""
        n = min(n, self.max_set_size() // max(m, 1))
        key = ("offset", n, m, n_draws, seed)
        if key not in self._cache:
            rng = np.random.default_rng([seed, 29, n, m])
            self._cache[key] = np.array([self.offset(self.draw_units(n, m, rng)[1]) for _ in range(n_draws)])
        return self._cache[key]

    def pair_model(self, m: int = 1, *, seed: int = 0, n_authors: int = 20, per_author: int = 12) -> dict:
        """Mean and spread of within- and between-author unit distances at unit length ``m``."""
        key = ("pairs", m, seed)
        if key in self._cache:
            return self._cache[key]
        rng = np.random.default_rng([seed, 7, m])
        names = [a for a, rows in self.by_author.items() if len(rows) >= per_author * m]
        chosen = rng.choice(names, min(n_authors, len(names)), replace=False)
        blocks, labels = [], []
        for i, author in enumerate(chosen):
            _, counts = self.draw_units(per_author, m, rng, author=author)
            blocks.append(counts)
            labels += [i] * per_author
        distances = self.profile.distances(sparse.vstack(blocks).tocsr())
        labels = np.asarray(labels)
        upper = np.triu_indices(len(labels), 1)
        same = (labels[:, None] == labels[None, :])[upper]
        values = distances[upper]
        model = {
            "within_mean": float(values[same].mean()),
            "within_sd": float(values[same].std()),
            "between_mean": float(values[~same].mean()),
            "between_sd": float(values[~same].std()),
        }
        self._cache[key] = model
        return model


def p_value(statistic: float, null: np.ndarray) -> float:
    """Upper-tail Monte-Carlo p-value with the +1 correction (never 0)."""
    return float((1 + np.sum(null >= statistic)) / (1 + len(null)))
