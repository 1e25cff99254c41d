"""Each post's probability that it sits with its own writer, as measured on composites.

The writer model's own posterior for a post's label (one Gibbs step, every other unit's label
held) is near certainty for nearly every post, also where a split is no better than chance: it is
the model's belief, not a rate anyone measured. What a reader is shown instead is a logistic map
from what the model knows at run time (the number of writers, the share of the posts in the
post's cluster, the model's own log-odds) to how often such posts sat in the cluster matched to
their true writer, fitted on composites of the ``tune`` accounts built as ``bench interleaved``
builds them (``scripts/build_post_calibration.py``) and measured on ``test`` accounts by
``bench interleaved``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

FEATURES = ("model_log_odds", "cluster_share", "inverse_k")
#: The model's log-odds are clipped: beyond this its certainty carries no more information.
LOG_ODDS_CLIP = 10.0
CALIBRATION_FILE = "post_calibration.json"


def calibration_features(model_probability: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(posts, FEATURES) of one byline split into clusters ``labels``."""
    p = np.clip(np.asarray(model_probability, dtype=float), 1e-12, 1 - 1e-12)
    log_odds = np.clip(np.log(p) - np.log1p(-p), -LOG_ODDS_CLIP, LOG_ODDS_CLIP)
    _, index, counts = np.unique(labels, return_inverse=True, return_counts=True)
    share = counts[index] / len(labels)
    k = len(counts)
    return np.column_stack([log_odds, share, np.full(len(labels), 1.0 / k)])


@dataclass(frozen=True)
class PostCalibration:
    """A logistic map from ``FEATURES`` to the probability that a post sits with its own writer."""

    coef: np.ndarray
    intercept: float
    meta: dict = field(default_factory=dict)

    def probability(self, model_probability: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Each post's stated probability, from the model's belief and the clusters ``labels``."""
        if len(np.unique(labels)) <= 1:
            return np.ones(len(labels))  # one writer: every post is its
        return self.of_features(calibration_features(model_probability, labels))

    def of_features(self, features: np.ndarray) -> np.ndarray:
        """The map applied to rows of ``calibration_features``."""
        return 1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept)))

    def to_json(self) -> dict:
        return {"features": list(FEATURES), "coef": self.coef.tolist(), "intercept": self.intercept, "meta": self.meta}

    @classmethod
    def from_json(cls, data: dict) -> PostCalibration:
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"post calibration features {data['features']} are not {list(FEATURES)}")
        return cls(np.asarray(data["coef"], dtype=float), float(data["intercept"]), data.get("meta", {}))


def fit_post_calibration(features: np.ndarray, right: np.ndarray, meta: dict) -> PostCalibration:
    """Fit the map on development composites' posts (``right``: each post with its own writer)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0).fit(features, right.astype(int))
    return PostCalibration(model.coef_[0].copy(), float(model.intercept_[0]), meta)


@lru_cache(maxsize=1)
def shipped_post_calibration() -> PostCalibration:
    """The map that ships with the package (built at release time, like the tweet null)."""
    source = resources.files("attribution.composite") / "data" / CALIBRATION_FILE
    return PostCalibration.from_json(json.loads(source.read_text(encoding="utf-8")))


def measured_clause(section: dict | None, what: str) -> str:
    """What ``bench interleaved`` measured of stated confidences (``binary_reliability`` keys), as a
    sentence for the methods; says so when it was not measured."""
    if not section or not section.get("n"):
        return f" How it matches the rate on {what} was not measured for this release."
    return (
        f" On {what} (`attribution bench interleaved`) the stated confidence averaged "
        f"{section['mean_confidence']:.0%} where {section['rate_right']:.0%} sat with their own writer "
        f"(expected calibration error {section['ece']:.2f}; {section['n']:,} in {section['bylines']} bylines)."
    )
