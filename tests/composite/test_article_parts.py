"""The composite test's small parts: p-values, clustering, rolling windows, operators, benches."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.bench.composite import make_byline, shares_to_counts
from attribution.composite import cluster
from attribution.composite.null import p_value
from attribution.composite.operators import explained_test
from attribution.composite.rolling import rolling_classify, smooth_labels, text_windows


def test_p_value_is_never_zero_and_counts_ties():
    null = np.array([1.0, 2.0, 3.0, 4.0])
    assert p_value(10.0, null) == pytest.approx(1 / 5)
    assert p_value(2.0, null) == pytest.approx(4 / 5)
    assert p_value(-1.0, null) == 1.0


def test_choose_k_finds_two_well_separated_groups():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1], [6, 4])
    distances = np.where(labels[:, None] == labels[None, :], 0.9, 1.0) + rng.normal(0, 0.005, (10, 10))
    distances = (distances + distances.T) / 2
    np.fill_diagonal(distances, 0.0)
    model = {"within_mean": 0.9, "within_sd": 0.02, "between_mean": 1.0, "between_sd": 0.02}
    k, found, _ = cluster.choose_k(distances, model, k_max=5)
    assert k == 2
    assert (found == labels).all()
    assert cluster.llr_gain(distances, model, 5) > 0


def test_cluster_confidence_flags_the_unstable_document():
    labels = np.array([0, 0, 0, 1, 1])
    together = np.ones((5, 5))
    together[2, :2] = together[:2, 2] = 0.3
    confidence = cluster.cluster_confidence(labels, together)
    assert confidence[2] == pytest.approx(0.3)
    assert confidence[0] == pytest.approx(0.65)


def test_shares_to_counts_keeps_every_author_and_the_total():
    counts = shares_to_counts(np.array([0.9, 0.05, 0.05]), 10)
    assert counts.sum() == 10 and (counts >= 1).all()


def test_synthetic_byline_keeps_operator_references_apart():
    pool = {f"a{i}": np.arange(i * 100, i * 100 + 60) for i in range(10)}
    byline = make_byline(pool, 30, 3, np.random.default_rng(1))
    assert len(byline["rows"]) == 30
    assert len(set(byline["authors"])) == 3
    assert not set(byline["rows"]) & set(byline["reference_rows"])
    assert len(set(byline["reference_authors"])) == 8
    assert byline["distractor_rows"] == []
    negative = make_byline(pool, 20, 1, np.random.default_rng(2))
    assert len(set(negative["distractor_authors"])) == 8
    assert not set(negative["distractor_authors"]) & set(negative["authors"])
    assert not set(negative["rows"]) & set(negative["distractor_rows"])


def test_consecutive_bylines_take_a_run_of_each_writers_rows():
    pool = {f"a{i}": np.arange(i * 100, i * 100 + 60) for i in range(10)}
    byline = make_byline(pool, 30, 3, np.random.default_rng(1), consecutive=True)
    rows, authors = np.asarray(byline["rows"]), np.asarray(byline["authors"])
    for author in set(authors):
        mine = rows[authors == author]
        assert (np.diff(mine) == 1).all()  # one run, in order
    assert not set(byline["rows"]) & set(byline["reference_rows"])


def test_rolling_reports_a_change_of_writer():
    text = " ".join(["alpha"] * 600 + ["omega"] * 600)

    def score(windows):
        share = np.array([w.split().count("alpha") / len(w.split()) for w in windows])
        return np.column_stack([share, 1 - share])

    view = rolling_classify(text, score, ["A", "B"], window=200, step=100)
    assert [c["from"] for c in view["change_points"]] == ["A"]
    assert [c["to"] for c in view["change_points"]] == ["B"]
    assert 400 <= view["change_points"][0]["token"] <= 600
    assert len(text_windows("short text", 200, 100)) == 1


def test_smoothing_ignores_one_stray_window():
    assert smooth_labels([0, 0, 1, 0, 0, 1, 1, 1], 2).tolist() == [0, 0, 0, 0, 0, 1, 1, 1]


def test_explained_test_counts_documents_no_operator_fits():
    conformal = np.array([[0.5, 0.01], [0.01, 0.02], [0.01, 0.03], [0.2, 0.9]])
    p, unexplained = explained_test(conformal, 0.05)
    assert unexplained == 2
    assert 0 < p < 0.05
    assert explained_test(conformal[[0, 3]], 0.05) == (1.0, 0)


def test_single_operator_test_rejects_a_split_and_keeps_one_operator():
    from attribution.composite.shares import single_operator_test

    counts = np.array([[39.0, 1.0], [2.0, 38.0]])
    one_writer = single_operator_test(np.array([28, 2]), counts, ["A", "B"])
    assert one_writer["p_value"] > 0.05  # two strays out of 30 are within A's error rate
    split = single_operator_test(np.array([15, 15]), counts, ["A", "B"])
    assert split["p_value"] < 0.001
    assert split["per_operator"]["A"]["documents_to_others"] == 15


def test_single_operator_test_is_conservative_when_an_operator_has_few_references():
    from attribution.composite.shares import single_operator_test

    # Two of five references misattributed: J's error rate is uncertain, so a 7-3 split is not rejected.
    result = single_operator_test(np.array([3, 7]), np.array([[50.0, 0.0], [2.0, 3.0]]), ["H", "J"])
    assert result["p_value"] > 0.05
    assert result["per_operator"]["J"]["reference_errors"] == "2/5"


def test_shares_find_the_operators_present_despite_confusion():
    from attribution.composite import shares

    # A is often read as B: documents given to B are explained by A, C's are not.
    confusion = shares.smoothed_confusion(np.array([[14.0, 6.0, 0.0], [1.0, 19.0, 0.0], [0.0, 0.0, 20.0]]))
    present, p_values = shares.operators_present(np.array([28, 12, 10]), confusion)
    assert present.tolist() == [True, False, True]
    assert p_values[2] < 0.001
    estimated = shares.estimate_shares(np.array([28, 12, 10]), confusion, present)
    assert estimated[0] == pytest.approx(0.8, abs=0.03)
    draws = shares.bootstrap_counts(np.array([28, 12, 10]), confusion, n_bootstrap=50)
    assert np.mean(draws == 2) > 0.5


def test_a_groups_examples_come_from_the_documents_that_show_its_features_most():
    """The report's examples are quoted from the group's most typical documents, not from its
    first one in byline order (a borderline document was quoted before)."""
    from attribution.composite.explain import distinguishing_features

    plain = "The council met on Monday and the members voted for the new budget of the city."
    weak = plain + " However, the plan was late. " + plain * 3
    strong = "However, the mayor spoke. However, he was brief. However, the vote passed upon review."
    others = [plain + " The vote was close and the hall was full." for _ in range(4)]
    texts = [weak, strong, *others]
    labels = np.array([0, 0, 1, 1, 1, 1])
    group = distinguishing_features(labels, texts, [f"d{i}" for i in range(len(texts))])[0]
    assert "mfw__however" in [row["feature"] for row in group["distinguishing_features"]]
    assert group["examples"][0]["document_id"] == "d1"
