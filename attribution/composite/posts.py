"""One byline's posts through the per-post writer model: units, fits for k = 1..K, labels per post."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from attribution.composite.sessions import sessions, time_bins
from attribution.composite.writer_model import (
    ModelSettings,
    StyleVariances,
    Units,
    WriterFit,
    WriterMixture,
    fit_writers,
    make_units,
)

#: Posts further apart than this (minutes) start a new session.
SESSION_GAP_MINUTES = 20.0
K_MAX = 4
#: A kind's mean is shrunk towards the byline's as if it had this many more posts at the byline
#: mean, so a kind seen once or twice is not centred onto itself.
KIND_POOLING = 5.0


def within_kind(vectors: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Each post's style vector minus the (shrunk) mean of its kind of post in this byline.

    The kind of post (link share, reply, hashtag game) is the strongest structure in a stream and
    every writer shares it, so left in it splits single writers by kind; within their kind the
    posts still differ by writer (``docs/decisions.md``, stop 28).
    """
    out = np.array(vectors, dtype=float, copy=True)
    if not len(out):
        return out
    overall = out.mean(axis=0)
    for kind in np.unique(kinds):
        members = kinds == kind
        count = members.sum()
        out[members] -= (count * out[members].mean(axis=0) + KIND_POOLING * overall) / (count + KIND_POOLING)
    return out


@dataclass
class PostAnalysis:
    """What the writer model says of one byline under one view."""

    view: str
    fit: WriterFit
    unit_of_post: np.ndarray
    units: Units

    @property
    def n_units(self) -> int:
        return self.units.n_units

    @property
    def gain(self) -> float:
        return self.fit.gain()

    def post_labels(self, k: int) -> np.ndarray:
        """Each post's writer under the best partition into ``k`` writers."""
        return self.fit.labels[min(k, len(self.fit.labels)) - 1][self.unit_of_post]


def analyse_posts(
    vectors: np.ndarray,
    timestamps: Sequence | pd.Series,
    variances: StyleVariances,
    kinds: np.ndarray,
    *,
    view: str = "both",
    gap_minutes: float = SESSION_GAP_MINUTES,
    k_max: int = K_MAX,
    seed: int = 0,
    settings: ModelSettings | None = None,
) -> PostAnalysis:
    """Fit the writer model to posts already placed in the style space (``vectors``, time order),
    compared within their kinds (``features.short_text.post_kinds``).

    The style view alone ignores time entirely (every post is its own unit); the behaviour and
    joint views pool posts into sessions and read the sessions' posting-time bins.
    """
    times = pd.Series(timestamps).reset_index(drop=True)
    if view == "style" or times.isna().all():
        unit_of_post = np.arange(len(vectors))
    else:
        unit_of_post = sessions(times, gap_minutes)
    kinds = np.asarray(kinds)
    units = make_units(within_kind(vectors, kinds), unit_of_post, time_bins(times), kinds, variances)
    model = WriterMixture(units, variances, view=view, settings=settings)
    return PostAnalysis(view=view, fit=fit_writers(model, k_max, seed), unit_of_post=unit_of_post, units=units)
