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


def test_time_order_calibrates_on_the_latest_known_texts(data_dir):
    """With document numbers, same-author calibration pairs are the latest 30% of the known
    texts against the earlier ones; on real C50 texts they look less alike than leave-one-out
    pairs (a questioned text is newer), so they calibrate lower."""
    from attribution.corpus import load_corpus
    from attribution.models.attribute import document_number

    dataset = load_corpus("c50-train", data_dir=data_dir).dataset
    authors = np.asarray(dataset["author"], dtype=object)
    names = sorted(set(authors))[:8]
    rows = np.flatnonzero(np.isin(authors, names))
    texts = [dataset[int(i)]["text"] for i in rows]
    y = authors[rows]
    numbers = np.array([document_number(dataset[int(i)]["id"]) for i in rows])
    X = build_features(VERIFY_CONFIG).fit_transform(texts)
    means = []
    for candidate in names[:3]:
        mine = y == candidate
        args = (X[mine], X[~mine], y[~mine])
        chrono = GeneralImpostors(n_iterations=30, random_state=0).fit(*args, order=numbers[mine])
        loo = GeneralImpostors(n_iterations=30, random_state=0).fit(*args)
        assert (chrono.calibration_label_ == 1).sum() == 15  # latest 15 of 50
        means.append((chrono.calibration_raw_[chrono.calibration_label_ == 1].mean(), loo.calibration_raw_[loo.calibration_label_ == 1].mean()))
    chrono_mean, loo_mean = np.mean(means, axis=0)
    assert chrono_mean < loo_mean, means
    with pytest.raises(ValueError, match="order has"):
        GeneralImpostors(n_iterations=5).fit(*args, order=numbers[mine][:3])
