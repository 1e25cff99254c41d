"""The composite test's second style view for long articles: function-word rates, self-standardised.

Character n-gram distances are centred on the reference corpus's mean, so a byline from another
era or genre (the Federalist's 18th-century prose against Reuters news) sits far from that mean
in one shared direction and its documents all look closer to each other than any reference
author's own units: nothing splits and the test says "one writer". Burrows-style z-scores
computed *within each set* (the byline, and each null set alike) remove what the whole set
shares, whatever its era, so only the differences between its documents are left.

The statistic is the share of the set's spread explained by its best two-way Ward split. Its null
is the same statistic over single-author sets of reference units of the byline's length, like
the character view's; a set larger than one reference author can give is matched by drawing
each unit's documents independently (documents may recur across units, never within one), which
makes null units share documents and can only add structure under H0, never remove it. k and the
clusters come from splitting again while a part still rejects one writer (divisive clustering
with the calibrated test as the stopping rule).

Function-word rates are reliable only on long texts, so the view is used only when byline
documents are at least ``LONG_UNITS`` reference documents long; shorter bylines keep the
character view alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from attribution.composite.evidence_counts import function_word_counts
from attribution.composite.null import ReferenceSet, p_value

#: The view is used when byline units join at least this many reference documents.
LONG_UNITS = 3
#: The set's most frequent function words that enter the z-scores (Burrows' MFW list, from the set).
TOP_WORDS = 60
STATISTIC = "share of the spread explained by the best two-way Ward split of within-byline function-word z-scores"
#: No part smaller than this is split again.
MIN_PART = 5
#: The view draws this many times the character view's null sets: its statistic is cheap (a Ward
#: tree on 60 numbers a document), and at 400 draws a p-value near 0.05 is only known to +-0.011.
NULL_FACTOR = 10
#: A p-value within this many Monte Carlo standard errors of alpha is recomputed from more draws:
#: near alpha, the draws' noise would decide the verdict.
NEAR_ALPHA_SE = 3.0
#: How many times the draws such a p-value is recomputed from (the same seeded sequence, longer).
EXTEND = 10


def word_vectors(counts: np.ndarray, totals: np.ndarray, top: int = TOP_WORDS) -> np.ndarray:
    """Within-set z-scores of square-root function-word rates, L2-normalised ``(n, top)``."""
    rates = counts / np.maximum(totals, 1.0)[:, None]
    keep = np.argsort(-rates.mean(axis=0), kind="stable")[:top]
    x = np.sqrt(rates[:, keep])
    spread = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)


def ward_split(vectors: np.ndarray) -> np.ndarray:
    """Labels 0/1 of the best two-way Ward split."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    return fcluster(linkage(vectors, method="ward"), t=2, criterion="maxclust").astype(int) - 1


def split_gain(vectors: np.ndarray) -> float:
    """Share of the set's sum of squares explained by the two-way Ward split: the view's statistic."""
    if len(vectors) < 3:
        return 0.0
    labels = ward_split(vectors)
    total = float(((vectors - vectors.mean(axis=0)) ** 2).sum())
    within = sum(float(((vectors[labels == c] - vectors[labels == c].mean(axis=0)) ** 2).sum()) for c in (0, 1))
    return 1.0 - within / max(total, 1e-12)


@dataclass
class WordTester:
    """The function-word view's calibrated test on one byline's documents, with its null per set size."""

    counts: np.ndarray
    totals: np.ndarray
    reference: ReferenceSet
    m: int
    n_null: int
    seed: int
    alpha: float = 0.05
    _nulls: dict = field(default_factory=dict, repr=False)

    @classmethod
    def for_texts(
        cls, texts: list[str], *, reference: ReferenceSet, m: int, n_null: int, seed: int, alpha: float = 0.05
    ) -> WordTester:
        """The tester of a byline's ``texts``, against units of ``m`` documents of ``reference``."""
        counts, totals = function_word_counts(texts)
        return cls(counts=counts, totals=totals, reference=reference, m=m, n_null=n_null, seed=seed, alpha=alpha)

    def null(self, n: int, draws: int | None = None) -> np.ndarray:
        """``split_gain`` over ``draws`` (default ``n_null``) single-author sets of ``n`` reference
        units of ``m`` documents; more draws continue the same seeded sequence."""
        draws = self.n_null if draws is None else draws
        if (n, draws) not in self._nulls:
            counts, totals = self.reference.word_counts
            by_author = self.reference.by_author
            eligible = [a for a, rows in by_author.items() if len(rows) >= self.m]
            rng = np.random.default_rng([self.seed, 17, n, self.m])
            values = np.empty(draws)
            for b in range(draws):
                rows = by_author[eligible[rng.integers(len(eligible))]]
                if n * self.m <= len(rows):
                    units = rng.choice(rows, n * self.m, replace=False).reshape(n, self.m)
                else:
                    units = np.vstack([rng.choice(rows, self.m, replace=False) for _ in range(n)])
                values[b] = split_gain(word_vectors(counts[units].sum(axis=1), totals[units].sum(axis=1)))
            self._nulls[(n, draws)] = values
        return self._nulls[(n, draws)]

    def draws(self, n: int) -> int:
        """The most null sets drawn for sets of ``n`` documents: what a p-value of such a set is
        read from once ``test`` has extended it (read it right after testing the byline)."""
        return max((d for size, d in self._nulls if size == n), default=self.n_null)

    def test(self, counts: np.ndarray, totals: np.ndarray) -> tuple[float, float]:
        """(statistic, p-value) of one set; near alpha, from ``EXTEND`` times the draws."""
        statistic = split_gain(word_vectors(counts, totals))
        n = len(counts)
        p = p_value(statistic, self.null(n))
        if self.n_null > 0 and abs(p - self.alpha) < NEAR_ALPHA_SE * np.sqrt(max(p * (1 - p), 1e-12) / self.n_null):
            p = p_value(statistic, self.null(n, self.n_null * EXTEND))
        return statistic, p

    def neighbours(self, m: int = MIN_PART) -> np.ndarray:
        """Each byline document's ``m`` nearest other documents in the view ``(n, min(m, n - 1))``,
        nearest first (the neighbourhoods whose operator shares are each document's prior)."""
        vectors = word_vectors(self.counts, self.totals)
        similarity = vectors @ vectors.T
        np.fill_diagonal(similarity, -np.inf)
        return np.argsort(-similarity, axis=1, kind="stable")[:, : min(m, len(vectors) - 1)]

    def clusters(self, pick: np.ndarray) -> tuple[int, np.ndarray]:
        """(k, labels) of the byline's documents ``pick``: split while a part of at least ``2 * MIN_PART``
        documents rejects one writer at ``alpha`` and both halves keep ``MIN_PART``."""
        counts, totals = self.counts[pick], self.totals[pick]
        labels = np.zeros(len(pick), dtype=int)
        pending = [np.arange(len(pick))]
        k = 0
        while pending:
            part = pending.pop(0)
            if len(part) >= 2 * MIN_PART and self.test(counts[part], totals[part])[1] <= self.alpha:
                halves = ward_split(word_vectors(counts[part], totals[part]))
                if min(np.bincount(halves, minlength=2)) >= MIN_PART:
                    pending += [part[halves == 0], part[halves == 1]]
                    continue
            labels[part] = k
            k += 1
        return max(k, 1), labels
