"""The stylo baselines: Delta, Cosine Delta and NSC as calibrated sklearn classifiers."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.attribute.stylo import BurrowsDelta, CosineDelta, NearestShrunkenCentroid
from attribution.features import mfw_matrix

ESTIMATORS = [BurrowsDelta, CosineDelta, NearestShrunkenCentroid]


@pytest.fixture(scope="module")
def mfw(c50_small):
    train, y_train, test, y_test = c50_small
    F_train, vocabulary = mfw_matrix(train, n=300)
    F_test, _ = mfw_matrix(test, vocabulary=vocabulary)
    return F_train, y_train, F_test, y_test


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_baseline_beats_chance_with_probabilities(cls, mfw):
    F_train, y_train, F_test, y_test = mfw
    model = cls().fit(F_train, y_train)
    proba = model.predict_proba(F_test)
    assert proba.shape == (len(F_test), 6)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (model.predict(F_test) == model.classes_[proba.argmax(axis=1)]).all()
    # chance is 1/6; word-rate profiles of 12 news articles per author do far better
    assert (model.predict(F_test) == y_test).mean() >= 0.5


def test_delta_is_mean_absolute_zscore_difference():
    X = np.array([[0.1, 0.2], [0.3, 0.1], [0.2, 0.4], [0.5, 0.3]])
    y = np.array(["a", "a", "b", "b"])
    model = BurrowsDelta().fit(X, y)
    Z = (X - X.mean(0)) / X.std(0)
    profile_a = Z[:2].mean(0)
    expected = np.abs(Z[0] - profile_a).mean()
    assert model.decision_function(X[:1])[0, 0] == pytest.approx(-expected)


def test_cosine_delta_ignores_vector_length():
    X = np.array([[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 1.0, 0.2], [0.1, 0.9, 0.1]])
    y = np.array(["a", "a", "b", "b"])
    model = CosineDelta().fit(X, y)
    assert list(model.predict(X)) == ["a", "a", "b", "b"]


def test_nsc_shrinks_uninformative_words_to_the_overall_centroid():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    y = np.array(["a"] * 20 + ["b"] * 20)
    X[:20, 0] += 3.0  # only word 0 tells the authors apart
    model = NearestShrunkenCentroid(shrinkage=2.0).fit(X, y)
    spread = model.centroids_ - X.mean(axis=0)
    assert np.abs(spread[:, 0]).min() > 0.5
    assert np.abs(spread[:, 1:]).max() < 0.3


def test_one_author_is_refused():
    with pytest.raises(ValueError, match="at least 2 authors"):
        BurrowsDelta().fit(np.ones((3, 2)), ["a", "a", "a"])
