"""``bench short_docs``: 20-excerpt collections of held-out C50 writers, BCubed scores."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from attribution.bench import short_docs
from attribution.bench.registry import BENCHES
from attribution.bench.scores import bcubed, bootstrap_mean, wilson
from attribution.cli import main
from attribution.composite import excerpts


def test_short_docs_is_a_registered_bench():
    assert BENCHES["short_docs"] == "attribution.bench.short_docs"
    result = CliRunner().invoke(main, ["bench", "--help"], terminal_width=400)
    assert "short_docs" in " ".join(result.output.split())


def test_bcubed_of_a_perfect_clustering_is_one_whatever_the_label_names():
    assert bcubed(["a", "a", "b", "c"], [7, 7, 3, 0]) == (1.0, 1.0, 1.0)


def test_bcubed_punishes_merging_in_precision_and_splitting_in_recall():
    truth = ["a", "a", "b", "b"]
    precision, recall, f = bcubed(truth, [0, 0, 0, 0])  # two writers merged
    assert (precision, recall) == (0.5, 1.0) and f == pytest.approx(2 / 3)
    precision, recall, f = bcubed(truth, [0, 1, 2, 3])  # each writer split
    assert (precision, recall) == (1.0, 0.5) and f == pytest.approx(2 / 3)
    # Uneven: a (3 items) kept whole with b's single item; per-item precision 3/4 x 3, 1/4.
    precision, recall, _ = bcubed(["a", "a", "a", "b"], [0, 0, 0, 0])
    assert precision == pytest.approx((3 * 0.75 + 0.25) / 4) and recall == 1.0


def test_bcubed_refuses_unequal_lengths():
    with pytest.raises(ValueError, match="equal-length"):
        bcubed(["a", "b"], [0])


def test_wilson_and_bootstrap_intervals_hold_the_estimate():
    low, high = wilson(0, 50)
    assert low == 0.0 and 0.05 < high < 0.09
    low, high = wilson(25, 50)
    assert low < 0.5 < high
    assert wilson(0, 0) is None
    low, high = bootstrap_mean([0.6, 0.7, 0.8, 0.9])
    assert low <= 0.75 <= high


def test_a_bootstrap_by_account_is_wider_when_an_account_gives_many_bylines():
    """Ten runs of one account that is always rejected and ten accounts never rejected: resampled
    by byline the rate looks pinned, resampled by account it can be anywhere from 0 to 0.9."""
    values = [1.0] * 10 + [0.0] * 10
    accounts = ["a"] * 10 + [f"b{i}" for i in range(10)]
    by_byline = bootstrap_mean(values)
    by_account = bootstrap_mean(values, groups=accounts)
    assert by_account[1] - by_account[0] > by_byline[1] - by_byline[0]
    assert by_account[0] == 0.0
    # One account alone cannot be resampled.
    assert bootstrap_mean([1.0, 0.0], groups=["a", "a"]) is None


def test_an_excerpt_is_a_contiguous_span_of_100_to_400_words():
    rng = np.random.default_rng(0)
    text = " ".join(f"w{i}" for i in range(1000))
    for _ in range(20):
        excerpt = excerpts.cut_excerpt(text, rng)
        assert excerpt is not None and excerpt in text
        assert excerpts.WORDS[0] <= len(excerpt.split()) <= excerpts.WORDS[1]
    assert excerpts.cut_excerpt("too short " * 40, rng) is None


def test_collections_have_20_distinct_excerpts_and_3_to_10_writers():
    pool = {f"w{i}": np.arange(100 * i, 100 * i + 100) for i in range(20)}
    plans = short_docs.plan_collections(pool, np.random.default_rng(0))
    assert sum(p["k"] == 1 for p in plans) == short_docs.N_SINGLES
    for plan in plans:
        assert len(plan["rows"]) == len(set(plan["rows"])) == short_docs.N_DOCS
        assert len(set(plan["authors"])) == plan["k"]
        assert plan["k"] == 1 or short_docs.K_RANGE[0] <= plan["k"] <= short_docs.K_RANGE[1]


@pytest.mark.slow
def test_a_small_run_scores_within_what_the_full_bench_measured(data_dir, monkeypatch):
    monkeypatch.setattr(short_docs, "N_SINGLES", 8)
    monkeypatch.setattr(short_docs, "N_COMPOSITES", 8)
    result = short_docs.run(data_dir, seed=0, other_nulls=False)
    assert (result["composites"], result["singles"]) == (8, 8)
    for key in ("exact_k", "bcubed_f", "fpr", "tpr", "auc"):
        assert 0.0 <= result[key] <= 1.0
        interval = result[f"{key}_ci"]
        assert interval[0] <= result[key] <= interval[1]
    # The full run (docs/results.md): bcubed_f about 0.7, fpr 0, auc about 1; wide tolerance for 16 collections.
    assert 0.5 <= result["bcubed_f"] <= 0.9
    assert result["fpr"] <= 0.25
    assert result["auc"] >= 0.85
    assert result["design"]["reference_writers"] == 30 and result["design"]["collection_writers"] == 20
    assert 200 <= result["design"]["words_median"] <= 300
