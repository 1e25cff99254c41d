"""General Impostors: calibrated same-author scores and c@1."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from attribution.errors import InsufficientEvidenceError
from attribution.features import build_features
from attribution.models.verify import VERIFY_CONFIG, GeneralImpostors, c_at_1


def test_c_at_1_credits_unanswered_at_the_accuracy_rate():
    assert c_at_1([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2]) == pytest.approx(1.0)
    # 2 correct, 2 unanswered of 4: (2 + 2 * 2/4) / 4
    assert c_at_1([1, 0, 1, 0], [0.9, 0.1, 0.5, 0.5]) == pytest.approx(0.75)
    assert c_at_1([1, 0], [0.2, 0.8]) == pytest.approx(0.0)


def test_same_author_scores_above_different_author(c50_small):
    train, y_train, test, y_test = c50_small
    union = build_features(VERIFY_CONFIG)
    X_train = union.fit_transform(train)
    X_test = union.transform(test)
    candidate = y_train[0]
    impostors = y_train != candidate
    gi = GeneralImpostors(n_iterations=30, n_impostors=60, random_state=0).fit(
        X_train[~impostors], X_train[impostors], y_train[impostors]
    )
    proba = gi.predict_proba(X_test)
    assert ((proba >= 0) & (proba <= 1)).all()
    same = y_test == candidate
    assert roc_auc_score(same, proba) >= 0.85
    assert proba[same].mean() > proba[~same].mean()
    answers = gi.answers(proba)
    assert set(np.unique(answers[np.abs(proba - 0.5) < gi.band_])) <= {0.5}


def test_verification_needs_impostors():
    with pytest.raises(InsufficientEvidenceError, match="impostor texts"):
        GeneralImpostors().fit(np.eye(3), np.eye(3)[:1])


def test_a_large_impostor_pool_does_not_flatten_the_score(data_dir):
    """With every other C50 author as impostors (2,450 texts) the candidate's own new texts
    still beat most of the 100 nearest impostors, and other authors' texts score lower. (With
    the known texts' *mean* similarity every comparison was lost: raw 0 for all of them.)"""
    from attribution.bench.c50 import load_split

    train, y_train, test, y_test = load_split(data_dir)
    union = build_features(VERIFY_CONFIG)
    X = union.fit_transform(train)
    candidate = "AaronPressman"
    mine = y_train == candidate
    gi = GeneralImpostors(n_iterations=30, random_state=0).fit(X[mine], X[~mine], y_train[~mine])
    own = [t for t, a in zip(test, y_test) if a == candidate][:8]
    other = [t for t, a in zip(test, y_test) if a != candidate][::300][:8]
    raw_own = gi.raw_scores(union.transform(own))
    raw_other = gi.raw_scores(union.transform(other))
    assert (raw_own > 0).mean() >= 0.75, raw_own
    assert raw_own.mean() > raw_other.mean() + 0.2, (raw_own, raw_other)
