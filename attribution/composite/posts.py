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
    *,
    view: str = "both",
    gap_minutes: float = SESSION_GAP_MINUTES,
    k_max: int = K_MAX,
    seed: int = 0,
    settings: ModelSettings | None = None,
) -> PostAnalysis:
    """Fit the writer model to posts already placed in the style space (``vectors``, time order).

    The style view alone ignores time entirely (every post is its own unit); the behaviour and
    joint views pool posts into sessions and read the sessions' posting-time bins.
    """
    times = pd.Series(timestamps).reset_index(drop=True)
    if view == "style" or times.isna().all():
        unit_of_post = np.arange(len(vectors))
    else:
        unit_of_post = sessions(times, gap_minutes)
    units = make_units(vectors, unit_of_post, time_bins(times), variances)
    model = WriterMixture(units, variances, view=view, settings=settings)
    return PostAnalysis(view=view, fit=fit_writers(model, k_max, seed), unit_of_post=unit_of_post, units=units)
