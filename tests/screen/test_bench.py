"""``bench screen`` on a handful of accounts: the keys of the issue, identity across paths, planted truth counted."""

from __future__ import annotations

import pytest

from attribution.bench.screen import bench_corpus, run


def test_bench_corpus_plants_composites_from_held_out_accounts(data_dir):
    posts, truth = bench_corpus(data_dir, seed=0, max_accounts=12)
    assert posts["account"].nunique() == 12
    assert len(truth["composites"]) == 2 and set(truth["composites"]) <= set(posts["account"])
    assert not set(truth["singles"]) & set(truth["composites"])
    merged = posts[posts["account"] == truth["composites"][0]]
    assert len(merged) % 2 == 0 and len(merged) >= 120
    assert all(set(g) <= set(posts["account"]) for g in truth["groups"])


@pytest.mark.slow
def test_screen_bench_keys_without_the_cascade(data_dir):
    result = run(data_dir, max_accounts=12, cascade=False)
    for key in (
        "accounts",
        "posts",
        "seconds",
        "posts_per_second",
        "speedup_2_workers",
        "peak_rss_mb_per_worker",
        "identical_to_single_process",
        "flagged",
        "fully_tested",
        "composite_recall_screen",
        "composite_fpr_screen",
        "coordination_precision",
        "coordination_recall",
    ):
        assert key in result
    assert result["accounts"] == 12
    assert result["identical_to_single_process"] is True
    assert result["peak_rss_mb_per_worker"] > 0
    assert result["fully_tested"] is None
    assert 0 <= result["coordination_recall"] <= 1


def test_max_accounts_is_refused_by_a_bench_without_accounts(data_dir):
    from click.testing import CliRunner

    from attribution.cli import main

    result = CliRunner().invoke(main, ["bench", "federalist", "--data", str(data_dir), "--max-accounts", "10"])
    assert result.exit_code == 2
    assert "does not take --max-accounts" in result.output


def test_the_full_tests_false_positives_are_read_by_the_composite_tests_own_split(data_dir):
    """A screen single the composite test fitted its style space on is not a held-out negative
    for it: the rate is given per split, accounts outside the persona pools on their own."""
    from attribution.bench.screen import _fpr_by_split
    from attribution.composite.pools import ira_posts

    part = ira_posts(data_dir).groupby("writer")["part"].first()
    test, train = sorted(part[part == "test"].index)[:2], sorted(part[part == "train"].index)[:1]
    singles = [*test, *train, "BizGod"]  # a Commercial account: in no persona pool
    level = {test[0]: "composite", test[1]: "single", train[0]: "composite", "BizGod": "single"}
    by_split = _fpr_by_split(singles, level, str(data_dir))
    assert by_split == {
        "outside": {"n": 1, "fpr": 0.0},
        "test": {"n": 2, "fpr": 0.5},
        "train": {"n": 1, "fpr": 1.0},
    }
