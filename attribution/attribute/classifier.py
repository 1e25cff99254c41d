"""Closed- and open-set attribution: which candidate wrote a text, or none of them.

``AuthorClassifier`` = the feature union of a config + one calibrated classifier + an open-set
threshold learned on held-out authors:

>>> clf = AuthorClassifier(config="attribution", method="svm").fit(texts, authors)
>>> clf.predict_proba(new_texts)     # (n, n_authors), calibrated; columns = clf.classes_
>>> clf.predict_open(new_texts)      # author names, or "unknown" below the learned threshold

Methods: ``svm`` (linear SVMs, one per family group, temperature-scaled, pooled and stacked by
``FamilyEnsemble``; one SVM in ``CalibratedClassifierCV`` with ``ensemble=None``), ``logreg``
(logistic regression, the same way), and the stylo baselines ``delta`` (Burrows),
``cosine_delta`` (Smith & Aldridge) and ``nsc`` (nearest shrunken centroid) on plain MFW rates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from attribution.errors import ConfigError, InsufficientEvidenceError
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
METHODS = ("svm", "logreg", "delta", "cosine_delta", "nsc")
CALIBRATIONS = ("temperature", "sigmoid", "isotonic", "none")
#: Regularisation defaults, chosen on the C50 train split (C=3 > 1 > 0.3 for the SVM; 10 no better).
DEFAULT_C = {"svm": 3.0, "logreg": 30.0}
STYLO_METHODS = ("delta", "cosine_delta", "nsc")
#: Feature preset of svm/logreg (attribution/configs/attribution.yaml, chosen on the C50 train split).
DEFAULT_CONFIG = "attribution"
#: Rules that turn the inner split's scores into the "unknown" threshold (``learn_unknown_threshold``).
THRESHOLD_RULES = ("known_rejection", "balanced")
#: ``known_rejection`` rule: the share of correctly attributed held-out known texts that the
#: threshold may answer "unknown". Chosen on C50 train/ only (40 authors fitted on their earliest
#: 35 texts, scored on the latest 15 of all 50): 0.2 gave unknown recall 0.633 / known accuracy
#: 0.675 there (balanced 0.654, the best any threshold reached was 0.656); the old ``balanced``
#: rule gave 0.707 / 0.545, as the inner pool holds more withheld than known texts.
DEFAULT_KNOWN_REJECTION = 0.2
#: Rejection targets whose inner trade-off is reported with every learned threshold.
CURVE_REJECTIONS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5)
#: The ensemble's stacked half: weight of the stacker's log-probabilities against the geometric
#: pool's, and the stacker's regularisation. Chosen on the three chronological folds of C50
#: train/ (``FamilyEnsemble``): at C 3, 10 and 30 weight 0.5 gave the lowest log loss and the best
#: accuracy of 0.25 / 0.5 / 0.75 (C 10: 0.750 / 0.735 / 0.753; the pool alone 0.797); at C 0.3, 1
#: and 100 weight 0.25 had the lower log loss (0.756-0.800), none below C 10's 0.735.
STACK_WEIGHT = 0.5
STACK_C = 10.0
#: Members of the svm/logreg ensemble: each fits its own model on these families'
#: columns (families in no member join the first); C None = ``DEFAULT_C``. Chosen on C50 train/
#: only: three chronological folds (each author's latest 15 texts held out; latest 25; earliest
#: 25), 3,250 held-out texts, pooled by geometric mean: char+word | distort | syntax 0.789, with a
#: z-scored MFW block in the first member 0.780 (lower on every fold), char alone first 0.790,
#: char+word | distort 0.752. Members whose families are absent are dropped.
DEFAULT_ENSEMBLE = (
    {"families": ["char", "word"], "C": None},
    {"families": ["distort"], "C": 1.0},
    {"families": ["syntax"], "C": 1.0},
)


def mfw_config(n: int = 500) -> dict:
    """Feature config of the stylo baselines: plain relative frequencies of the n MFW."""
    return {"name": f"mfw{n}-plain", "seed": 0, "families": {"mfw": {"n": n, "zscore": False}}}


def make_base_estimator(method: str = "svm", *, C: float | None = None, random_state: int = 0) -> BaseEstimator:
    """The uncalibrated linear model of ``method`` ("svm" or "logreg"), with ``decision_function``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    c = float(C if C is not None else DEFAULT_C[method])
    if method == "svm":
        return LinearSVC(C=c, class_weight="balanced", max_iter=2000, random_state=random_state)
    return LogisticRegression(C=c, class_weight="balanced", max_iter=500)


