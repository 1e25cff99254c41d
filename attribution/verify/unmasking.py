"""Authorship verification by unmasking (Koppel & Schler 2004; Koppel, Schler & Bonchek-Dokow 2007).

A second view beside General Impostors. Chunks of the questioned text are told apart from
chunks of the candidate's texts by a linear SVM on the most frequent words; the strongest
features are removed a few at a time and the cross-validated accuracy is measured again. Texts
by the same writer differ in a handful of (topic) words, so accuracy collapses fast once those
are gone; texts by different writers stay separable. The accuracy curve becomes a same-author
probability through a logistic fit on curves built from the training texts alone, as GI's score
is calibrated: each known text against the rest (same author) and impostor texts against the
known texts (different author).

Unmasking was built for book-length texts; on ~500-word articles a questioned text gives only
a few chunks, which ``attribution bench verify`` measures rather than assumes.

>>> um = Unmasking().fit(known_texts, impostor_texts)
>>> um.predict_proba(questioned_texts)   # (n,) P(same author)
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from attribution.errors import InsufficientEvidenceError
from attribution.features.lexical import relative_frequencies
from attribution.features.text import words


def chunk_words(text: str, size: int) -> list[list[str]]:
    """Consecutive chunks of ``size`` lower-cased words; a short tail joins the last chunk."""
    tokens = [w.lower() for w in words(text)]
    chunks = [tokens[i : i + size] for i in range(0, len(tokens), size)]
    if len(chunks) > 1 and len(chunks[-1]) < size // 2:
        chunks[-2].extend(chunks.pop())
    return [c for c in chunks if c]


class Unmasking(BaseEstimator):
    """Unmasking verification of questioned texts against one candidate's texts.

    Parameters
    ----------
    chunk_size : int
        Words per chunk (Koppel & Schler used 500 on novels; news articles need far smaller).
    n_features : int
        Most frequent words of the pair's chunks that the SVM sees.
    n_rounds : int
        Points on the accuracy curve.
    n_drop : int
        Features removed per round from each side (the most positive and most negative weights).
    folds : int
        Cross-validation folds for each accuracy.
    max_calibration : int
        Same- and different-author training pairs each for the logistic calibration.
    random_state : int
        Seed of the known-chunk sample, the folds and the calibration sample.
    """

    def __init__(
        self,
        *,
        chunk_size: int = 60,
        n_features: int = 250,
        n_rounds: int = 8,
        n_drop: int = 3,
        folds: int = 4,
        max_calibration: int = 40,
        random_state: int = 0,
    ):
        self.chunk_size = chunk_size
        self.n_features = n_features
        self.n_rounds = n_rounds
        self.n_drop = n_drop
        self.folds = folds
        self.max_calibration = max_calibration
        self.random_state = random_state

    def curve(self, questioned: str, known_chunks: Sequence[Sequence[str]], rng: np.random.Generator) -> np.ndarray:
        """(n_rounds,) cross-validated accuracies of questioned-vs-known chunks as features go."""
        q_chunks = chunk_words(questioned, self.chunk_size)
        n = max(len(q_chunks), self.folds)
        if len(q_chunks) < 2:
            q_chunks = q_chunks * 2 if q_chunks else [["<empty>"]] * 2
        picked = rng.choice(len(known_chunks), min(n, len(known_chunks)), replace=False)
        k_chunks = [known_chunks[i] for i in picked]
        counts = Counter(w for chunk in q_chunks + k_chunks for w in chunk)
        vocabulary = [w for w, _ in counts.most_common(self.n_features)]
        X = relative_frequencies(q_chunks + k_chunks, vocabulary)
        X = StandardScaler().fit_transform(X)
        y = np.r_[np.ones(len(q_chunks)), np.zeros(len(k_chunks))]
        folds = max(2, min(self.folds, len(q_chunks), len(k_chunks)))
        split = StratifiedKFold(folds, shuffle=True, random_state=int(rng.integers(2**31)))
        with warnings.catch_warnings():
            # a few dozen chunks in 250 dimensions are nearly separable: liblinear's iteration
            # cap is reached often, and only the accuracy and the largest weights are used
            warnings.simplefilter("ignore", ConvergenceWarning)
            return self._degrade(X, y, split)

    def _degrade(self, X: np.ndarray, y: np.ndarray, split: StratifiedKFold) -> np.ndarray:
        """Accuracy per round while the most discriminating features are removed."""
        active = np.arange(X.shape[1])
        accuracies = []
        for _ in range(self.n_rounds):
            correct = 0
            for train, test in split.split(X, y):
                svm = LinearSVC(C=1.0, max_iter=2000, random_state=0).fit(X[np.ix_(train, active)], y[train])
                correct += int((svm.predict(X[np.ix_(test, active)]) == y[test]).sum())
            accuracies.append(correct / len(y))
            if len(active) <= 2 * self.n_drop:
                accuracies.extend([accuracies[-1]] * (self.n_rounds - len(accuracies)))
                break
            weights = LinearSVC(C=1.0, max_iter=2000, random_state=0).fit(X[:, active], y).coef_[0]
            order = np.argsort(weights)
            active = np.delete(active, np.r_[order[: self.n_drop], order[-self.n_drop :]])
        return np.asarray(accuracies[: self.n_rounds])

    @staticmethod
    def _curve_features(curves: np.ndarray) -> np.ndarray:
        """Koppel & Schler's meta features: the accuracies and their drops per round."""
        curves = np.atleast_2d(curves)
        return np.hstack([curves, -np.diff(curves, axis=1)])

    def fit(self, known: Sequence[str], impostors: Sequence[str]):
        """Keep the candidate's chunks; calibrate curves on same- and different-author training pairs."""
        known = list(known)
        if len(known) < 2:
            raise InsufficientEvidenceError(
                f"unmasking needs at least 2 known texts of the candidate, got {len(known)}"
            )
        if len(impostors) < 2:
            raise InsufficientEvidenceError(f"unmasking needs impostor texts by other writers, got {len(impostors)}")
        rng = np.random.default_rng(self.random_state)
        per_text = [chunk_words(t, self.chunk_size) for t in known]
        self.known_chunks_ = [c for chunks in per_text for c in chunks]
        same = []
        for i in rng.permutation(len(known))[: self.max_calibration]:
            rest = [c for j, chunks in enumerate(per_text) if j != i for c in chunks]
            same.append(self.curve(known[i], rest, rng))
        different = [
            self.curve(impostors[j], self.known_chunks_, rng)
            for j in rng.permutation(len(impostors))[: self.max_calibration]
        ]
        curves = np.vstack(same + different)
        label = np.r_[np.ones(len(same)), np.zeros(len(different))]
        self.calibrator_ = make_pipeline(StandardScaler(), LogisticRegression(C=1.0)).fit(
            self._curve_features(curves), label
        )
        self.calibration_curves_, self.calibration_label_ = curves, label
        return self

    def curves(self, questioned: Sequence[str]) -> np.ndarray:
        """(n, n_rounds) unmasking curves of the questioned texts against the candidate."""
        check_is_fitted(self, "calibrator_")
        rng = np.random.default_rng(self.random_state + 1)
        return np.vstack([self.curve(text, self.known_chunks_, rng) for text in questioned])

    def proba_from_curves(self, curves: np.ndarray) -> np.ndarray:
        """(n,) calibrated same-author probability of unmasking curves from ``curves``."""
        check_is_fitted(self, "calibrator_")
        return self.calibrator_.predict_proba(self._curve_features(curves))[:, 1]

    def predict_proba(self, questioned: Sequence[str]) -> np.ndarray:
        """(n,) calibrated probability that the candidate wrote each questioned text."""
        return self.proba_from_curves(self.curves(questioned))
