"""AuthorClassifier: calibrated closed-set probabilities and the learned open-set threshold."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.attribute.calibration import brier_score, expected_calibration_error
from attribution.attribute.classifier import UNKNOWN, AuthorClassifier, learn_unknown_threshold, make_estimator
from attribution.errors import ConfigError, InsufficientEvidenceError


def test_svm_probabilities_rank_the_true_author(fitted_svm, c50_small):
    _, _, test, y_test = c50_small
    proba = fitted_svm.predict_proba(test)
    assert proba.shape == (len(test), 6)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (fitted_svm.predict(test) == y_test).mean() >= 0.7
    assert fitted_svm.feature_names_[0].split("__")[0] in {"char", "word"}


def test_default_svm_is_an_ensemble_of_char_word_distort_and_syntax_models(fitted_svm, c50_small):
    from attribution.attribute.classifier import FamilyEnsemble

    ensemble = fitted_svm.estimator_
    assert isinstance(ensemble, FamilyEnsemble) and len(ensemble.estimators_) == 3
    families = np.asarray([name.split("__")[0] for name in fitted_svm.feature_names_])
    first, second, third = ensemble.columns
    assert set(families[second]) == {"distort"} and set(families[third]) == {"syntax"}
    assert set(families[first]) == {"char", "word"}
    assert len(first) + len(second) + len(third) == len(families)
    X = fitted_svm.transform_texts(c50_small[2][:4])
    scores = [est.decision_function(X[:, cols]) for est, cols in zip(ensemble.estimators_, ensemble.columns)]
    members = [np.exp(s / t) / np.exp(s / t).sum(axis=1, keepdims=True) for s, t in zip(scores, ensemble.temperatures_)]
    geometric = np.exp(sum(np.log(m) for m in members) / 3)
    geometric /= geometric.sum(axis=1, keepdims=True)
    stacked = ensemble.stacker_.predict_proba(np.hstack(scores))
    blend = np.sqrt(geometric * stacked)
    np.testing.assert_allclose(ensemble.predict_proba(X), blend / blend.sum(axis=1, keepdims=True), rtol=1e-6)
    assert ensemble.stack_weight == 0.5 and len(ensemble.temperatures_) == 3
    assert ensemble.decision_function(X).shape == (4, 6)
    np.testing.assert_allclose(ensemble.decision_function(X), np.mean(scores, axis=0))


def test_family_ensemble_pools_two_authors_and_a_zero_stack_weight_leaves_the_pool_alone():
    """Two authors: linear models give one decision value per row, taken as the logits (-d, d)."""
    from sklearn.svm import LinearSVC

    from attribution.attribute.classifier import FamilyEnsemble

    rng = np.random.default_rng(0)
    y = np.repeat(["a", "b"], 40)
    X = np.vstack([rng.normal(0.0, 1.0, size=(40, 4)), rng.normal(1.0, 1.0, size=(40, 4))])
    members = lambda: [LinearSVC(), LinearSVC()]  # noqa: E731
    columns = [np.array([0, 1]), np.array([2, 3])]
    stacked = FamilyEnsemble(members(), columns).fit(X, y)
    pool = FamilyEnsemble(members(), columns, stack_weight=0.0).fit(X, y)
    assert pool.stacker_ is None and stacked.stacker_ is not None
    assert stacked.decision_function(X).shape == (80, 2)
    for model in (stacked, pool):
        proba = model.predict_proba(X)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert (model.classes_[proba.argmax(axis=1)] == y).mean() > 0.75
    stacked.stack_weight = 0.0
    np.testing.assert_allclose(stacked.predict_proba(X), pool.predict_proba(X))
    with pytest.raises(ConfigError, match="stack_weight"):
        FamilyEnsemble(members(), columns, stack_weight=1.5).fit(X, y)


@pytest.mark.slow
def test_the_ensemble_refuses_a_calibration_it_does_not_apply(c50_small):
    """The family ensemble scales its members by temperature; asking for sigmoid must not be
    silently ignored. With ``ensemble=None`` the single calibrated SVM takes it."""
    texts, authors, test, _ = c50_small
    with pytest.raises(ConfigError, match="ensemble=None"):
        AuthorClassifier(method="svm", calibration="sigmoid", open_set=False).fit(texts, authors)
    single = AuthorClassifier(method="svm", calibration="sigmoid", ensemble=None, open_set=False).fit(texts, authors)
    np.testing.assert_allclose(single.predict_proba(test[:3]).sum(axis=1), 1.0)


def test_open_set_score_is_the_gap_between_the_best_two_margins():
    from attribution.attribute.classifier import open_set_scores

    class Fixed:
        def decision_function(self, X):
            return np.array([[0.5, -0.2, 0.1], [-0.9, -1.0, -0.95]])

    np.testing.assert_allclose(open_set_scores(Fixed(), None), [0.4, 0.05])


def test_threshold_holds_out_the_latest_texts_when_given_an_order():
    rng = np.random.default_rng(0)
    y = np.repeat(["a", "b", "c", "d"], 10)
    X = rng.normal(size=(40, 5)) + np.repeat(np.eye(4, 5) * 3, 10, axis=0)
    info = learn_unknown_threshold(make_estimator("cosine_delta"), X, y, order=np.arange(40))
    assert info["held_out_docs"] == "latest" and np.isfinite(info["threshold"])
    assert learn_unknown_threshold(make_estimator("cosine_delta"), X, y)["held_out_docs"] == "random"
    with pytest.raises(ValueError, match="order has 3 values"):
        learn_unknown_threshold(make_estimator("cosine_delta"), X, y, order=[1, 2, 3])


def test_threshold_is_learned_on_held_out_authors(fitted_svm):
    info = fitted_svm.open_set_
    assert np.isfinite(info["threshold"]) and info["score"] == "decision_gap"
    assert info["n_unknown_scored"] > 0 and info["n_known_scored"] > 0
    assert info["inner_balanced"] > 0.5


@pytest.mark.slow
def test_withheld_author_is_mostly_unknown(c50_small, data_dir):
    from attribution.attribute.classifier import document_number
    from attribution.corpus import load_corpus

    texts, authors, test, y_test = c50_small
    train = load_corpus("c50-train", data_dir=data_dir).dataset
    number = {text: document_number(doc_id) for text, doc_id in zip(train["text"], train["id"])}
    keep = authors != authors[-1]
    fit_texts = [t for t, k in zip(texts, keep) if k]
    order = [number[t] for t in fit_texts]
    outsider = y_test == authors[-1]
    known_accuracy = {}
    for rule in ("known_rejection", "balanced"):
        model = AuthorClassifier(method="svm", n_rounds=2, threshold_rule=rule).fit(
            fit_texts, authors[keep], order=order
        )
        labels = model.predict_open(test)
        assert model.open_set_["rule"] == rule
        assert (labels[outsider] == UNKNOWN).mean() >= 0.5
        known_accuracy[rule] = (labels[~outsider] == y_test[~outsider]).mean()
    # test/ texts are later than train/ and score lower: the balanced rule answers "unknown" for
    # over half the known authors' texts here; the known-rejection rule keeps most of them.
    assert known_accuracy["known_rejection"] >= 0.6
    assert known_accuracy["known_rejection"] > known_accuracy["balanced"]


def test_known_rejection_rule_sets_the_inner_cost_to_known_authors():
    rng = np.random.default_rng(1)
    y = np.repeat(["a", "b", "c", "d", "e", "f"], 20)
    X = rng.normal(size=(120, 8)) + np.repeat(np.eye(6, 8) * 2, 20, axis=0)
    estimator = make_estimator("cosine_delta")
    info = learn_unknown_threshold(estimator, X, y, holdout_docs=0.5, known_rejection=0.25)
    assert info["rule"] == "known_rejection" and info["known_rejection"] == 0.25
    # a quarter of the correctly attributed held-out known texts fall below the threshold
    assert info["inner_known_accuracy"] == pytest.approx(0.75 * info["inner_closed_accuracy"], abs=0.05)
    curve = info["inner_curve"]
    assert [point["known_rejection"] for point in curve] == [0.05, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert np.all(np.diff([point["threshold"] for point in curve]) >= 0)
    assert np.all(np.diff([point["inner_unknown_recall"] for point in curve]) >= 0)
    assert np.all(np.diff([point["inner_known_accuracy"] for point in curve]) <= 0)
    balanced = learn_unknown_threshold(estimator, X, y, holdout_docs=0.5, rule="balanced")
    assert balanced["rule"] == "balanced" and balanced["known_rejection"] is None
    with pytest.raises(ConfigError, match="threshold rule 'median' is unknown"):
        learn_unknown_threshold(estimator, X, y, rule="median")
    with pytest.raises(ConfigError, match="known_rejection must be in"):
        learn_unknown_threshold(estimator, X, y, known_rejection=1.0)


def test_row_order_prefers_timestamps_then_reuters_numbers():
    from datetime import datetime, timezone

    from attribution.attribute.classifier import row_order

    stamps = [datetime(2020, 1, 2, tzinfo=timezone.utc), datetime(2019, 5, 1, tzinfo=timezone.utc)]
    order, source = row_order(["a/1newsML.txt", "b"], stamps)
    assert source == "timestamp" and order[0] > order[1]
    order, source = row_order(["train/X/106247newsML.txt", "train/X/99newsML.txt"], [None, None])
    assert source == "document_number" and list(order) == [106247, 99]
    assert row_order(["federalist-01", "train/X/99newsML.txt"], [None, stamps[0]]) == (None, "random")


def test_rank_lists_candidates_in_order(fitted_svm, c50_small):
    ranked = fitted_svm.rank(*fitted_svm.score_matrix(fitted_svm.transform_texts(c50_small[2][:2])), top=3)
    for row in ranked:
        probs = [c["probability"] for c in row["candidates"]]
        assert probs == sorted(probs, reverse=True) and len(probs) == 3
        assert row["unknown"] == (row["prediction"] == UNKNOWN)


def test_bad_method_and_too_few_authors_fail_clearly():
    with pytest.raises(ConfigError, match="method 'forest' is unknown"):
        make_estimator("forest")
    with pytest.raises(InsufficientEvidenceError, match="at least 3 training authors"):
        learn_unknown_threshold(make_estimator("delta"), np.ones((4, 2)), ["a", "a", "b", "b"])


def test_calibration_measures():
    classes = np.array(["a", "b"])
    proba = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert expected_calibration_error(proba, ["a", "b"], classes) == pytest.approx(0.0)
    assert brier_score(proba, ["a", "b"], classes) == pytest.approx(0.0)
    assert brier_score(proba, ["b", "a"], classes) == pytest.approx(2.0)
    assert expected_calibration_error(np.array([[0.9, 0.1]]), ["b"], classes) == pytest.approx(0.9)


def test_open_set_tradeoff_counts_rejected_unknowns_and_accepted_correct_knowns():
    from attribution.attribute.classifier import open_set_tradeoff

    known_scores = np.array([0.9, 0.5, 0.1, 0.7])
    known_correct = np.array([True, True, True, False])
    unknown_scores = np.array([0.2, 0.6, 0.05])
    # threshold 0.4: unknowns 0.2 and 0.05 rejected; knowns 0.9 and 0.5 accepted and right
    assert open_set_tradeoff(known_scores, known_correct, unknown_scores, 0.4) == (2 / 3, 0.5)
    assert open_set_tradeoff(known_scores, known_correct, [], 0.4) == (0.0, 0.5)
