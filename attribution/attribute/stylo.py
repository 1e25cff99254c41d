"""The stylo baselines as scikit-learn classifiers: Burrows' Delta, Cosine Delta, and the
nearest shrunken centroid.

Input is the plain relative-frequency table of the most frequent words (rows = texts; see
``attribution.features.mfw_matrix`` or the ``mfw`` family with ``zscore: false``). Each
estimator z-scores with the *training* texts' means and spreads, builds one profile per author,
and turns distances into probabilities with ``softmax(-distance / T)``; the temperature ``T`` is
fitted on leave-one-out (Delta) or cross-validated (NSC) distances of the training texts, so
the probabilities are calibrated on data the profiles did not see.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from attribution.attribute.calibration import fit_temperature, softmax


def _dense(X) -> np.ndarray:
    return X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)


def _training_input(estimator, X, y) -> tuple[np.ndarray, np.ndarray]:
    """Validated dense training rows and labels; sets ``classes_`` and needs two authors at least."""
    X, y = validate_data(estimator, X, y, accept_sparse="csr", dtype=np.float64)
    estimator.classes_ = unique_labels(y)
    if len(estimator.classes_) < 2:
        raise ValueError(f"{type(estimator).__name__} needs at least 2 authors, got {len(estimator.classes_)}")
    return _dense(X), y


class _ProfileDistanceClassifier(ClassifierMixin, BaseEstimator):
    """Nearest author profile (mean of z-scores) under ``_distance``; leave-one-out temperature."""

    def _distance(self, Z: np.ndarray, profiles: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _pair_distance(self, Z: np.ndarray, profiles: np.ndarray) -> np.ndarray:
        """Row i of ``Z`` against row i of ``profiles`` -> (n,)."""
        raise NotImplementedError

    def fit(self, X, y):
        """Z-score with the training texts, average per author, fit the softmax temperature."""
        X, y = _training_input(self, X, y)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 1e-12, std, 1.0)
        Z = (X - self.mean_) / self.scale_
        index = np.searchsorted(self.classes_, y)
        counts = np.bincount(index, minlength=len(self.classes_)).astype(np.float64)
        sums = np.zeros((len(self.classes_), Z.shape[1]))
        np.add.at(sums, index, Z)
        self.profiles_ = sums / counts[:, None]
        # Leave-one-out: a text's own author profile without that text, so the temperature is
        # fitted on distances the profile did not see (authors with one text keep the full one).
        distances = self._distance(Z, self.profiles_)
        own = counts[index]
        loo_profiles = np.where(
            (own > 1)[:, None], (sums[index] - Z) / np.maximum(own - 1, 1)[:, None], self.profiles_[index]
        )
        distances[np.arange(len(Z)), index] = self._pair_distance(Z, loo_profiles)
        self.temperature_ = fit_temperature(-distances, index)
        return self

    def decision_function(self, X) -> np.ndarray:
        """(n, n_authors) negative distances to each author's profile (higher = closer)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False)
        Z = (_dense(X) - self.mean_) / self.scale_
        return -self._distance(Z, self.profiles_)

    def predict_proba(self, X) -> np.ndarray:
        """(n, n_authors) ``softmax(-distance / temperature_)``."""
        return softmax(self.decision_function(X), self.temperature_)

    def predict(self, X) -> np.ndarray:
        """The nearest author of each text."""
        return self.classes_[self.decision_function(X).argmax(axis=1)]


class BurrowsDelta(_ProfileDistanceClassifier):
    """Burrows' Delta (2002): mean absolute difference of z-scored word rates to each author's
    profile. Parameters: none (the word list is the input's columns)."""

    def _distance(self, Z, profiles):
        out = np.empty((len(Z), len(profiles)))
        for k, profile in enumerate(profiles):  # one author at a time keeps memory at (n, p)
            out[:, k] = np.abs(Z - profile).mean(axis=1)
        return out

    def _pair_distance(self, Z, profiles):
        return np.abs(Z - profiles).mean(axis=1)


class CosineDelta(_ProfileDistanceClassifier):
    """Cosine Delta (Smith & Aldridge 2011; stylo's "Wurzburg" distance): 1 - cosine between
    z-score vectors. Parameters: none."""

    @staticmethod
    def _unit(M: np.ndarray) -> np.ndarray:
        norms = np.linalg.norm(M, axis=1, keepdims=True)
        return M / np.where(norms > 0, norms, 1.0)

    def _distance(self, Z, profiles):
        return 1.0 - self._unit(Z) @ self._unit(profiles).T

    def _pair_distance(self, Z, profiles):
        return 1.0 - (self._unit(Z) * self._unit(profiles)).sum(axis=1)


