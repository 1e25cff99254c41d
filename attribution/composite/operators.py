"""Matching documents to a known operator set, with an open-set "unknown operator" answer.

Probabilities come from two classifiers over the operators' reference writings and a closeness
term, combined as a weighted geometric mean: one classifier on character 3-grams, one on
standardised function-word and punctuation rates (Mosteller-Wallace's evidence; on the Federalist
it gives the disputed papers to Madison where character n-grams alone lean to Hamilton), and each
operator's conformal p-value (below) normalised over operators. A discriminative classifier fitted
on a handful of one operator's documents against many of another's gives that operator few
documents however close they are (Jay's five papers, or a C50 writer with 5 texts next to one with
50); the rank of a document's distance among the operator's own documents does not depend on how
many the others have. ``fit_operator_classifier`` is the
adapter the attribution layer's ``AuthorClassifier`` replaces when it is available. Whether an operator explains a document at all is a conformal test: the document's
distance to the operator's centroid is ranked among the operator's own reference documents'
leave-one-out distances, giving a p-value that is uniform when the operator wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from attribution.attribute.calibration import geometric_pool
from attribution.composite.evidence_counts import count_table, counts_to_rates
from attribution.composite.represent import CharProfile
from attribution.errors import InsufficientEvidenceError

UNKNOWN = "unknown operator"
#: Each operator needs this many reference units.
MIN_REFERENCE = 3
#: Weights of (character classifier, function-word classifier, conformal closeness) in the pool:
#: closeness weighs as much as the two classifiers together (``docs/decisions.md``, stop 32).
POOL_WEIGHTS = (0.25, 0.25, 0.5)


def fit_operator_classifier(vectors: np.ndarray, labels: Sequence[str], *, strength: float = 10.0, seed: int = 0):
    """The classifier adapter: probabilities over operators (multinomial logistic, balanced)."""
    return LogisticRegression(C=strength, class_weight="balanced", max_iter=3000, random_state=seed).fit(
        vectors, labels
    )


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
        return self.fit_features(self.transform_texts(texts), _word_rates(texts), operators)

    def fit_features(
        self, vectors: np.ndarray, rates: np.ndarray, operators: Sequence[str], *, minimum: int = MIN_REFERENCE
    ) -> OperatorMatcher:
        """Learn from the references' vectors (``transform_texts``) and word rates (``word_rates``).

        ``minimum`` documents per operator: ``MIN_REFERENCE`` for the user's operators, one fewer
        inside an out-of-fold fit, which holds one of a three-document operator's texts out."""
        operators = np.asarray(operators, dtype=object)
        names, counts = np.unique(operators, return_counts=True)
        short = [f"{n} ({c})" for n, c in zip(names, counts) if c < minimum]
        if short:
            raise InsufficientEvidenceError(
                f"operators need at least {minimum} reference documents each; too few: {', '.join(short)}"
            )
        self.classes_ = names.tolist()
        # An L2-penalised linear model's weights lie in the span of its training rows, so fitting
        # on the rows' coordinates in that span gives the same model at n instead of p columns.
        self.basis_ = _row_space(vectors)
        if len(names) >= 2:
            self.classifier_ = fit_operator_classifier(vectors @ self.basis_.T, operators, seed=self.seed)
            self.word_scaler_ = StandardScaler().fit(rates)
            self.word_classifier_ = fit_operator_classifier(
                self.word_scaler_.transform(rates), operators, strength=0.1, seed=self.seed
            )
        else:
            self.classifier_ = None
        self.centroids_ = np.vstack([vectors[operators == n].mean(axis=0) for n in names])
        self.reference_scores_ = []
        for name in names:
            own = vectors[operators == name]
            leave_one_out = (own.sum(axis=0) - own) / max(len(own) - 1, 1)
            self.reference_scores_.append(_cosine_distances(own, leave_one_out))
        return self

    def predict_proba(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Probabilities over ``classes_``, ``(n, n_operators)``, for texts and their vectors."""
        return self.predict_features(vectors, _word_rates(texts))

    def predict_features(self, vectors: np.ndarray, rates: np.ndarray) -> np.ndarray:
        """Probabilities over ``classes_`` from vectors and word rates."""
        if self.classifier_ is None:
            return np.ones((len(vectors), 1))
        order = [list(self.classifier_.classes_).index(c) for c in self.classes_]
        chars = self.classifier_.predict_proba(vectors @ self.basis_.T)[:, order]
        words = self.word_classifier_.predict_proba(self.word_scaler_.transform(rates))[:, order]
        closeness = self.conformal_p(vectors)
        closeness /= closeness.sum(axis=1, keepdims=True)
        return geometric_pool([chars, words, closeness], weights=POOL_WEIGHTS, floor=1e-12)

    def conformal_p(self, vectors: np.ndarray) -> np.ndarray:
        """p-value of "operator o wrote it" per document and operator, ``(n, n_operators)``."""
        out = np.empty((len(vectors), len(self.classes_)))
        for j, centroid in enumerate(self.centroids_):
            reference = self.reference_scores_[j]
            scores = _cosine_distances(vectors, centroid[None, :])
            out[:, j] = (1 + (reference[None, :] >= scores[:, None]).sum(axis=1)) / (1 + len(reference))
        return out

    def transform_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of texts in the matcher's representation."""
        return self.profile.vectors(self.profile.counts(list(texts)))


def _row_space(vectors: np.ndarray) -> np.ndarray:
    """Orthonormal basis ``(r, p)`` of the rows' span, from the small ``(n, n)`` Gram matrix."""
    values, vectors_small = np.linalg.eigh(vectors @ vectors.T)
    keep = values > values.max() * 1e-10
    return (vectors_small[:, keep] / np.sqrt(values[keep])).T @ vectors


def _cosine_distances(rows: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Cosine distance of each row to the matching row of ``others`` (or to its one row); 1 for a zero vector."""
    others = np.broadcast_to(others, rows.shape)
    denominator = np.linalg.norm(rows, axis=1) * np.linalg.norm(others, axis=1)
    dots = np.einsum("ij,ij->i", rows, others)
    return np.where(denominator > 0, 1.0 - dots / np.where(denominator > 0, denominator, 1.0), 1.0)


#: Folds for the operators' own out-of-fold misattribution rates.
SINGLE_OPERATOR_FOLDS = 5
#: Above ``LEAVE_ONE_OUT_MAX`` documents, an operator with n < this many has each of them scored
#: by ceil(this / n) repeated splits, the fold fits' probabilities averaged.
OUT_OF_FOLD_PREDICTIONS = 20
#: Reference sets up to this size are scored leave-one-out (a fit per document, about a minute
#: at most here); larger ones by repeated 5-fold splits.
LEAVE_ONE_OUT_MAX = 100


@dataclass
class OutOfFold:
    """Each operator reference document scored by a matcher that never saw it.

    ``proba`` and ``conformal`` are ``(n, n_operators)`` in the matcher's ``classes_`` order.
    """

    operators: np.ndarray
    proba: np.ndarray
    conformal: np.ndarray
    classes: list[str]

    @property
    def predicted(self) -> np.ndarray:
        return np.asarray(self.classes, dtype=object)[self.proba.argmax(axis=1)]

    def confusion(self) -> np.ndarray:
        """Counts ``(n_operators, n_operators)``: row the true operator, column the predicted one."""
        index = {name: i for i, name in enumerate(self.classes)}
        counts = np.zeros((len(self.classes), len(self.classes)))
        for truth, guess in zip(self.operators, self.predicted):
            counts[index[truth], index[guess]] += 1
        return counts


def out_of_fold(matcher: OperatorMatcher, texts: Sequence[str], operators: Sequence[str]) -> OutOfFold:
    """Score every reference document with matchers refitted without it.

    An operator with few reference documents has a confusion row resting on few predictions, and
    one fold draw could decide whether it is found present (Jay's five papers: found at 3 of 6
    seeds with one 5-fold split). Up to ``LEAVE_ONE_OUT_MAX`` reference documents each is
    scored by a matcher fitted on all the others (leave-one-out: no draw, the fits closest to the
    full matcher); above it, stratified 5-fold splits are repeated ``ceil(OUT_OF_FOLD_PREDICTIONS
    / n)`` times for the smallest operator's n, each document's probabilities averaged over its
    fold fits and its conformal p-values taken from the first split (an average of p-values is
    no p-value).
    """
    from sklearn.model_selection import LeaveOneOut, StratifiedKFold

    operators = np.asarray(operators, dtype=object)
    texts = list(texts)
    # Vectors and word rates are per document, so they are computed once and sliced per fold.
    vectors, rates = matcher.transform_texts(texts), _word_rates(texts)
    proba = np.zeros((len(texts), len(matcher.classes_)))
    conformal = np.ones((len(texts), len(matcher.classes_)))
    if len(matcher.classes_) < 2:
        return OutOfFold(operators, np.ones_like(proba), conformal, list(matcher.classes_))
    if len(texts) <= LEAVE_ONE_OUT_MAX:
        splits = [LeaveOneOut().split(texts)]
    else:
        smallest = int(min(np.unique(operators, return_counts=True)[1]))
        shuffles = np.random.RandomState(matcher.seed)
        folds = max(2, min(SINGLE_OPERATOR_FOLDS, smallest))
        splits = [
            StratifiedKFold(n_splits=folds, shuffle=True, random_state=shuffles).split(texts, operators)
            for _ in range(-(-OUT_OF_FOLD_PREDICTIONS // smallest))
        ]
    for repeat, split in enumerate(splits):
        for train, held in split:
            fold = OperatorMatcher(profile=matcher.profile, seed=matcher.seed)
            fold.fit_features(vectors[train], rates[train], operators[train], minimum=MIN_REFERENCE - 1)
            order = [fold.classes_.index(c) for c in matcher.classes_]
            proba[held] += fold.predict_features(vectors[held], rates[held])[:, order] / len(splits)
            if repeat == 0:
                conformal[held] = fold.conformal_p(vectors[held])[:, order]
    return OutOfFold(operators, proba, conformal, list(matcher.classes_))


def explained_test(conformal: np.ndarray, alpha: float) -> tuple[float, int]:
    """Do the operators explain every document? Returns (p-value, unexplained documents).

    A document is unexplained when no operator's conformal p-value reaches ``alpha``; when the
    operators wrote everything that happens with probability at most ``alpha`` per document, so
    the count is tested against a binomial(n, alpha) upper tail.
    """
    unexplained = int((conformal.max(axis=1) < alpha).sum())
    p = float(stats.binom.sf(unexplained - 1, len(conformal), alpha)) if unexplained else 1.0
    return p, unexplained
