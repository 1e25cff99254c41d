"""Composite bylines built the way real ones arise: real streams merged on their real clocks.

k writers of one category are chosen; a time window inside the period all of them were active
is grown from a random start until each writer has posted its share; each writer's posts in the
window keep their real time stamps (the majority writers' are thinned at random to their share),
so the writers alternate post by post on the same days as they did. A single-writer byline of
the same size is a run of one writer's consecutive posts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The smallest writer's share of a composite byline is drawn uniformly in this range.
MINORITY_SHARES = (0.1, 0.5)


def writer_shares(k: int, rng: np.random.Generator) -> np.ndarray:
    """Writers' shares: the smallest drawn uniformly in ``MINORITY_SHARES``, the rest split evenly."""
    low, high = MINORITY_SHARES
    minority = rng.uniform(low, min(high, 1.0 / k))
    return np.concatenate([[minority], np.full(k - 1, (1.0 - minority) / (k - 1))])


@dataclass
class Byline:
    """One benchmark byline: its posts (time-ordered) and the truth."""

    posts: pd.DataFrame  # text, timestamp, writer
    writers: list[str]
    shares: list[float]

    @property
    def k(self) -> int:
        return len(self.writers)


def writer_streams(posts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each writer's posts (``writer`` column), in the frame's order, by writer name."""
    return {w: g.reset_index(drop=True) for w, g in posts.groupby("writer", sort=True)}


def single_byline(stream: pd.DataFrame, n: int, rng: np.random.Generator) -> Byline | None:
    """A run of ``n`` consecutive posts of one writer (None when the writer has fewer)."""
    if len(stream) < n:
        return None
    start = int(rng.integers(len(stream) - n + 1))
    posts = stream.iloc[start : start + n][["text", "timestamp", "writer"]].reset_index(drop=True)
    return Byline(posts=posts, writers=[str(posts["writer"].iloc[0])], shares=[1.0])


def thinned_single_byline(stream: pd.DataFrame, n: int, keep: float, rng: np.random.Generator) -> Byline | None:
    """``n`` posts drawn at random from a run of ``n / keep`` consecutive posts of one writer: a
    single writer thinned as ``merged_byline`` thins the majority writers (None when too short)."""
    window = int(round(n / keep))
    run = single_byline(stream, window, rng)
    if run is None:
        return None
    run.posts = run.posts.iloc[np.sort(rng.choice(window, n, replace=False))].reset_index(drop=True)
    return run


def merged_byline(streams: list[pd.DataFrame], shares: np.ndarray, n: int, rng: np.random.Generator) -> Byline | None:
    """``n`` posts of several writers' real streams in one window; None when they cannot fill it."""
    counts = np.maximum(1, np.round(np.asarray(shares) * n).astype(int))
    counts[np.argmax(counts)] += n - counts.sum()
    starts = [s["timestamp"].iloc[0] for s in streams]
    ends = [s["timestamp"].iloc[-1] for s in streams]
    common_start, common_end = max(starts), min(ends)
    if common_start >= common_end:
        return None
    # Window start: a random post time of the least active writer inside the common period.
    times = [s["timestamp"][(s["timestamp"] >= common_start) & (s["timestamp"] <= common_end)] for s in streams]
    if any(len(t) < c for t, c in zip(times, counts)):
        return None
    anchor = times[int(np.argmin([len(t) / c for t, c in zip(times, counts)]))]
    for _ in range(5):
        start = anchor.iloc[int(rng.integers(max(1, len(anchor) - counts.min())))]
        ends_needed = []
        for t, c in zip(times, counts):
            after = t[t >= start]
            if len(after) < c:
                break
            ends_needed.append(after.iloc[c - 1])
        else:
            end = max(ends_needed)
            parts = []
            for stream, c in zip(streams, counts):
                inside = stream[(stream["timestamp"] >= start) & (stream["timestamp"] <= end)]
                pick = np.sort(rng.choice(len(inside), c, replace=False))
                parts.append(inside.iloc[pick][["text", "timestamp", "writer"]])
            posts = pd.concat(parts).sort_values("timestamp", kind="stable").reset_index(drop=True)
            return Byline(
                posts=posts,
                writers=[str(s["writer"].iloc[0]) for s in streams],
                shares=(counts / counts.sum()).round(4).tolist(),
            )
    return None


def whole_stream_byline(
    streams: list[pd.DataFrame], n: int, rng: np.random.Generator, min_share: float = 0.1, tries: int = 20
) -> Byline | None:
    """``n`` consecutive posts of several writers' streams merged whole over their common period:
    every post each writer made in the window, none left out (``merged_byline`` thins writers to
    set their shares); None when no window gives every writer ``min_share`` of the posts."""
    common_start = max(s["timestamp"].iloc[0] for s in streams)
    common_end = min(s["timestamp"].iloc[-1] for s in streams)
    merged = pd.concat(
        s[(s["timestamp"] >= common_start) & (s["timestamp"] <= common_end)][["text", "timestamp", "writer"]]
        for s in streams
    )
    merged = merged.sort_values("timestamp", kind="stable").reset_index(drop=True)
    if len(merged) < n:
        return None
    writers = [str(s["writer"].iloc[0]) for s in streams]
    for _ in range(tries):
        start = int(rng.integers(len(merged) - n + 1))
        posts = merged.iloc[start : start + n].reset_index(drop=True)
        shares = posts["writer"].value_counts(normalize=True).reindex(writers, fill_value=0.0)
        if shares.min() >= min_share:
            return Byline(posts=posts, writers=writers, shares=shares.round(4).tolist())
    return None


def matched_right(truth: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per post: is its cluster the one matched to its writer on the best one-to-one matching of
    writers to clusters (Hungarian)? Clusters left unmatched count as wrong."""
    from scipy.optimize import linear_sum_assignment

    _, t = np.unique(truth, return_inverse=True)
    _, c = np.unique(labels, return_inverse=True)
    table = np.zeros((t.max() + 1, c.max() + 1))
    np.add.at(table, (t, c), 1)
    rows, cols = linear_sum_assignment(-table)
    writer_of_cluster = np.full(table.shape[1], -1)
    writer_of_cluster[cols] = rows
    return writer_of_cluster[c] == t


def post_purity(truth: np.ndarray, labels: np.ndarray) -> float:
    """Share of posts on the best one-to-one matching of writers to clusters."""
    return float(matched_right(truth, labels).mean())