class NearestShrunkenCentroid(ClassifierMixin, BaseEstimator):
    """Nearest shrunken centroids (Tibshirani et al. 2002; stylo's ``classify(method="nsc")``).

    Author centroids are shrunk toward the overall centroid by soft-thresholding their
    standardised differences at ``shrinkage``; words that no author uses distinctively drop out.
    With ``shrinkage=None`` it is chosen from a grid by stratified cross-validation on the
    training texts, and the softmax temperature is fitted on those cross-validated scores.

    Parameters
    ----------
    shrinkage : float or None
        The threshold Delta (in standardised units); None = chosen by cross-validation.
    n_folds : int
        Folds for choosing the shrinkage and fitting the temperature.
    random_state : int
        Seed of the fold split.
    """

    GRID = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)

    def __init__(self, *, shrinkage: float | None = None, n_folds: int = 3, random_state: int = 0):
        self.shrinkage = shrinkage
        self.n_folds = n_folds
        self.random_state = random_state

    @staticmethod
    def _centroids(X, index, n_classes, shrinkage):
        n = len(X)
        counts = np.bincount(index, minlength=n_classes).astype(np.float64)
        overall = X.mean(axis=0)
        means = np.zeros((n_classes, X.shape[1]))
        np.add.at(means, index, X)
        means /= np.maximum(counts, 1)[:, None]
        within = ((X - means[index]) ** 2).sum(axis=0) / max(n - n_classes, 1)
        s = np.sqrt(within)
        s0 = float(np.median(s))
        spread = s + s0 if s0 > 0 else s + 1e-12
        m = np.sqrt(np.maximum(1.0 / np.maximum(counts, 1) - 1.0 / n, 1e-12))
        d = (means - overall) / (m[:, None] * spread)
        d = np.sign(d) * np.maximum(np.abs(d) - shrinkage, 0.0)
        shrunk = overall + m[:, None] * spread * d
        log_prior = np.log(np.maximum(counts, 1) / n)
        return shrunk, spread, log_prior

    @staticmethod
    def _scores(X, shrunk, spread, log_prior):
        """Tibshirani's discriminant as a log posterior up to a constant: -0.5 delta_k(x)."""
        W = X / spread
        C = shrunk / spread
        sq = (W**2).sum(axis=1)[:, None] - 2.0 * W @ C.T + (C**2).sum(axis=1)[None, :]
        return -0.5 * sq + log_prior[None, :]

    def fit(self, X, y):
        """Choose the shrinkage (if None) and temperature by cross-validation, then fit on all."""
        from sklearn.model_selection import StratifiedKFold

        X, y = _training_input(self, X, y)
        index = np.searchsorted(self.classes_, y)
        k = len(self.classes_)
        grid = self.GRID if self.shrinkage is None else (float(self.shrinkage),)
        folds = min(self.n_folds, int(np.bincount(index).min()))
        held_out = {g: np.zeros((len(X), k)) for g in grid}
        if folds >= 2:
            split = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            for train, test in split.split(X, index):
                if len(np.unique(index[train])) < k:
                    continue
                for g in grid:
                    params = self._centroids(X[train], index[train], k, g)
                    held_out[g][test] = self._scores(X[test], *params)
            accuracy = {g: float((held_out[g].argmax(axis=1) == index).mean()) for g in grid}
            self.shrinkage_ = max(grid, key=lambda g: (accuracy[g], g))
            self.temperature_ = fit_temperature(held_out[self.shrinkage_], index)
        else:
            self.shrinkage_, self.temperature_ = grid[0], 1.0
        self.centroids_, self.spread_, self.log_prior_ = self._centroids(X, index, k, self.shrinkage_)
        return self

    def decision_function(self, X) -> np.ndarray:
        """(n, n_authors) discriminant scores (log posterior up to a constant)."""
        check_is_fitted(self)
        X = _dense(validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False))
        return self._scores(X, self.centroids_, self.spread_, self.log_prior_)

    def predict_proba(self, X) -> np.ndarray:
        """(n, n_authors) calibrated posteriors ``softmax(score / temperature_)``."""
        return softmax(self.decision_function(X), self.temperature_)

    def predict(self, X) -> np.ndarray:
        """The author with the highest posterior."""
        return self.classes_[self.decision_function(X).argmax(axis=1)]
