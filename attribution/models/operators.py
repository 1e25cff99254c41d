"""Matching documents to a known operator set, with an open-set "unknown operator" answer.

Probabilities come from two classifiers over the operators' reference writings, combined as a
normalised geometric mean: one on character 3-grams, one on standardised function-word and
punctuation rates (Mosteller-Wallace's evidence; on the Federalist it gives the disputed papers
to Madison where character n-grams alone lean to Hamilton). ``fit_operator_classifier`` is the
adapter the attribution layer's ``AuthorClassifier`` replaces when it is available. Whether an operator explains a document at all is a conformal test: the document's
distance to the operator's centroid is ranked among the operator's own reference documents'
leave-one-out distances, giving a p-value that is uniform when the operator wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from attribution.errors import InsufficientEvidenceError
from attribution.models.evidence_counts import count_table, counts_to_rates
from attribution.models.represent import CharProfile

UNKNOWN = "unknown operator"
#: Each operator needs this many reference units.
MIN_REFERENCE = 3


def fit_operator_classifier(vectors: np.ndarray, labels: Sequence[str], *, strength: float = 10.0, seed: int = 0):
    """The classifier adapter: probabilities over operators (multinomial logistic, balanced)."""
    return LogisticRegression(C=strength, class_weight="balanced", max_iter=3000, random_state=seed).fit(vectors, labels)


def _word_rates(texts: Sequence[str]) -> np.ndarray:
    counts, totals = count_table(list(texts))
    return counts_to_rates(counts, totals)


class OperatorMatcher:
    """Operator probabilities and conformal "is it theirs at all" p-values for documents.

    Parameters
    ----------
    profile : CharProfile
        The fitted representation (from the reference set).
    seed : int
        Seed of the classifier.
    """

    def __init__(self, *, profile: CharProfile, seed: int = 0):
        self.profile = profile
        self.seed = seed

    def fit(self, texts: Sequence[str], operators: Sequence[str]) -> OperatorMatcher:
        """Learn from operators' reference texts."""
        operators = np.asarray(operators, dtype=object)
        names, counts = np.unique(operators, return_counts=True)
        short = [f"{n} ({c})" for n, c in zip(names, counts) if c < MIN_REFERENCE]
        if short:
            raise InsufficientEvidenceError(
                f"operators need at least {MIN_REFERENCE} reference documents each; too few: {', '.join(short)}"
            )
        vectors = self.profile.vectors(self.profile.counts(list(texts)))
        self.classes_ = names.tolist()
        if len(names) >= 2:
            self.classifier_ = fit_operator_classifier(vectors, operators, seed=self.seed)
            rates = _word_rates(texts)
            self.word_scaler_ = StandardScaler().fit(rates)
            self.word_classifier_ = fit_operator_classifier(
                self.word_scaler_.transform(rates), operators, strength=0.1, seed=self.seed
            )
        else:
            self.classifier_ = None
        self.centroids_ = np.vstack([vectors[operators == n].mean(axis=0) for n in names])
        self.reference_scores_ = []
        for i, name in enumerate(names):
            own = vectors[operators == name]
            total = own.sum(axis=0)
            scores = [_cosine_distance(row, (total - row) / max(len(own) - 1, 1)) for row in own]
            self.reference_scores_.append(np.asarray(scores))
        return self

    def predict_proba(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Probabilities over ``classes_``, ``(n, n_operators)``, for texts and their vectors."""
        if self.classifier_ is None:
            return np.ones((len(vectors), 1))
        order = [list(self.classifier_.classes_).index(c) for c in self.classes_]
        chars = self.classifier_.predict_proba(vectors)[:, order]
        words = self.word_classifier_.predict_proba(self.word_scaler_.transform(_word_rates(texts)))[:, order]
        log_mean = 0.5 * (np.log(np.maximum(chars, 1e-12)) + np.log(np.maximum(words, 1e-12)))
        combined = np.exp(log_mean - log_mean.max(axis=1, keepdims=True))
        return combined / combined.sum(axis=1, keepdims=True)

    def conformal_p(self, vectors: np.ndarray) -> np.ndarray:
        """p-value of "operator o wrote it" per document and operator, ``(n, n_operators)``."""
        out = np.empty((len(vectors), len(self.classes_)))
        for j, centroid in enumerate(self.centroids_):
            reference = self.reference_scores_[j]
            scores = np.array([_cosine_distance(row, centroid) for row in vectors])
            out[:, j] = (1 + (reference[None, :] >= scores[:, None]).sum(axis=1)) / (1 + len(reference))
        return out

    def transform_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of texts in the matcher's representation."""
        return self.profile.vectors(self.profile.counts(list(texts)))


def _cosine_distance(a: np.ndarray, b: np.ndarray) -> float:
    denominator = np.linalg.norm(a) * np.linalg.norm(b)
    return float(1.0 - a @ b / denominator) if denominator > 0 else 1.0


def explained_test(conformal: np.ndarray, alpha: float) -> tuple[float, int]:
    """Do the operators explain every document? Returns (p-value, unexplained documents).

    A document is unexplained when no operator's conformal p-value reaches ``alpha``; when the
    operators wrote everything that happens with probability at most ``alpha`` per document, so
    the count is tested against a binomial(n, alpha) upper tail.
    """
    unexplained = int((conformal.max(axis=1) < alpha).sum())
    p = float(stats.binom.sf(unexplained - 1, len(conformal), alpha)) if unexplained else 1.0
    return p, unexplained
