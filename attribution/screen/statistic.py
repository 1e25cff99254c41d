"""The cheap per-account screen statistic: is one account's stream a mixture of writers?

An account's posts, in time order, are cut into units of ``UNIT_POSTS`` consecutive posts. Each
unit is two blocks: its hashed character 2-4-gram counts over the calibration's most common
columns (sublinear, idf-weighted, unit length) and its UTC hour-of-day histogram (unit length,
weight ``TIME_WEIGHT``). The statistic is the share of the units' centred variance on
the leading principal axis: one writer spreads the variance over many axes, two writers put the
difference of their means on one. Its null is measured at each number of units on single IRA
accounts of the reference side (``attribution.screen.calibration``), so its false-positive rate
is known. (A block of posting habits, shares of posts with links, mentions, hashtags, was tried
and dropped: single accounts change habits over time, and it halved the recall of merged pairs.)
k-hint: 1 + the leading axes whose share of the variance left is above the null's 95%
quantile at that rank, stopping at the first that is not.

Cost per account: hashing at most ``MAX_UNITS * UNIT_POSTS`` posts (about 8,000 posts/s on one
core here) and one eigen-decomposition of a Gram matrix of
at most ``MAX_UNITS`` units.

To use another statistic, keep the signature of ``screen_statistic`` and the keys it returns;
``attribution.screen.account`` only reads those keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

if TYPE_CHECKING:
    from attribution.screen.calibration import Calibration

NAME = "char-split.v1"
DESCRIPTION = "leading-axis variance share of 20-post units (char 2-4-grams, posting hour)"
#: Consecutive posts per unit: one tweet (about 13 words) is too short to carry a style.
UNIT_POSTS = 20
#: Fewer units than this give no p-value.
MIN_UNITS = 6
#: At most this many units (drawn at random, seeded) enter the statistic: bounds the cost.
MAX_UNITS = 30
#: Leading axes examined for the k-hint.
K_MAX = 5
#: Weight of the posting-hour block next to the unit-length text block.
TIME_WEIGHT = 0.5
N_FEATURES = 2**18

_HASHER = HashingVectorizer(
    analyzer="char_wb", ngram_range=(2, 4), n_features=N_FEATURES, alternate_sign=False, norm=None, lowercase=False
)


def unit_rows(n_posts: int) -> np.ndarray:
    """(n_units, UNIT_POSTS) post positions of each unit; a remainder shorter than a unit is left out."""
    n_units = n_posts // UNIT_POSTS
    return np.arange(n_units * UNIT_POSTS).reshape(n_units, UNIT_POSTS)


def ordered_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts sorted by time (stable; posts without a time last)."""
    return posts.sort_values("timestamp", kind="stable", na_position="last").reset_index(drop=True)


def unit_counts(texts: list[str], units: np.ndarray) -> sparse.csr_matrix:
    """Summed hashed n-gram counts of each unit's posts; (n_units, N_FEATURES)."""
    flat = units.ravel()
    counts = _HASHER.transform([texts[i] for i in flat])
    n_units = len(units)
    join = sparse.csr_matrix(
        (np.ones(len(flat)), (np.repeat(np.arange(n_units), units.shape[1]), np.arange(len(flat)))),
        shape=(n_units, len(flat)),
    )
    return (join @ counts).tocsr()


def text_vectors(counts: sparse.csr_matrix, idf: np.ndarray, columns: np.ndarray) -> sparse.csr_matrix:
    """Sublinear, idf-weighted rows over ``columns``, unit length."""
    weighted = counts[:, columns].astype(np.float64)
    weighted.data = np.log1p(weighted.data)
    return normalize(weighted @ sparse.diags(idf[columns]), norm="l2").tocsr()


def hour_vectors(hours: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Unit-length histograms of each unit's UTC posting hours (-1 = no time); (n_units, 24)."""
    out = np.zeros((len(units), 24))
    for row, members in enumerate(units):
        known = hours[members]
        known = known[known >= 0]
        out[row] = np.bincount(known, minlength=24)
    return normalize(out, norm="l2")


def unit_gram(text: sparse.csr_matrix, hours: np.ndarray) -> np.ndarray:
    """Inner products of the joined unit vectors [text, TIME_WEIGHT * hours]."""
    return (text @ text.T).toarray() + TIME_WEIGHT**2 * (hours @ hours.T)


def variance_shares(gram: np.ndarray, k_max: int = K_MAX) -> np.ndarray:
    """Share of the variance left carried by each leading axis of the centred Gram matrix; (k_max,)."""
    n = len(gram)
    centring = np.eye(n) - 1.0 / n
    values = np.linalg.eigvalsh(centring @ gram @ centring)[::-1]
    values = np.maximum(values, 0.0)
    left = np.cumsum(values[::-1])[::-1]
    shares = np.divide(values, left, out=np.zeros_like(values), where=left > 1e-12)
    out = np.zeros(k_max)
    out[: min(k_max, n)] = shares[:k_max]
    return out


def post_hours(timestamps: pd.Series) -> np.ndarray:
    """UTC hour of each post, -1 where the time is missing."""
    stamps = pd.to_datetime(timestamps, utc=True)
    return stamps.dt.hour.fillna(-1).astype(int).to_numpy()


def unit_blocks(posts: pd.DataFrame, units: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """(n-gram counts, hour histograms) of the units of time-ordered ``posts``."""
    return unit_counts(posts["text"].tolist(), units), hour_vectors(post_hours(posts["timestamp"]), units)


def screen_statistic(
    posts: pd.DataFrame, *, calibration: Calibration, random_state: int | Sequence[int] | np.random.Generator = 0
) -> dict:
    """The screen statistic of one account's posts (``text``, ``timestamp``), its p-value and k-hint.

    Returns ``{"statistic_name", "statistic", "p_value", "k_hint", "n_units", "status", "style"}``;
    ``style`` is the account's style vector (for the coordination graph) or ``None``.
    """
    rng = np.random.default_rng(random_state)
    posts = ordered_posts(posts)
    units = unit_rows(len(posts))
    result = {"statistic_name": NAME, "statistic": None, "p_value": None, "k_hint": None, "n_units": len(units)}
    if len(units) < MIN_UNITS:
        return {**result, "status": "insufficient_evidence", "style": None}
    if len(units) > MAX_UNITS:
        units = units[np.sort(rng.choice(len(units), MAX_UNITS, replace=False))]
    counts, hours = unit_blocks(posts, units)
    text = text_vectors(counts, calibration.idf, calibration.style_columns)
    shares = variance_shares(unit_gram(text, hours))
    return {
        **result,
        "n_units": len(units),
        "status": "ok",
        "statistic": float(shares[0]),
        "p_value": calibration.p_value(len(units), float(shares[0])),
        "k_hint": calibration.k_hint(len(units), shares),
        "style": calibration.style_vector(text),
    }
