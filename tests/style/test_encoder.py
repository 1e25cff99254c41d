"""The shipped style encoder: offline, deterministic, cached, and what training does on real posts."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.features.style_backbone import StyleBackbone
from attribution.features.style_encoder import SHIPPED, StyleEncoder, load_head

pytestmark = pytest.mark.slow

POSTS = [
    "Can't believe what they did at the rally today!!! #MAGA",
    "Proud to stand with our veterans at the Capitol this morning.",
    "the media won't tell you this, share before it gets deleted",
]


def test_shipped_encoder_loads_offline_from_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    head = load_head()
    assert (SHIPPED / "head.npz").is_file() and head.card["version"] >= 1
    vectors = StyleEncoder(cache_dir=str(tmp_path)).encode(POSTS)
    assert vectors.shape == (3, head.dimension)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_encoding_is_deterministic_and_the_cache_returns_the_same_vectors(tmp_path):
    fresh = StyleEncoder(use_cache=False).encode(POSTS)
    again = StyleEncoder(use_cache=False).encode(POSTS)
    np.testing.assert_array_equal(fresh, again)
    first = StyleEncoder(cache_dir=str(tmp_path)).encode(POSTS)
    cached = StyleEncoder(cache_dir=str(tmp_path)).encode(POSTS)
    np.testing.assert_array_equal(first, cached)
    np.testing.assert_array_equal(first, fresh)


def test_posts_joined_one_per_line_are_the_mean_of_their_lines(tmp_path):
    backbone = StyleBackbone(cache_dir=str(tmp_path))
    lines = backbone.states(POSTS)
    joined = StyleBackbone(line_breaks=True, cache_dir=str(tmp_path)).states(["\n".join(POSTS)])
    np.testing.assert_allclose(joined[0], lines.mean(axis=0), rtol=1e-6)


def test_long_texts_are_read_in_windows_not_cut_at_the_first():
    backbone = StyleBackbone(use_cache=False)
    opening = "The committee met on Tuesday and agreed the budget. " * 30
    ending = "lol no way!!! u serious?? " * 60
    assert not np.allclose(backbone.states([opening + ending])[0], backbone.states([opening])[0], atol=1e-3)


def test_the_style_family_builds_in_a_union(tmp_path):
    from attribution.features import build_features

    union = build_features({"name": "t", "families": {"style": {"cache_dir": str(tmp_path)}}})
    matrix = union.fit_transform(POSTS)
    assert matrix.shape == (3, load_head().dimension)
    assert union.get_feature_names_out()[0] == "style__style_000"


def test_a_short_training_run_on_real_posts_lowers_the_held_out_loss(data_dir):
    from attribution.style import corpus
    from attribution.style.topics import topic_labels
    from attribution.style.train import GenreSet, _head, _net, contrastive_loss, fit_head

    def genre(part: str, writers: int) -> dict[str, GenreSet]:
        frame = corpus.tweets(data_dir, part)
        chosen = sorted(frame["writer"].unique())[:writers]
        frame = corpus.sample_per_writer(frame[frame["writer"].isin(chosen)], 15, seed=0)
        texts = frame["text"].tolist()
        codes = np.unique(frame["writer"].to_numpy(), return_inverse=True)[1]
        return {"tweet": GenreSet(texts, StyleBackbone().states(texts), codes, topic_labels(texts, docs_per_topic=10))}

    train, tune = genre("train", 100), genre("tune", 40)
    states = train["tweet"].states
    mean, scale = states.mean(axis=0), np.maximum(states.std(axis=0), 1e-6)
    untrained = _head(_net(states.shape[1], 0).eval(), mean, scale, {})
    trained, history = fit_head(train, tune, seed=0, steps=300)
    assert contrastive_loss(trained, tune, seed=0) < contrastive_loss(untrained, tune, seed=0) - 0.05
    assert history and all("tweet" in h["tune_auc"] for h in history)
