"""The composite test's document representation: additive character n-gram counts.

Counts are *additive* (the counts of two documents joined are the sum of their counts), which lets
the null calibration build reference units of any length by summing one reference author's
documents. Vectors are sublinear tf-idf on a vocabulary and idf fitted on a reference corpus, L2-normalised;
centred on the reference mean; distances are cosine distances. Centring removes what every text of the set shares (pair verification
AUC on held-out C50 authors rose from 0.83 to 0.90 in development).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer


def make_counter(max_features: int) -> CountVectorizer:
    """The representation adapter: an unfitted counter of additive features.

    Case-preserving character 3-grams. Any additive count representation can replace this.
    """
    return CountVectorizer(
        analyzer="char", ngram_range=(3, 3), lowercase=False, max_features=max_features, dtype=np.float64
    )


class CharProfile:
    """Centred sublinear tf-idf of character 3-grams, fitted on reference texts.

    Parameters
    ----------
    max_features : int
        Vocabulary size (most frequent n-grams of the reference texts).
    """

    def __init__(self, *, max_features: int = 20000):
        self.max_features = max_features

    def fit(self, texts: Sequence[str]) -> CharProfile:
        """Learn vocabulary, idf and the reference mean from ``texts``."""
        self.counter_ = make_counter(self.max_features).fit(texts)
        counts = self.counter_.transform(texts)
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        self.idf_ = np.log((1 + len(texts)) / (1 + df)) + 1.0
        self.mean_ = np.zeros(counts.shape[1])
        self.mean_ = np.asarray(self._tfidf(counts).mean(axis=0)).ravel()
        return self

    @classmethod
    def from_arrays(cls, terms: Sequence[str], idf: np.ndarray, mean: np.ndarray) -> CharProfile:
        """A fitted profile from its vocabulary (in column order), idf and reference mean.

        Counting with the fixed vocabulary gives the columns the fitted counter gave, so a profile
        shipped as arrays scores texts exactly as the one fitted on the reference texts.
        """
        profile = cls(max_features=len(terms))
        profile.counter_ = make_counter(len(terms)).set_params(vocabulary={t: i for i, t in enumerate(terms)})
        profile.idf_ = np.asarray(idf, dtype=np.float64)
        profile.mean_ = np.asarray(mean, dtype=np.float64)
        return profile

    def terms(self) -> np.ndarray:
        """The vocabulary in column order."""
        return self.counter_.get_feature_names_out()

    def counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Additive counts ``(n, p)``."""
        return self.counter_.transform(texts).tocsr()

    def _tfidf(self, counts: sparse.spmatrix) -> sparse.csr_matrix:
        tf = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
        tf.data = 1.0 + np.log(np.maximum(tf.data, 1e-12))
        tf = tf @ sparse.diags(self.idf_)
        norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel())
        return sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ tf

    def vectors(self, counts: sparse.spmatrix) -> np.ndarray:
        """Centred, L2-normalised vectors ``(n, p)`` (dense; use on small sets)."""
        dense = self._tfidf(counts).toarray() - self.mean_
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return dense / np.maximum(norms, 1e-12)

    def mean_vector(self, counts: sparse.spmatrix) -> np.ndarray:
        """The mean of ``vectors(counts)``, computed without densifying the rows.

        A row's distance to the reference mean follows from its squared length and one dot
        product: ``|t - mean|^2 = |t|^2 - 2 t.mean + |mean|^2`` (``|t|`` is 1, or 0 for a text with
        no n-gram of the vocabulary, such as another script)."""
        tfidf = self._tfidf(counts)
        squared = np.asarray(tfidf.multiply(tfidf).sum(axis=1)).ravel()
        lengths = np.sqrt(np.maximum(squared - 2.0 * (tfidf @ self.mean_) + self.mean_ @ self.mean_, 0.0))
        weights = 1.0 / np.maximum(lengths, 1e-12)
        return (np.asarray(weights @ tfidf).ravel() - self.mean_ * weights.sum()) / max(tfidf.shape[0], 1)

    def distances(self, counts: sparse.spmatrix) -> np.ndarray:
        """Cosine distance matrix ``(n, n)`` between the reference-centred vectors."""
        vectors = self.vectors(counts)
        return np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0)
