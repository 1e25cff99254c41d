"""The shipped tweet reference: the style space and the null of the writer model's gain.

Both are built from the public IRA pool at release time by
``scripts/build_composite_reference.py`` and ship inside the package, so the test runs on a user's
file with no data folder. A byline's gain is compared with the gains of single ``tune`` accounts
of the nearest measured size at or above its own (the gain grows with size, so this errs towards
"one writer"); a byline larger than every measured size is outside what was measured, and the
answer says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from attribution.composite.style_space import StyleSpace
from attribution.composite.writer_model import StyleVariances


@lru_cache(maxsize=1)
def tweet_reference() -> tuple[StyleSpace, StyleVariances, dict]:
    """The shipped style space for posts, its variances and how it was built."""
    with resources.as_file(resources.files("attribution.composite") / "data" / "tweet_reference.npz") as path:
        return StyleSpace.load(path)


@lru_cache(maxsize=1)
def tweet_null() -> dict:
    """``{"meta": …, "null": {view: {size: sorted gains}}}`` of single tune accounts."""
    text = (resources.files("attribution.composite") / "data" / "tweet_null.json").read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class NullComparison:
    """A gain placed in the null of its size."""

    p_value: float
    size_used: int
    n_null: int
    quantile_95: float
    outside: str | None  # why the byline lies outside what was measured, if it does


def compare_to_null(gain: float, n_posts: int, view: str) -> NullComparison:
    """Monte-Carlo p-value (+1 corrected) of ``gain`` for a byline of ``n_posts`` posts."""
    table = tweet_null()["null"][view]
    sizes = sorted(int(s) for s in table)
    above = [s for s in sizes if s >= n_posts]
    size = above[0] if above else sizes[-1]
    values = np.asarray(table[str(size)], dtype=float)
    outside = None
    if not above:
        outside = f"the byline has {n_posts} posts; the null was measured up to {sizes[-1]}, so its p-value is approximate"
    p = float((1 + np.sum(values >= gain)) / (1 + len(values)))
    return NullComparison(p_value=p, size_used=size, n_null=len(values), quantile_95=float(np.quantile(values, 0.95)), outside=outside)
