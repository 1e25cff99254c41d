"""Per-post probabilities of a tweet byline's writers: the model's belief mapped to measured rates."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.bench import interleaved
from attribution.bench.scores import binary_reliability
from attribution.composite.calibration import tweet_reference
from attribution.composite.interleave import matched_right
from attribution.composite.pools import ira_posts
from attribution.composite.post_confidence import (
    FEATURES,
    PostCalibration,
    calibration_features,
    shipped_post_calibration,
)
from attribution.composite.posts import analyse_posts
from attribution.composite.tweets import model_confidence, writers_view
from attribution.composite.writer_model import VIEWS
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


def test_matched_right_counts_unmatched_clusters_as_wrong():
    truth = np.array(["a", "a", "a", "b", "b"])
    assert list(matched_right(truth, np.array([0, 0, 1, 2, 2]))) == [True, True, False, True, True]


def test_the_shipped_map_was_built_on_tune_accounts_only():
    meta = shipped_post_calibration().meta
    assert "tune" in meta["source"] and "test" not in meta["source"]
    assert meta["composites"] >= 50 and meta["posts"] >= 10_000
    # On the posts it was fitted on, the map states the rate it saw.
    assert abs(meta["calibrated_in_sample"]["mean_confidence"] - meta["right"]) < 0.02


@pytest.mark.slow
def test_stated_probabilities_match_rates_on_held_out_composites(data_dir):
    """On composites of held-out (test) accounts, built as the bench builds them, the probability a
    reader is shown is near the rate at which posts sit with their own writer; the model's own
    belief is far above it."""
    posts = ira_posts(data_dir)
    composites = [b for b in interleaved.build_bylines(posts[posts["part"] == "test"], seed=3) if b.k > 1]
    space, variances, _ = tweet_reference()
    stated, belief, right = [], [], []
    for byline in [b for b in composites if len(b.posts) == 200][:8]:
        texts = byline.posts["text"].tolist()
        vectors, kinds = space.transform(texts), post_kinds(texts)
        analyses = {v: analyse_posts(vectors, byline.posts["timestamp"], variances, kinds, view=v) for v in VIEWS}
        writers = writers_view(analyses)
        labels = writers.post_labels(byline.k)
        model = model_confidence(writers, byline.k)
        belief.append(model)
        stated.append(shipped_post_calibration().probability(model, labels))
        right.append(matched_right(byline.posts["writer"].to_numpy(), labels))
    shipped = binary_reliability(np.concatenate(stated), np.concatenate(right))
    model = binary_reliability(np.concatenate(belief), np.concatenate(right))
    assert abs(shipped["mean_confidence"] - shipped["rate_right"]) < 0.1
    assert shipped["brier"] < model["brier"] and shipped["ece"] < model["ece"]
