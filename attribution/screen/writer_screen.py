"""The screen's second statistic: the composite test's own per-post writer model on one window.

The cheap statistic (``screen.statistic``) groups posts into 20-post units and misses writers who
alternate post by post; on the whole release it flagged 1 of 31 planted composites while the full
test found 20 (``docs/results/screen.json`` of 2026-12-06). This one runs the full test's
per-post model (``composite.posts.analyse_posts``, style and posting behaviour joined) on a
window of at most ``MAX_POSTS`` consecutive posts and places its gain in the shipped null of
single tune accounts (``composite.calibration.compare_to_null``). It skips the full test's
k distribution, rolling view and report, which is why it costs about 0.1 s an account here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from attribution.composite.calibration import compare_to_null, tweet_reference
from attribution.composite.posts import analyse_posts

NAME = "writer-model.v1"
#: Posts the null starts at; fewer give no writer p-value.
MIN_POSTS = 100
#: Consecutive posts read per account (a seeded window): bounds the cost of large accounts.
MAX_POSTS = 600
VIEW = "both"


def writer_model_p(posts: pd.DataFrame, *, random_state: int | Sequence[int] = 0) -> dict:
    """``{"writer_gain", "writer_p_value"}`` of one account's posts (``text``, ``timestamp``).

    Both are None below ``MIN_POSTS`` time-stamped posts. Above ``MAX_POSTS`` a window of
    consecutive posts is drawn (seeded), so sessions stay whole.
    """
    stamps = pd.to_datetime(posts["timestamp"], utc=True)
    ordered = posts.assign(timestamp=stamps)[stamps.notna()].sort_values("timestamp", kind="stable")
    if len(ordered) < MIN_POSTS:
        return {"writer_gain": None, "writer_p_value": None}
    if len(ordered) > MAX_POSTS:
        start = int(np.random.default_rng(random_state).integers(len(ordered) - MAX_POSTS + 1))
        ordered = ordered.iloc[start : start + MAX_POSTS]
    space, variances, _ = tweet_reference()
    vectors = space.transform(ordered["text"].tolist())
    analysis = analyse_posts(vectors, ordered["timestamp"].reset_index(drop=True), variances, view=VIEW)
    null = compare_to_null(analysis.gain, len(ordered), VIEW)
    return {"writer_gain": float(analysis.gain), "writer_p_value": float(null.p_value)}
