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