def calibration_folds(cv: int, min_class_count: int | None, random_state: int):
    """Stratified folds for held-out scores: ``cv`` of them, fewer when the smallest class is smaller."""
    from sklearn.model_selection import StratifiedKFold

    folds = cv if min_class_count is None else max(2, min(cv, min_class_count))
    return StratifiedKFold(folds, shuffle=True, random_state=random_state)


def make_estimator(
    method: str = "svm",
    *,
    C: float | None = None,
    calibration: str = "temperature",
    cv: int = 3,
    min_class_count: int | None = None,
    random_state: int = 0,
) -> BaseEstimator:
    """An unfitted matrix-level classifier with calibrated ``predict_proba`` for ``method``."""
    if method not in METHODS:
        raise ConfigError(f"method {method!r} is unknown; choose one of {', '.join(METHODS)}")
    if calibration not in CALIBRATIONS:
        raise ConfigError(f"calibration {calibration!r} is unknown; choose one of {', '.join(CALIBRATIONS)}")
    from attribution.attribute.stylo import BurrowsDelta, CosineDelta, NearestShrunkenCentroid

    if method == "delta":
        return BurrowsDelta()
    if method == "cosine_delta":
        return CosineDelta()
    if method == "nsc":
        return NearestShrunkenCentroid(random_state=random_state)
    from sklearn.calibration import CalibratedClassifierCV

    base = make_base_estimator(method, C=C, random_state=random_state)
    if calibration == "none":
        if method == "svm":
            raise ConfigError("method 'svm' has no probabilities without calibration; use temperature or sigmoid")
        return base
    # ensemble=False: one model fitted on all texts; the folds only provide held-out scores
    # for the calibrator (temperature: one parameter, the best ECE on the C50 train split).
    split = calibration_folds(cv, min_class_count, random_state)
    return CalibratedClassifierCV(base, method=calibration, cv=split, ensemble=False)


