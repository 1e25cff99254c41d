"""``bench senators`` joins two real offices on their real clocks, from senators outside the reference."""

from __future__ import annotations

import pytest

from attribution.bench import senators

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def posts(data_dir):
    return senators.senate_posts(data_dir)


def test_composites_join_two_test_senators_on_their_real_clocks(posts):
    reference, test = senators.split_senators(posts, seed=0)
    assert not set(reference) & set(test) and len(reference) >= 40
    bylines = senators.build_bylines(posts, test, seed=0)
    composites = [b for b in bylines if b["writer"].nunique() > 1]
    assert len(composites) == senators.COMPOSITES and len(bylines) - len(composites) == senators.SINGLES
    stamps = set(zip(posts["writer"], posts["timestamp"], posts["text"]))
    for byline in composites[:5]:
        assert set(byline["writer"]) <= set(test) and byline["writer"].nunique() == 2
        assert all(row in stamps for row in zip(byline["writer"], byline["timestamp"], byline["text"]))
        assert byline["writer"].value_counts().min() >= senators.MIN_EACH
        assert byline["timestamp"].is_monotonic_increasing
        # The offices alternate along the byline, not in two blocks.
        assert (byline["writer"] != byline["writer"].shift()).sum() > 10


def test_span_matched_singles_are_one_senator_over_the_pairs_period(posts):
    _, test = senators.split_senators(posts, seed=0)
    pair = next(b for b in senators.build_bylines(posts, test, seed=0) if b["writer"].nunique() > 1)
    alone = senators.span_matched(pair)
    assert alone["writer"].nunique() == 1
    assert alone["writer"].iloc[0] == pair["writer"].value_counts().idxmax()
    assert len(alone) == pair["writer"].value_counts().max()
    assert pair["timestamp"].min() <= alone["timestamp"].min() and alone["timestamp"].max() <= pair["timestamp"].max()
