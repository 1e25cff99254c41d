"""Topic-controlled pairs and retrieval: what the style bench counts."""

from __future__ import annotations

import numpy as np

from attribution.style.pairs import content_independence, controlled_pairs, pair_auc, retrieval_mrr
from attribution.style.similarity import combined_similarity, within_z

WRITERS = np.array([0, 0, 0, 1, 1, 1, 2, 2])
TOPICS = np.array([0, 1, 2, 0, 1, 2, 0, -1])


def test_controlled_pairs_are_same_writer_other_topic_or_other_writer_same_topic():
    pairs, same = controlled_pairs(WRITERS, TOPICS, seed=0)
    for (a, b), flag in zip(pairs, same):
        assert TOPICS[a] >= 0 and TOPICS[b] >= 0
        if flag:
            assert WRITERS[a] == WRITERS[b] and TOPICS[a] != TOPICS[b]
        else:
            assert WRITERS[a] != WRITERS[b] and TOPICS[a] == TOPICS[b]
    assert same.sum() == 6 and (1 - same).sum() == 5


def test_a_topic_similarity_scores_controlled_pairs_backwards_and_a_writer_similarity_forwards():
    pairs, same = controlled_pairs(WRITERS, TOPICS, seed=0)
    topic = (TOPICS[:, None] == TOPICS[None, :]).astype(float)
    writer = (WRITERS[:, None] == WRITERS[None, :]).astype(float)
    assert pair_auc(topic, pairs, same) == 0.0
    assert pair_auc(writer, pairs, same) == 1.0
    assert retrieval_mrr(writer, WRITERS, TOPICS, seed=0) == 1.0
    assert retrieval_mrr(topic, WRITERS, TOPICS, seed=0) < 0.5


def test_content_independence_and_the_mix():
    assert content_independence(0.5, 0.9) == 0.0 and content_independence(0.9, 0.9) == 1.0
    rng = np.random.default_rng(0)
    a, b = rng.random((5, 5)), rng.random((5, 5))
    np.testing.assert_allclose(combined_similarity(a, b, 1.0), within_z(b))
    np.testing.assert_allclose(combined_similarity(a, b, 0.0), within_z(a))


def test_episodes_are_runs_of_consecutive_posts_of_one_writer(data_dir):
    from attribution.style import corpus
    from attribution.style.train import episodes

    frame = corpus.tweets(data_dir, "tune")
    frame = frame[frame["writer"].isin(sorted(frame["writer"].unique())[:12])]
    frame = frame.sort_values(["writer", "timestamp"], kind="stable")
    frame = frame.assign(position=frame.groupby("writer").cumcount())
    sample = corpus.sample_runs_per_writer(frame, corpus.PER_WRITER["tweet"], seed=0)
    assert sample.equals(corpus.sample_runs_per_writer(frame, corpus.PER_WRITER["tweet"], seed=0))
    assert sample.groupby("writer").size().max() <= corpus.PER_WRITER["tweet"]
    made = episodes(sample, np.zeros((len(sample), 2)))
    assert len(made.texts) == len(sample) // corpus.RUN_POSTS
    for _, group in sample.groupby("writer"):
        for start in range(0, len(group), corpus.RUN_POSTS):
            run = group["position"].to_numpy()[start : start + corpus.RUN_POSTS]
            assert (np.diff(run) == 1).all(), "an episode is not a run of consecutive posts"