def open_set_scores(estimator: BaseEstimator, X) -> np.ndarray:
    """(n,) how strongly the best candidate claims each row: its raw decision value minus the
    runner-up's (the margin gap).

    Raw scores (SVM margins, negative Delta distances), not calibrated probabilities: a softmax
    spreads mass over however many candidates there are, so a threshold on the top probability
    learned with fewer authors (the inner split) would not carry over to the full model. The gap,
    not the top margin alone: on texts about new topics every margin drops (C50's test/ margins
    run lower than held-out train/ margins), the gap between the best two much less; on a
    chronological inner split of C50 train/ the gap gave known accuracy 0.642 at unknown recall
    0.620 where the top margin gave 0.588 at 0.620.
    """
    base = estimator
    calibrated = getattr(estimator, "calibrated_classifiers_", None)
    if calibrated:
        base = calibrated[0].estimator
    if hasattr(base, "decision_function"):
        scores = base.decision_function(X)
    else:
        scores = estimator.predict_proba(X)
    if scores.ndim == 1:
        return np.abs(scores)
    if scores.shape[1] == 1:
        return scores[:, 0]
    top2 = np.sort(scores, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


class FamilyEnsemble(ClassifierMixin, BaseEstimator):
    """Pool of linear models, each fitted on the columns of some feature families.

    ``estimators[i]`` (uncalibrated, with ``decision_function``) sees ``X[:, columns[i]]``. Each
    member's held-out decision values (``cv`` stratified folds of the training rows) give it a
    softmax temperature; ``predict_proba`` pools the members' calibrated probabilities
    log-linearly (the renormalised geometric mean) and, with ``stack_weight`` > 0, blends that
    in log space with a multinomial logistic regression on all members' held-out decision
    values (stacked generalisation, Wolpert 1992), which learns which candidates the members
    confuse. ``decision_function`` averages the raw decision values (the open-set score).

    On C50 a char n-gram SVM, an SVM on text-distorted char n-grams (``distort``) and one on
    syntax err on different texts, so the pool beats each member. Geometric, not arithmetic: on
    three chronological folds of C50 train/ (3,250 held-out texts) 0.789 vs 0.784 accuracy, ECE
    0.058-0.075 vs 0.092-0.117. The stacked half (``STACK_WEIGHT``, ``STACK_C``), same folds: log
    loss 0.797 -> 0.735 for the default members, and lower for every other member set tried
    (7 sets: by 0.05-0.09); accuracy 0.795 -> 0.803 here, but -0.007 ... +0.009 over the 7 sets,
    so it is adopted for the probabilities, not for accuracy. On the production path
    (``scripts/select_ensemble.py``) log loss fell on every fold (0.660 / 0.812 / 0.882 -> 0.614 /
    0.735 / 0.826), accuracy pooled 0.790 -> 0.796; on C50 test/ 0.792 -> 0.802, log loss 0.746 ->
    0.675.
    """

    def __init__(
        self,
        estimators: list,
        columns: list,
        *,
        cv: int = 3,
        stack_weight: float = STACK_WEIGHT,
        stack_C: float = STACK_C,
        random_state: int = 0,
    ):
        self.estimators = estimators
        self.columns = columns
        self.cv = cv
        self.stack_weight = stack_weight
        self.stack_C = stack_C
        self.random_state = random_state

    def fit(self, X, y):
        """Fit each member on its columns, its temperature on held-out folds, then the stacker."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import cross_val_predict

        from attribution.attribute.calibration import fit_temperature

        if len(self.estimators) != len(self.columns) or not self.estimators:
            raise ValueError("FamilyEnsemble needs one column index array per estimator")
        if not 0.0 <= self.stack_weight <= 1.0:
            raise ConfigError(f"stack_weight must be in [0, 1], got {self.stack_weight!r}")
        y = np.asarray(y)
        self.classes_, index = np.unique(y, return_inverse=True)
        split = calibration_folds(self.cv, int(np.bincount(index).min()), self.random_state)
        self.estimators_, self.temperatures_, held_out = [], [], []
        for est, cols in zip(self.estimators, self.columns):
            columns = X[:, cols]
            scores = _logits(cross_val_predict(clone(est), columns, y, cv=split, method="decision_function"))
            self.estimators_.append(clone(est).fit(columns, y))
            self.temperatures_.append(fit_temperature(scores, index))
            held_out.append(scores)
        self.stacker_ = None
        if self.stack_weight > 0:
            self.stacker_ = LogisticRegression(C=self.stack_C, max_iter=5000).fit(np.hstack(held_out), y)
        return self

    def _member_scores(self, X) -> list[np.ndarray]:
        check_is_fitted(self, "estimators_")
        return [_logits(est.decision_function(X[:, cols])) for est, cols in zip(self.estimators_, self.columns)]

    def pool_proba(self, X, *, scores: list[np.ndarray] | None = None) -> np.ndarray:
        """The geometric pool of the temperature-scaled members alone, without the stacker."""
        from attribution.attribute.calibration import geometric_pool, softmax

        scores = self._member_scores(X) if scores is None else scores
        return geometric_pool([softmax(s, t) for s, t in zip(scores, self.temperatures_)])

    def predict_proba(self, X) -> np.ndarray:
        """Geometric pool of the temperature-scaled members, blended with the stacker (columns
        follow ``classes_``)."""
        from attribution.attribute.calibration import geometric_pool

        scores = self._member_scores(X)
        pooled = self.pool_proba(X, scores=scores)
        if self.stacker_ is None or self.stack_weight == 0:
            return pooled
        stacked = self.stacker_.predict_proba(np.hstack(scores))
        w = self.stack_weight
        return geometric_pool([pooled, stacked], weights=[1.0 - w, w])

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def decision_function(self, X) -> np.ndarray:
        """Mean of the members' raw decision values (the open-set score is built from it)."""
        return np.mean(self._member_scores(X), axis=0)


def _logits(scores: np.ndarray) -> np.ndarray:
    """(n, k) class scores; a binary model's (n,) decision value d becomes (-d, d)."""
    scores = np.asarray(scores, dtype=np.float64)
    return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores


def _class_counts(y: np.ndarray) -> np.ndarray:
    return np.unique(y, return_counts=True)[1]


def open_set_tradeoff(known_scores, known_correct, unknown_scores, threshold: float) -> tuple[float, float]:
    """(unknown recall, known accuracy) when a text is accepted iff its open-set score >= threshold.

    Unknown recall: share of the unknown authors' texts rejected. Known accuracy: share of the
    known authors' texts both attributed correctly (``known_correct``) and accepted."""
    known_scores, unknown_scores = np.asarray(known_scores), np.asarray(unknown_scores)
    recall = float((unknown_scores < threshold).mean()) if len(unknown_scores) else 0.0
    accepted = np.asarray(known_correct, dtype=bool) & (known_scores >= threshold)
    accuracy = float(accepted.mean()) if len(known_scores) else 0.0
    return recall, accuracy


def learn_unknown_threshold(
    estimator: BaseEstimator,
    X,
    y: Sequence[str],
    *,
    holdout_authors: float = 0.25,
    holdout_docs: float = 0.3,
    n_rounds: int = 1,
    order: Sequence[float] | None = None,
    rule: str = "known_rejection",
    known_rejection: float = DEFAULT_KNOWN_REJECTION,
    random_state: int = 0,
    progress: ProgressFactory = no_progress,
) -> dict[str, Any]:
    """Learn the "unknown" threshold on the top candidate's raw score from held-out data.

    Each round withholds a share of the training *authors* entirely and a share of the remaining
    authors' texts, fits ``estimator`` on the rest, and scores both: the withheld authors' texts
    should be answered "unknown", the held-out texts of known authors by their author. Scores are
    pooled over rounds; only training data is used, never any test split. ``rule``:

    - ``known_rejection`` (default): the threshold answers "unknown" for a ``known_rejection``
      share of the held-out known texts the model attributes correctly (a stated operating
      point: the cost to known authors is fixed, unknown recall is what the score can give).
    - ``balanced``: maximises the mean of unknown recall and known accuracy on the inner split.
      The inner pool holds more withheld-author texts than held-out known ones, and new texts
      score lower than held-out training texts, so on C50 this rejected half the known texts.

    The result holds ``inner_curve``: the inner trade-off at the ``CURVE_REJECTIONS`` targets.

    ``order`` (one sortable value per text, e.g. a timestamp or a document number) makes the
    known authors' held-out texts their *latest* ones instead of a random share: new texts come
    later and are often on new topics, and a threshold learned on random held-out texts (same
    topics as the fitted ones, higher margins) rejected half of C50's known test texts.
    """
    if rule not in THRESHOLD_RULES:
        raise ConfigError(f"threshold rule {rule!r} is unknown; choose one of {', '.join(THRESHOLD_RULES)}")
    if not 0.0 <= known_rejection < 1.0:
        raise ConfigError(f"known_rejection must be in [0, 1), got {known_rejection!r}")
    y = np.asarray(y, dtype=object)
    when = None if order is None else np.asarray(order)
    if when is not None and len(when) != len(y):
        raise ValueError(f"order has {len(when)} values for {len(y)} texts")
    authors = np.unique(y)
    if len(authors) < 3:
        raise InsufficientEvidenceError(
            f"an open-set threshold needs at least 3 training authors (2 known + 1 withheld), got {len(authors)}"
        )
    rng = np.random.default_rng(random_state)
    n_out = int(np.clip(round(holdout_authors * len(authors)), 1, len(authors) - 2))
    order = rng.permutation(authors)
    known_scores, known_correct, unknown_scores = [], [], []
    for r in progress(range(n_rounds), desc="open-set threshold", total=n_rounds):
        withheld = set(np.roll(order, -r * n_out)[:n_out])
        is_out = np.array([a in withheld for a in y])
        fit_idx, val_idx = [], []
        for author in authors:
            if author in withheld:
                continue
            idx = rng.permutation(np.flatnonzero(y == author))
            if when is not None:
                idx = idx[np.argsort(-when[idx], kind="stable")]  # latest first
            n_val = int(round(holdout_docs * len(idx))) if len(idx) > 2 else 0
            val_idx.extend(idx[:n_val])
            fit_idx.extend(idx[n_val:])
        fit_idx, val_idx = np.sort(fit_idx), np.sort(val_idx)
        model = clone(estimator)
        # a single calibrated model carries its folds; FamilyEnsemble sizes its own in fit
        if hasattr(getattr(model, "cv", None), "n_splits"):
            model.cv.n_splits = max(2, min(model.cv.n_splits, int(_class_counts(y[fit_idx]).min())))
        model.fit(X[fit_idx], y[fit_idx])
        out_idx = np.flatnonzero(is_out)
        if len(val_idx):
            proba = model.predict_proba(X[val_idx])
            known_scores.extend(open_set_scores(model, X[val_idx]))
            known_correct.extend(model.classes_[proba.argmax(axis=1)] == y[val_idx])
        unknown_scores.extend(open_set_scores(model, X[out_idx]))
    known_scores, known_correct = np.asarray(known_scores), np.asarray(known_correct, dtype=bool)
    unknown_scores = np.asarray(unknown_scores)

    def tradeoff(t: float) -> tuple[float, float]:
        return open_set_tradeoff(known_scores, known_correct, unknown_scores, t)

    def rejection_threshold(share: float) -> float:
        """The score below which ``share`` of the correctly attributed known texts fall."""
        return float(np.quantile(known_scores[known_correct], share))

    used = rule
    if rule == "known_rejection" and not known_correct.any():
        log.warning("open set: no held-out known text was attributed correctly; using the balanced rule")
        used = "balanced"
    if used == "known_rejection":
        threshold = rejection_threshold(known_rejection)
    else:
        # "accept" = top score >= t; each candidate threshold is an observed score.
        candidates = np.unique(np.concatenate([known_scores, unknown_scores]))
        threshold = float(max(candidates, key=lambda t: (sum(tradeoff(t)), -t)))
    recall, accuracy = tradeoff(threshold)
    curve = []
    if known_correct.any():
        for share in CURVE_REJECTIONS:
            t = rejection_threshold(share)
            r, a = tradeoff(t)
            curve.append(
                {
                    "known_rejection": share,
                    "threshold": round(t, 4),
                    "inner_unknown_recall": round(r, 4),
                    "inner_known_accuracy": round(a, 4),
                }
            )
    balanced = 0.5 * (recall + accuracy)
    return {
        "threshold": threshold,
        "score": "decision_gap",
        "rule": used,
        "known_rejection": known_rejection if used == "known_rejection" else None,
        "inner_curve": curve,
        "held_out_docs": "latest" if when is not None else "random",
        "inner_unknown_recall": round(recall, 4),
        "inner_known_accuracy": round(accuracy, 4),
        "inner_balanced": round(balanced, 4),
        "inner_closed_accuracy": round(float(known_correct.mean()), 4) if len(known_correct) else None,
        "n_rounds": n_rounds,
        "n_known_scored": int(len(known_scores)),
        "n_unknown_scored": int(len(unknown_scores)),
    }


class AuthorClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated attribution over a feature config, with an open-set "unknown" answer.

    Parameters
    ----------
    config : str, dict or None
        Feature config (preset name, YAML path or dict) for ``build_features``; None = the
        method's default (``attribution`` for svm/logreg, plain 500-MFW rates for the stylo ones).
    method : {"svm", "logreg", "delta", "cosine_delta", "nsc"}
        The classifier.
    C : float or None
        Regularisation of svm/logreg (None = ``DEFAULT_C``).
    calibration : {"temperature", "sigmoid", "isotonic", "none"}
        ``CalibratedClassifierCV`` method for svm/logreg (stylo methods fit their own temperature).
    cv : int
        Calibration folds.
    ensemble : list of {"families": [...], "C": float or None}, or None
        svm/logreg only: one model per member on its families' columns, temperature-scaled,
        pooled by their geometric mean and blended with a stacker (``FamilyEnsemble``; needs
        ``calibration="temperature"``); None or a single present member = one calibrated model on all columns.
    open_set : bool
        Learn the "unknown" threshold on held-out authors during ``fit``.
    holdout_authors, holdout_docs, n_rounds
        Inner split for the threshold (see ``learn_unknown_threshold``).
    threshold_rule : {"known_rejection", "balanced"}, known_rejection : float
        How the threshold is read off the inner split (see ``learn_unknown_threshold``).
    random_state : int
        Seed for folds and the inner split.
    """

    def __init__(
        self,
        *,
        config: str | dict | None = None,
        method: str = "svm",
        C: float | None = None,
        calibration: str = "temperature",
        cv: int = 3,
        ensemble: list | tuple | None = DEFAULT_ENSEMBLE,
        open_set: bool = True,
        holdout_authors: float = 0.25,
        holdout_docs: float = 0.3,
        n_rounds: int = 1,
        threshold_rule: str = "known_rejection",
        known_rejection: float = DEFAULT_KNOWN_REJECTION,
        random_state: int = 0,
    ):
        self.config = config
        self.method = method
        self.C = C
        self.calibration = calibration
        self.cv = cv
        self.ensemble = ensemble
        self.open_set = open_set
        self.holdout_authors = holdout_authors
        self.holdout_docs = holdout_docs
        self.n_rounds = n_rounds
        self.threshold_rule = threshold_rule
        self.known_rejection = known_rejection
        self.random_state = random_state

    def feature_config(self) -> dict:
        """The resolved feature config as plain data (stored with a saved model)."""
        from attribution.features import load_feature_config

        spec = self.config
        if spec is None:
            spec = mfw_config() if self.method in STYLO_METHODS else DEFAULT_CONFIG
        return load_feature_config(spec).to_dict()

    def fit(
        self,
        X: Sequence[str],
        y: Sequence[str],
        *,
        order: Sequence[float] | np.ndarray | None = None,
        progress: ProgressFactory = no_progress,
    ):
        """Fit features on the texts ``X``, then the classifier on authors ``y`` (and the threshold).

        ``order``: optional sortable value per text (timestamp, document number); the open-set
        threshold is then learned on each known author's latest texts (see ``learn_unknown_threshold``).
        """
        from attribution.features import build_features
        from attribution.features.text import check_texts

        texts = check_texts(X)
        y = np.asarray([str(a) for a in y], dtype=object)
        if len(texts) != len(y):
            raise ValueError(f"got {len(texts)} texts but {len(y)} authors")
        self.feature_config_ = self.feature_config()
        union = build_features(self.feature_config_, progress=progress)
        log.info("features: fitting %s on %d texts", self.feature_config_["name"], len(texts))
        matrix = union.fit_transform(texts)
        # The progress callback (the CLI's output object) reports this fit only: a fitted union
        # that kept it could not be saved (skops allow-list) and would draw bars when scoring.
        union.set_params(
            **{
                f"{name}__progress": no_progress
                for name, step in union.transformer_list
                if "progress" in step.get_params()
            }
        )
        return self.fit_matrix(matrix, y, features=union, order=order, progress=progress)

    def _estimator(self, min_class_count: int) -> BaseEstimator:
        """The unfitted matrix-level estimator: one model, or a ``FamilyEnsemble`` over families."""
        options = dict(
            calibration=self.calibration, cv=self.cv, min_class_count=min_class_count, random_state=self.random_state
        )
        single = make_estimator(self.method, C=self.C, **options)
        if not self.ensemble or self.method in STYLO_METHODS or not self.feature_names_:
            return single
        from attribution.features import feature_families

        families = feature_families(self.feature_names_)
        present = list(dict.fromkeys(families))
        groups = []
        for member in self.ensemble:
            names = [f for f in member["families"] if f in present]
            if names:
                groups.append((names, member.get("C")))
        if len(groups) < 2:
            return single
        if self.calibration != "temperature":
            raise ConfigError(
                f"the family ensemble calibrates its members by temperature; for {self.calibration!r} "
                "calibration pass ensemble=None (one model on all columns)"
            )
        listed = {f for names, _ in groups for f in names}
        groups[0] = (groups[0][0] + [f for f in present if f not in listed], groups[0][1])
        estimators, columns = [], []
        for names, C in groups:
            C = self.C if C is None else C
            estimators.append(make_base_estimator(self.method, C=C, random_state=self.random_state))
            columns.append(np.flatnonzero(np.isin(families, names)))
        return FamilyEnsemble(estimators, columns, cv=self.cv, random_state=self.random_state)

    def fit_matrix(
        self,
        matrix,
        y: Sequence[str],
        *,
        features=None,
        order: Sequence[float] | None = None,
        progress: ProgressFactory = no_progress,
    ):
        """Fit on an already computed feature matrix (``features`` = the fitted union, if any)."""
        y = np.asarray([str(a) for a in y], dtype=object)
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise InsufficientEvidenceError(f"attribution needs texts of at least 2 authors, got {len(classes)}")
        if UNKNOWN in classes:
            raise ValueError(f"{UNKNOWN!r} is reserved for the open-set answer; rename that author")
        if not hasattr(self, "feature_config_"):
            self.feature_config_ = None
        self.features_ = features
        self.feature_names_ = list(features.get_feature_names_out()) if features is not None else None
        estimator = self._estimator(int(counts.min()))
        log.info("model: fitting %s on %d texts of %d authors", self.method, len(y), len(classes))
        self.estimator_ = clone(estimator).fit(matrix, y)
        self.classes_ = self.estimator_.classes_
        self.open_set_ = None
        if self.open_set:
            if len(classes) < 3:
                log.warning(
                    "open set: %d authors are too few to learn an 'unknown' threshold; closed set only", len(classes)
                )
            else:
                self.open_set_ = learn_unknown_threshold(
                    estimator,
                    matrix,
                    y,
                    holdout_authors=self.holdout_authors,
                    holdout_docs=self.holdout_docs,
                    n_rounds=self.n_rounds,
                    order=order,
                    rule=self.threshold_rule,
                    known_rejection=self.known_rejection,
                    random_state=self.random_state,
                    progress=progress,
                )
        return self

    def transform_texts(self, X: Sequence[str]):
        """The fitted union's feature matrix of new texts."""
        from attribution.features.text import check_texts

        check_is_fitted(self, "estimator_")
        if self.features_ is None:
            raise ValueError("this classifier was fitted on a matrix; pass matrices to the *_matrix methods")
        return self.features_.transform(check_texts(X))

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """(n, n_authors) calibrated probabilities; columns follow ``classes_``."""
        return self.estimator_.predict_proba(self.transform_texts(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """The most probable candidate of each text (closed set)."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    @property
    def threshold_(self) -> float | None:
        """The learned "unknown" threshold on the top raw score (None = closed set)."""
        check_is_fitted(self, "estimator_")
        return None if self.open_set_ is None else float(self.open_set_["threshold"])

    def score_matrix(self, matrix) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities (n, n_authors), open-set scores (n,)) of a feature matrix."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(matrix), open_set_scores(self.estimator_, matrix)

    def open_labels(self, proba: np.ndarray, open_scores: np.ndarray) -> np.ndarray:
        """Top candidate, or ``"unknown"`` where its open-set score is below the threshold."""
        labels = self.classes_[proba.argmax(axis=1)].astype(object)
        if self.threshold_ is not None:
            labels[np.asarray(open_scores) < self.threshold_] = UNKNOWN
        return labels

    def predict_open(self, X: Sequence[str]) -> np.ndarray:
        """Labels with ``"unknown"`` where none of the candidates claims the text strongly enough."""
        return self.open_labels(*self.score_matrix(self.transform_texts(X)))

    def rank(self, proba: np.ndarray, open_scores: np.ndarray, *, top: int = 5) -> list[dict[str, Any]]:
        """Per text: ranked candidates with probabilities, the top one, and the unknown decision."""
        labels = self.open_labels(proba, open_scores)
        out = []
        for row, label, raw in zip(proba, labels, open_scores):
            order = np.argsort(-row, kind="stable")[:top]
            out.append(
                {
                    "prediction": str(label),
                    "top_candidate": str(self.classes_[order[0]]),
                    "top_probability": round(float(row[order[0]]), 4),
                    "unknown": label == UNKNOWN,
                    "open_set_score": round(float(raw), 4),
                    "candidates": [
                        {"author": str(self.classes_[j]), "probability": round(float(row[j]), 4)} for j in order
                    ],
                }
            )
        return out


def score_texts(
    model: AuthorClassifier, texts: Sequence[str], ids: Sequence[str], *, top: int = 5
) -> list[dict[str, Any]]:
    """Score texts with a fitted model: one dict per text (id, ranked candidates, unknown)."""
    proba, open_scores = model.score_matrix(model.transform_texts(list(texts)))
    return [{"id": str(i), **row} for i, row in zip(ids, model.rank(proba, open_scores, top=top))]


def describe_model(model: AuthorClassifier) -> dict[str, Any]:
    """What a fitted model is, for JSON output and config.json."""
    check_is_fitted(model, "estimator_")
    return {
        "method": model.method,
        "params": model.get_params(),
        "classes": [str(c) for c in model.classes_],
        "open_set": model.open_set_,
        "features": None if model.feature_config_ is None else model.feature_config_.get("name"),
    }


def document_number(doc_id: str) -> int:
    """Reuters document number of a C50 id (``train/Author/106247newsML.txt`` -> 106247): it
    grows with publication date, so it orders an author's texts in time; -1 for other ids."""
    match = re.search(r"(\d+)newsML", doc_id)
    return int(match.group(1)) if match else -1


def row_order(ids: Sequence[str], timestamps: Sequence[Any]) -> tuple[np.ndarray | None, str]:
    """A time order of texts for the open-set inner split, and where it came from: the
    timestamps when every text has one, else Reuters document numbers when every id is a C50
    one, else ``(None, "random")`` (the inner split then holds out random texts)."""
    if len(timestamps) and all(t is not None for t in timestamps):
        return np.array([t.timestamp() if hasattr(t, "timestamp") else float(t) for t in timestamps]), "timestamp"
    numbers = np.array([document_number(str(i)) for i in ids])
    if len(numbers) and (numbers >= 0).all():
        return numbers, "document_number"
    return None, "random"


def training_rows(dataset, *, min_texts: int = 2) -> tuple[list[str], list[str], np.ndarray | None, dict[str, Any]]:
    """Texts and authors of a corpus ``Dataset`` for training: rows whose ``author`` names one
    writer, authors with at least ``min_texts`` texts. Returns (texts, authors, order, summary).

    A byline is never taken for an author (a pen name such as "Publius" covers several writers),
    and joint, disputed or placeholder labels ("Hamilton and Madison", "unknown") are no class;
    ``summary["left_out"]`` counts every row left out and why. ``order`` (see ``row_order``) makes
    the open-set threshold learn on each author's latest texts, as new texts to score come later.
    """
    from collections import Counter

    from attribution.corpus.labels import label_problem

    rows, authors = [], []
    byline_only = Counter()
    no_label = 0
    not_one_writer: dict[str, Counter] = {"joint": Counter(), "placeholder": Counter()}
    for i, (author, byline) in enumerate(zip(dataset["author"], dataset["byline"])):
        if not author:
            if byline:
                byline_only[str(byline)] += 1
            else:
                no_label += 1
            continue
        problem = label_problem(str(author))
        if problem is not None:
            not_one_writer[problem][str(author)] += 1
            continue
        rows.append(i)
        authors.append(str(author))
    counts = Counter(authors)
    rare = sorted(a for a, n in counts.items() if n < min_texts)
    keep = [i for i, a in zip(rows, authors) if a not in set(rare)]
    authors = [a for a in authors if a not in set(rare)]
    chosen = dataset.select(keep)
    order, source = row_order(chosen["id"], chosen["timestamp"])
    summary = {
        "texts": len(keep),
        "authors": len(set(authors)),
        "left_out": {
            "no_author_byline_only": dict(sorted(byline_only.items())),
            "no_author_no_byline": no_label,
            "joint_author_labels": dict(sorted(not_one_writer["joint"].items())),
            "placeholder_author_labels": dict(sorted(not_one_writer["placeholder"].items())),
            "authors_with_too_few_texts": {a: counts[a] for a in rare},
        },
        "kind": Counter(chosen["kind"]).most_common(1)[0][0] if len(chosen) else None,
        "open_set_held_out_by": source,
    }
    return list(chosen["text"]), authors, order, summary


def describe_left_out(left_out: dict[str, Any], *, min_texts: int) -> list[str]:
    """One plain sentence per reason ``training_rows`` left rows out (empty when none were)."""
    lines = []
    byline_only = left_out["no_author_byline_only"]
    if byline_only:
        shown = ", ".join(f"{name!r} ({n})" for name, n in list(byline_only.items())[:5])
        lines.append(
            f"Left out {sum(byline_only.values())} texts with a byline but no author ({shown}): a byline is "
            "not taken for an author; if it is the author here, pass --author-col with the byline's column."
        )
    if left_out["no_author_no_byline"]:
        lines.append(f"Left out {left_out['no_author_no_byline']} texts with no author.")
    for key, why in (("joint_author_labels", "name several writers"), ("placeholder_author_labels", "name no writer")):
        labels = left_out[key]
        if labels:
            shown = ", ".join(f"{name!r} ({n})" for name, n in labels.items())
            lines.append(f"Left out {sum(labels.values())} texts whose author labels {why}: {shown}.")
    rare = left_out["authors_with_too_few_texts"]
    if rare:
        shown = ", ".join(f"{name!r} ({n})" for name, n in list(rare.items())[:10])
        lines.append(f"Left out {len(rare)} authors with fewer than {min_texts} texts (--min-texts): {shown}.")
    return lines


def read_inputs(specs: Sequence[str], *, data_dir: str | None = None) -> tuple[list[str], list[str], list[str | None]]:
    """Texts to score from plain text files and/or corpora (any ``load_corpus`` spec):
    (ids, texts, encodings); the encoding is the one a plain text file was decoded with, ``None``
    for corpus rows (their loader names non-UTF-8 rows)."""
    from pathlib import Path

    from attribution.corpus import load_corpus
    from attribution.corpus.text import UndecodableError, decode_bytes
    from attribution.errors import CorpusError

    ids, texts, encodings = [], [], []
    for spec in specs:
        path = Path(spec)
        if path.is_file() and path.suffix.lower() not in (".jsonl", ".json", ".csv", ".parquet", ".tsv"):
            try:
                text, encoding = decode_bytes(path.read_bytes())
            except UndecodableError as exc:
                raise CorpusError(str(exc), path=path) from exc
            if not text.strip():
                raise CorpusError("empty text file", path=path)
            if encoding != "utf-8":
                log.warning("%s: not UTF-8; read as %s", path, encoding)
            ids.append(str(path))
            texts.append(text)
            encodings.append(encoding)
            continue
        corpus = load_corpus(spec, data_dir=data_dir)
        if len(corpus) == 0:
            raise CorpusError("no usable documents", path=spec)
        ids.extend(corpus.dataset["id"])
        texts.extend(corpus.dataset["text"])
        encodings.extend([None] * len(corpus))
    return ids, texts, encodings
