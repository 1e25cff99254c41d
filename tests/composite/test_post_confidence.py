"""Per-post probabilities of a tweet byline's writers: the model's belief mapped to measured rates."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.bench import interleaved
from attribution.bench.scores import binary_reliability, pooled_reliability
from attribution.composite.calibration import tweet_reference
from attribution.composite.interleave import matched_right, post_purity
from attribution.composite.pools import ira_posts
from attribution.composite.post_confidence import (
    FEATURES,
    PostCalibration,
    calibration_features,
    measured_clause,
    shipped_post_calibration,
)
from attribution.composite.tweets import _confidence_method, fit_views, post_writers, writers_view
from attribution.features.short_text import post_kinds


def test_features_read_the_belief_the_clusters_share_and_k():
    labels = np.array([0, 0, 0, 1])
    features = calibration_features(np.array([0.5, 1.0, 0.0, 0.9]), labels)
    assert features.shape == (4, len(FEATURES))
    assert features[0, 0] == 0 and features[1, 0] == 10 and features[2, 0] == -10  # clipped log-odds
    assert list(features[:, 1]) == [0.75, 0.75, 0.75, 0.25] and set(features[:, 2]) == {0.5}


def test_one_writer_leaves_every_post_certain_and_a_stale_map_is_refused():
    calibration = PostCalibration(np.zeros(3), -5.0)
    assert list(calibration.probability(np.full(3, 0.2), np.zeros(3, dtype=int))) == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="features"):
        PostCalibration.from_json({"features": ["other"], "coef": [1.0], "intercept": 0.0})


def test_matched_right_pairs_writers_and_clusters_one_to_one():
    truth = np.array(["a", "a", "a", "b", "b"])
    # More clusters than writers: the unmatched cluster's post is wrong.
    assert list(matched_right(truth, np.array([7, 7, 1, 3, 3]))) == [True, True, False, True, True]
    # Fewer clusters than writers: the writer left without a cluster has every post wrong.
    assert list(matched_right(truth, np.zeros(5, dtype=int))) == [True, True, True, False, False]
    assert post_purity(truth, np.array([7, 7, 1, 3, 3])) == 0.8


def test_reliability_pools_posts_and_bins_the_gap():
    result = binary_reliability(np.array([0.9, 0.9, 0.1, 0.1]), np.array([True, False, False, False]))
    assert result["mean_confidence"] == 0.5 and result["rate_right"] == 0.25
    # Bin 0.9: stated 0.9, right 0.5; bin 0.1: stated 0.1, right 0: ECE = 0.5 x 0.4 + 0.5 x 0.1.
    assert result["ece"] == pytest.approx(0.25) and result["brier"] == pytest.approx((0.01 + 0.81 + 0.01 + 0.01) / 4)
    pooled = pooled_reliability([(np.array([0.9, 0.9]), np.array([True, False])), (np.array([0.1]), np.array([False]))])
    assert pooled["bylines"] == 2 and pooled["n"] == 3
    assert pooled_reliability([]) == {"bylines": 0, "n": 0}


def test_the_methods_sentence_quotes_the_measured_size_and_never_a_foreign_null():
    section = {"n": 4000, "bylines": 9, "mean_confidence": 0.52, "rate_right": 0.49, "ece": 0.06}
    shipped = {"post_confidence": {"by_size": {"200": {"chosen_k": {"shipped": section}}}}}
    text = _confidence_method(shipped, {"posts": "200"}, shipped_null=True)
    assert "(200 posts, at the k the test chose)" in text and "averaged 52% where 49%" in text
    assert "assumes the byline is a composite" in text
    foreign = _confidence_method(shipped, None, shipped_null=False)
    assert "52%" not in foreign and "a reference of your own was not measured" in foreign
    assert "not measured" in measured_clause(None, "x")


def test_the_shipped_map_was_built_on_tune_accounts_only(data_dir):
    meta = shipped_post_calibration().meta
    posts = ira_posts(data_dir)
    part = posts.groupby("writer")["part"].first()
    assert len(meta["accounts"]) >= 20 and set(part[meta["accounts"]]) == {"tune"}
    assert meta["composites"] >= 50 and meta["posts"] >= 10_000


@pytest.mark.slow
def test_stated_probabilities_match_rates_on_held_out_composites(data_dir):
    """On composites of held-out (test) accounts, built as the bench builds them, the probability a
    reader is shown is near the rate at which posts sit with their own writer, and no worse than
    stating that rate for every post; the model's own belief is far above it."""
    posts = ira_posts(data_dir)
    composites = [b for b in interleaved.build_bylines(posts[posts["part"] == "test"], seed=3) if b.k > 1]
    space, _, _ = tweet_reference()
    stated, belief, right = [], [], []
    for byline in [b for b in composites if len(b.posts) == 200][:8]:
        texts = byline.posts["text"].tolist()
        writers = writers_view(fit_views(space.transform(texts), byline.posts["timestamp"], post_kinds(texts), 0))
        split = post_writers(writers, byline.k)
        belief.append(split.belief)
        stated.append(split.stated)
        right.append(matched_right(byline.posts["writer"].to_numpy(), split.labels))
    shipped = binary_reliability(np.concatenate(stated), np.concatenate(right))
    model = binary_reliability(np.concatenate(belief), np.concatenate(right))
    rate = shipped["rate_right"]
    assert abs(shipped["mean_confidence"] - rate) < 0.1 and shipped["ece"] < 0.12
    assert shipped["brier"] <= rate * (1 - rate) + 0.02
    assert model["mean_confidence"] - rate > 0.2
