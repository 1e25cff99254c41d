"""The resampled release (``screen.resample``) on a small real slice: seeded, real texts and time
stamps under new account ids, cached; the screen runs on it and joins each stream's copies."""

from __future__ import annotations

import itertools

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from attribution.screen import resample, screen_corpus

POSTS = 2_500


@pytest.fixture(scope="module")
def source(small_posts) -> pa.Table:
    return pa.Table.from_pandas(small_posts[["account", "text", "timestamp"]], preserve_index=False)


def _resampled(source: pa.Table, posts: int = POSTS, seed: int = 0) -> pd.DataFrame:
    return pa.concat_tables(resample.resample_streams(source, posts, seed=seed)).to_pandas()


def test_resampling_is_seeded_and_keeps_real_streams_under_new_ids(source, small_posts, monkeypatch):
    monkeypatch.setattr(resample, "CHUNK_POSTS", 400)  # several chunks
    made = _resampled(source)
    assert made.equals(_resampled(source))
    assert not made.equals(_resampled(source, seed=1))
    assert len(made) == POSTS and not set(made["account"]) & set(small_posts["account"])
    streams = {
        name: group[["text", "timestamp"]].reset_index(drop=True) for name, group in small_posts.groupby("account")
    }
    copied = 0
    for _, group in made.groupby("account", sort=False):
        rows = group[["text", "timestamp"]].reset_index(drop=True)
        # Each new account is one real account's stream (the last one cut to fit): its texts, its times, its order.
        assert any(s.iloc[: len(rows)].equals(rows) for s in streams.values())
        copied += 1
    assert copied > len(streams)  # streams are copied more than once


def test_the_resampled_release_is_built_once_and_cached(source, tmp_path, monkeypatch):
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "cache"))
    real = tmp_path / "real.parquet"
    pq.write_table(source.rename_columns(["author", "content", "publish_date"]), real)
    path = resample.resampled_release(real, 1_000, seed=3)
    built = path.stat().st_mtime_ns
    assert resample.resampled_release(real, 1_000, seed=3) == path and path.stat().st_mtime_ns == built
    assert resample.resampled_release(real, 1_000, seed=4) != path
    table = pq.read_table(path)
    assert table.num_rows == 1_000 and table.column_names == ["account", "text", "timestamp"]


def test_the_screen_joins_copies_of_one_stream(source, calibration, tmp_path):
    posts = _resampled(source, posts=4_000, seed=2)
    posts["timestamp"] = pd.to_datetime(posts["timestamp"], utc=True)
    summary = screen_corpus(posts, tmp_path / "out", calibration, full_tests=False, collapse_copies=True)
    assert summary["accounts"] == posts["account"].nunique() and summary["graph"]["copy_groups"] < len(posts)
    members = pd.read_parquet(tmp_path / "out" / "clusters.parquet")
    together = {
        tuple(sorted(p)) for _, g in members.groupby("cluster") for p in itertools.combinations(g["account"], 2)
    }
    # Two copies of one stream long enough to carry near duplicates are in one cluster.
    first = posts.groupby("account", sort=False)["text"].first()
    twins = [tuple(sorted(g.index)) for _, g in first.groupby(first) if len(g) > 1]
    big = posts["account"].value_counts()
    twins = [t for t in twins if min(big[a] for a in t) >= 100]
    assert twins and all(set(itertools.combinations(t, 2)) <= together for t in twins)
