"""``bench interleaved`` builds its bylines the way real ones arise, from held-out writers only."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.bench import interleaved, interleaved_articles
from attribution.composite.calibration import NullComparison
from attribution.composite.interleave import writer_streams
from attribution.composite.pools import ira_posts
from attribution.composite.tweets import read_views

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def test_posts(data_dir):
    posts = ira_posts(data_dir)
    return posts[posts["part"] == "test"]


def test_tweet_composites_keep_real_clocks_and_alternate(test_posts):
    bylines = interleaved.build_bylines(test_posts, seed=0)
    composites = [b for b in bylines if b.k > 1]
    assert len(bylines) >= 150 and len(composites) >= 80
    stamps = set(zip(test_posts["writer"], test_posts["timestamp"]))
    categories = test_posts.groupby("writer")["category"].first()
    for byline in composites[:10]:
        posts = byline.posts
        # Every post is its writer's, at its real time; writers of one category only.
        assert all((w, t) in stamps for w, t in zip(posts["writer"], posts["timestamp"]))
        assert categories[byline.writers].nunique() == 1
        assert posts["timestamp"].is_monotonic_increasing
        # Alternating, not blocks: the writer changes many times along the byline.
        changes = int((posts["writer"] != posts["writer"].shift()).sum())
        assert changes > 0.2 * min(posts["writer"].value_counts())
        assert 0.09 <= min(byline.shares) <= 0.51


def test_extra_negatives_leave_the_plans_bylines_as_they_were(test_posts, monkeypatch):
    """The added single-account negatives come from a stream of their own: the composites and the
    first negatives of each size are the ones earlier runs measured."""

    def key(byline):
        posts = byline.posts
        return tuple(byline.writers), len(posts), posts["timestamp"].iloc[0], posts["timestamp"].iloc[-1]

    full = [key(b) for b in interleaved.build_bylines(test_posts, seed=0)]
    monkeypatch.setattr(interleaved, "EXTRA_NEGATIVES", dict.fromkeys(interleaved.SIZES, 0))
    plan = [key(b) for b in interleaved.build_bylines(test_posts, seed=0)]
    extras = list(full)
    for byline in plan:
        extras.remove(byline)  # raises if a byline of the plan is missing
    assert len(extras) == len(full) - len(plan) > 0
    assert all(len(writers) == 1 for writers, *_ in extras)
    # The plan's bylines keep their order (a subsequence: an extra run may repeat one of them).
    rest = iter(full)
    assert all(any(k == other for other in rest) for k in plan)


def test_c50_staff_bylines_use_held_out_writers_on_real_clocks(test_posts, data_dir):
    articles = interleaved_articles.c50_held_out(data_dir)
    from attribution.composite.reference import c50_split
    from attribution.corpus import load_corpus

    reference, _ = c50_split(load_corpus("c50", data_dir=data_dir).dataset["author"])
    assert not set(articles["writer"]) & set(reference)
    bylines = interleaved_articles.build_staff_bylines(test_posts, articles, seed=0)
    sizes = {n: sum(len(b) == n for b in bylines) for n in interleaved_articles.SIZES}
    assert all(count >= 30 for count in sizes.values())
    real_times = set(test_posts["timestamp"])
    for byline in bylines[:10] + bylines[-10:]:
        assert byline["id"].is_unique and byline["timestamp"].is_monotonic_increasing
        assert set(byline["timestamp"]) <= real_times


def test_c50_rows_run_the_users_path(test_posts, data_dir, monkeypatch):
    """Two bylines scored through load_corpus + test_composite: a composite of two writers is found."""
    monkeypatch.setattr(interleaved_articles, "PER_SIZE", {30: (1, 0), 60: (0, 1)})
    section = interleaved_articles.c50_section(test_posts, data_dir, interleaved.summarise, alpha=0.05, seed=0)
    assert section["n"] == 2 and section["n_composite"] == 1
    assert section["by_size"]["60"]["tpr"] == 1.0
    assert section["by_size"]["60"]["post_purity"] > 0.6
    assert np.isfinite(section["fpr"])
    # The interval over k comes from the user's path too (subsamples run), checked on the detected composite.
    assert section["k_interval"]["detected_composites"] == 1
    assert section["k_interval"]["coverage"] in (0.0, 1.0)
    # The documents' stated confidence is read from the result the user gets, on the detected composite.
    confidence = section["document_confidence"]
    assert confidence["bylines"] == 1 and confidence["n"] == 60
    assert confidence["rate_right"] == pytest.approx(section["by_size"]["60"]["post_purity"], abs=1e-4)


def test_the_construction_control_thins_one_accounts_run_as_composites_are(test_posts):
    streams = writer_streams(test_posts)
    controls = interleaved._thinned_singles(streams, 200, 6, np.random.default_rng(3))
    assert len(controls) == 6
    for byline in controls:
        posts = byline.posts
        assert byline.k == 1 and len(posts) == 200 and posts["timestamp"].is_monotonic_increasing
        stream = streams[byline.writers[0]]
        first, last = (int(np.flatnonzero(stream["timestamp"] == t)[0]) for t in posts["timestamp"].iloc[[0, -1]])
        # Drawn from a longer run of consecutive posts: the account's own posts left out in between.
        low, high = interleaved.THINNED_KEEP
        assert 200 / high * 0.8 <= last - first + 1 <= 200 / low + 1


def test_the_bench_decides_as_the_cli_does(test_posts):
    """The headline ("both") is the CLI's decision: the three views' p-values read together
    (``read_views``); the joint model's own p stays beside it for comparison."""
    from attribution.composite.calibration import tweet_reference

    streams = writer_streams(test_posts)
    byline = interleaved._singles(streams, 200, 1, np.random.default_rng(5))[0]
    space, variances, _ = tweet_reference()
    row = interleaved._score(byline, space.transform(byline.posts["text"].tolist()), variances, seed=0)
    views = {view: NullComparison(row[view]["p"], 200, 0, 0.0, None) for view in ("style", "behaviour")}
    views["both"] = NullComparison(row["joint_model"]["p"], 200, 0, 0.0, None)
    assert row["both"]["p"] == read_views(views, byline.posts["timestamp"]).p_value
    assert row["both"]["gain"] == row["joint_model"]["gain"] and 0 < row["joint_model"]["p"] <= 1


def test_whole_stream_composites_keep_every_post_of_their_window(test_posts):
    composites = interleaved.whole_stream_composites(test_posts, 1000, 3, seed=0)
    assert len(composites) == 3
    streams = writer_streams(test_posts)
    categories = test_posts.groupby("writer")["category"].first()
    for byline in composites:
        posts = byline.posts
        assert len(posts) == 1000 and posts["timestamp"].is_monotonic_increasing and min(byline.shares) >= 0.1
        assert categories[byline.writers].nunique() == 1
        first, last = posts["timestamp"].iloc[[0, -1]]
        for writer in byline.writers:
            stream = streams[writer]
            inside = stream[(stream["timestamp"] > first) & (stream["timestamp"] < last)]
            # No writer thinned: every post it made strictly inside the window is in the byline
            # (counted, so a repeated text cannot stand in for a missing post).
            kept = posts.loc[posts["writer"] == writer, "text"].value_counts()
            made = inside["text"].value_counts()
            assert (made <= kept.reindex(made.index, fill_value=0)).all()
