"""General Impostors: calibrated same-author scores and c@1."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from attribution.errors import InsufficientEvidenceError
from attribution.features import build_features
from attribution.verify.impostors import VERIFY_CONFIG, GeneralImpostors, c_at_1, feature_views, impostor_authors


def test_c_at_1_credits_unanswered_at_the_accuracy_rate():
    assert c_at_1([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2]) == pytest.approx(1.0)
    # 2 correct, 2 unanswered of 4: (2 + 2 * 2/4) / 4
    assert c_at_1([1, 0, 1, 0], [0.9, 0.1, 0.5, 0.5]) == pytest.approx(0.75)
    assert c_at_1([1, 0], [0.2, 0.8]) == pytest.approx(0.0)


@pytest.mark.slow
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


@pytest.mark.slow
def test_impostor_authors_calibrate_beside_the_candidate(c50_small):
    """Named impostor authors stand in as candidates: their pairs separate same from different
    author, join the candidate's own in the Platt fit, and are the same whether passed in or
    computed by ``fit``; anonymous impostors give no such pairs."""
    train, y_train, _, _ = c50_small
    X = build_features(VERIFY_CONFIG).fit_transform(train)
    mine = y_train == y_train[0]
    gi = GeneralImpostors(n_iterations=30, n_impostors=60, random_state=0)
    raw, label = gi.reference_pairs(X[~mine], y_train[~mine], per_author=6)
    assert label.sum() == (1 - label).sum() > 0
    assert roc_auc_score(label, raw) >= 0.85
    inside = GeneralImpostors(n_iterations=30, n_impostors=60, random_state=0).fit(X[mine], X[~mine], y_train[~mine])
    passed = GeneralImpostors(n_iterations=30, n_impostors=60, random_state=0).fit(
        X[mine], X[~mine], y_train[~mine], reference=inside.reference_pairs(X[~mine], y_train[~mine])
    )
    assert inside.n_reference_pairs_ > 0
    assert len(inside.calibration_raw_) == min(50, mine.sum()) + min(50, (~mine).sum()) + inside.n_reference_pairs_
    assert (inside.coef_, inside.intercept_) == (passed.coef_, passed.intercept_)
    anonymous = GeneralImpostors(n_iterations=30, n_impostors=60, random_state=0).fit(X[mine], X[~mine])
    assert anonymous.n_reference_pairs_ == 0


@pytest.mark.slow
def test_feature_families_are_compared_as_separate_views(c50_small):
    """VERIFY_CONFIG's char and word families become two views that partition the columns; GI
    on them still ranks the candidate's new texts first; one view of every column is the
    default, to the last digit."""
    train, y_train, test, y_test = c50_small
    union = build_features(VERIFY_CONFIG)
    X, X_test = union.fit_transform(train), union.transform(test)
    views = feature_views(union.get_feature_names_out())
    assert len(views) == 2 and sorted(np.concatenate(views)) == list(range(X.shape[1]))
    mine = y_train == y_train[0]
    args = (X[mine], X[~mine], y_train[~mine])
    two = GeneralImpostors(n_iterations=30, n_impostors=60, random_state=0).fit(*args, views=views)
    assert roc_auc_score(y_test == y_train[0], two.predict_proba(X_test)) >= 0.85
    default = GeneralImpostors(n_iterations=30, n_impostors=60, random_state=0).fit(*args)
    one = GeneralImpostors(n_iterations=30, n_impostors=60, random_state=0).fit(*args, views=[np.arange(X.shape[1])])
    assert np.array_equal(default.raw_scores(X_test[:10]), one.raw_scores(X_test[:10]))
    assert not np.array_equal(default.raw_scores(X_test), two.raw_scores(X_test))


def test_unnamed_impostor_texts_are_each_their_own_author():
    names = impostor_authors(["Hamilton", "", None, "Hamilton", 7], 5)
    assert names[0] == names[3] == "Hamilton" and names[4] == "7"
    assert len({names[1], names[2], "Hamilton", "7"}) == 4
    with pytest.raises(ValueError, match="3 names for 5 impostor texts"):
        impostor_authors(["a", "b", "c"], 5)


def test_verification_needs_impostors():
    with pytest.raises(InsufficientEvidenceError, match="impostor texts"):
        GeneralImpostors().fit(np.eye(3), np.eye(3)[:1])


@pytest.mark.slow
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
