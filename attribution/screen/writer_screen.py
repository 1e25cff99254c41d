"""The screen's second statistic: the composite test's own per-post writer model on one window.

The cheap statistic (``screen.statistic``) groups posts into 20-post units and misses writers who
alternate post by post; on the whole release it flagged 1 of 31 planted composites while the full
test found 20 (``docs/results/screen-units-only.json`` of 2026-12-06). This one runs the full
test's per-post model (``composite.posts.analyse_posts``, style and posting behaviour joined) on
a window of consecutive posts, as long as the largest of ``SIZES`` the account fills, and places
its gain in a null of its own: windows of that size of single reference accounts,
``screen.calibration.N_WRITER_DRAWS`` per size: its window sizes are
not all the composite test's, and when it was built the shipped null had 100 draws a size (p-values
stopping at 0.0099, too coarse for a screen at 0.01 combined with a second statistic). It skips the full test's k distribution,
rolling view and report, which is why it costs about 0.1 s an account here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from attribution.composite.calibration import tweet_reference
from attribution.composite.posts import analyse_posts
from attribution.features.short_text import post_kinds

if TYPE_CHECKING:
    from attribution.screen.calibration import Calibration

NAME = "writer-model.v4"  # v4: posts compared within their kind of post
#: Window sizes of the statistic and its null: fewer posts than the smallest give no writer
#: p-value; the largest bounds the cost of large accounts.
SIZES = (100, 200, 400, 600)
VIEW = "both"


def window(
    posts: pd.DataFrame, random_state: int | Sequence[int] | np.random.Generator = 0, sizes: Sequence[int] = SIZES
) -> pd.DataFrame | None:
    """Consecutive time-stamped posts in time order, as many as the largest of ``sizes`` the
    account fills (a seeded window); None when it fills none."""
    stamps = pd.to_datetime(posts["timestamp"], utc=True)
    ordered = posts.assign(timestamp=stamps)[stamps.notna()].sort_values("timestamp", kind="stable")
    fitting = [int(size) for size in sizes if size <= len(ordered)]
    if not fitting:
        return None
    size = max(fitting)
    if len(ordered) > size:
        start = int(np.random.default_rng(random_state).integers(len(ordered) - size + 1))
        ordered = ordered.iloc[start : start + size]
    return ordered


def writer_gain(posts: pd.DataFrame) -> float:
    """The per-post model's gain (evidence for more than one writer) on time-ordered posts."""
    space, variances, _ = tweet_reference()
    texts = posts["text"].tolist()
    vectors = space.transform(texts)
    times = posts["timestamp"].reset_index(drop=True)
    return float(analyse_posts(vectors, times, variances, post_kinds(texts), view=VIEW).gain)


def writer_model_p(posts: pd.DataFrame, calibration: Calibration, *, random_state: int | Sequence[int] = 0) -> dict:
    """``{"writer_gain", "writer_p_value"}`` of one account's posts (``text``, ``timestamp``).

    None below the smallest null size. The window is the largest null size the account fills,
    so the gain is compared with windows of its own size.
    """
    chosen = window(posts, random_state, calibration.writer_sizes.tolist())
    if chosen is None:
        return {"writer_gain": None, "writer_p_value": None}
    gain = writer_gain(chosen)
    return {"writer_gain": gain, "writer_p_value": calibration.writer_p_value(len(chosen), gain)}


def combined_p(p_values: list[float | None]) -> float | None:
    """Bonferroni over the statistics that could be computed: ``min(1, m * min p)``; None if none."""
    known = [p for p in p_values if p is not None]
    return min(1.0, len(known) * min(known)) if known else None
