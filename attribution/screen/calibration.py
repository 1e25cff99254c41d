"""Calibration of the screen statistic on single IRA accounts, built once and cached on disk.

Accounts: IRA persona accounts (NewsFeed excluded) with at least ``MIN_ACCOUNT_POSTS`` posts,
split by ``attribution.composite.reference.ira_split`` as the composite test splits them, so both
tests hold out the same accounts. The reference side gives the idf weights, the null of the
statistic at every number of units (``N_DRAWS`` single-account draws per size) and the style
threshold; the held-out side gives the measured false-positive rate. An IRA account may itself
be run by several staff, so "single-writer" is the best available approximation, and the
measured rate is what the screen does on such accounts.

Stored as ``calibration.json`` + ``arrays.npz`` (no pickle) under
``$ATTRIBUTION_CACHE/screen-calibration/<key>/``, the key hashing the corpus file and settings.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
from scipy import sparse

from attribution.atomic import atomic_open, write_text
from attribution.composite.calibration import tweet_reference
from attribution.composite.reference import ira_split
from attribution.corpora import resolve_data_dir
from attribution.features.cache import resolve_cache_dir
from attribution.screen import statistic as stat
from attribution.screen import writer_screen
from attribution.screen.writer_screen import NAME as WRITER_NAME
from attribution.screen.writer_screen import combined_p, writer_gain, writer_model_p
from attribution.screen.writer_screen import window as writer_window

log = logging.getLogger(__name__)

VERSION = 4
#: The composite test's reference eligibility (20 units of 20 posts): the same accounts held out.
MIN_ACCOUNT_POSTS = 400
#: Units kept per calibration account (drawn at random): bounds memory.
MAX_ACCOUNT_UNITS = 40
#: Null draws per number of units.
N_DRAWS = 500
#: Hashed n-gram columns kept: the most common in the reference units (style more than topic).
STYLE_COLUMNS = 2048
#: Share of same-account half pairs below the style threshold (the threshold's miss rate).
STYLE_MISS = 0.05
#: Significance level at which the false-positive rate is reported.
ALPHAS = (0.01, 0.05, 0.1)
#: Window sizes and draws of the writer model's null (``screen.writer_screen``).
WRITER_SIZES = writer_screen.SIZES
N_WRITER_DRAWS = 250


_ARRAYS = ("idf", "sizes", "null", "style_columns", "style_centre", "writer_sizes", "writer_null")


@dataclass
class Calibration:
    """What every screen task needs: idf weights, the null per number of units, style columns."""

    idf: np.ndarray
    sizes: np.ndarray
    null: np.ndarray  # (len(sizes), N_DRAWS, K_MAX) shares of the variance left, per rank
    style_columns: np.ndarray  # the hashed n-gram columns the statistic and style vectors use
    style_centre: np.ndarray  # mean reference unit text vector: removes what all accounts share
    style_threshold: float
    writer_sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    writer_null: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (len(writer_sizes), draws) gains
    info: dict = field(default_factory=dict)

    def _null_at(self, n_units: int) -> np.ndarray:
        index = int(np.clip(n_units, self.sizes[0], self.sizes[-1]) - self.sizes[0])
        return self.null[index]

    def p_value(self, n_units: int, value: float) -> float:
        """Upper-tail Monte-Carlo p-value (+1 correction) against single accounts with as many units."""
        null = self._null_at(n_units)[:, 0]
        return float((1 + np.sum(null >= value)) / (1 + len(null)))

    def writer_p_value(self, n_posts: int, gain: float) -> float:
        """Monte-Carlo p-value (+1) of a writer-model gain among single-account windows of the
        first size at or above ``n_posts`` (the largest for longer windows)."""
        above = np.flatnonzero(self.writer_sizes >= n_posts)
        null = self.writer_null[above[0] if len(above) else -1]
        return float((1 + np.sum(null >= gain)) / (1 + len(null)))

    def k_hint(self, n_units: int, shares: np.ndarray, quantile: float = 0.95) -> int:
        """1 + the leading axes above the null's ``quantile`` at their rank (stops at the first below)."""
        limits = np.quantile(self._null_at(n_units), quantile, axis=0)
        above = shares > limits
        return 1 + (int(np.argmin(above)) if not above.all() else len(above))

    def style_vector(self, text: sparse.csr_matrix) -> list[float]:
        """Unit-length mean of the units' text vectors, less the reference mean."""
        mean = np.asarray(text.mean(axis=0)).ravel() - self.style_centre
        norm = np.linalg.norm(mean)
        return (mean / norm if norm > 0 else mean).astype(np.float32).tolist()

    def save(self, folder: Path) -> None:
        """``arrays.npz`` then ``calibration.json`` (written last: its presence means complete)."""
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_open(folder / "arrays.npz", "wb", encoding=None) as handle:
            np.savez(handle, **{name: getattr(self, name) for name in _ARRAYS})
        write_text(
            folder / "calibration.json", json.dumps({"style_threshold": self.style_threshold, **self.info}, indent=1)
        )

    @classmethod
    def load(cls, folder: Path) -> Calibration:
        meta = json.loads((folder / "calibration.json").read_text())
        with np.load(folder / "arrays.npz", allow_pickle=False) as arrays:
            parts = {k: arrays[k] for k in _ARRAYS}
        threshold = meta.pop("style_threshold")
        return cls(**parts, style_threshold=threshold, info=meta)


def _settings() -> dict:
    return {
        "version": VERSION,
        "statistic": stat.NAME,
        "writer_statistic": WRITER_NAME,
        "writer_sizes": list(WRITER_SIZES),
        "alphas": list(ALPHAS),
        "writer_draws": N_WRITER_DRAWS,
        "writer_view": writer_screen.VIEW,
        # The shipped style space and variances the writer model reads: rebuilt ones need a new null.
        "writer_style_space": {
            k: tweet_reference()[2].get(k) for k in ("built", "commit", "variances_built", "variances_commit")
        },
        "unit_posts": stat.UNIT_POSTS,
        "min_units": stat.MIN_UNITS,
        "max_units": stat.MAX_UNITS,
        "time_weight": stat.TIME_WEIGHT,
        "min_account_posts": MIN_ACCOUNT_POSTS,
        "max_account_units": MAX_ACCOUNT_UNITS,
        "n_draws": N_DRAWS,
        "style_columns": STYLE_COLUMNS,
    }


def _ira_path(data_dir: str | Path | None) -> Path:
    return resolve_data_dir(data_dir, need="tweets") / "tweets" / "ira_english.parquet"


def calibration_key(data_dir: str | Path | None, seed: int) -> str:
    """SHA-256 of the IRA file's bytes, the settings and the seed."""
    digest = hashlib.sha256(_ira_path(data_dir).read_bytes())
    digest.update(json.dumps({**_settings(), "seed": seed}, sort_keys=True).encode())
    return digest.hexdigest()[:24]


def calibration_accounts(data_dir: str | Path | None) -> tuple[dict[str, pd.DataFrame], list[str], list[str]]:
    """(posts per eligible account, reference names, held-out names)."""
    table = pq.read_table(
        _ira_path(data_dir),
        columns=["author", "account_category", "content", "publish_date"],
        filters=pc.field("account_category") != "NewsFeed",
    )
    frame = table.to_pandas().rename(columns={"author": "account", "content": "text", "publish_date": "timestamp"})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    counts = frame["account"].value_counts()
    eligible = sorted(counts[counts >= MIN_ACCOUNT_POSTS].index)
    frame = frame[frame["account"].isin(eligible)]
    posts = {name: group[["text", "timestamp"]] for name, group in frame.groupby("account", sort=True)}
    reference, held_out = ira_split(eligible)
    return posts, reference, held_out


def _account_units(posts: pd.DataFrame, rng: np.random.Generator) -> tuple[sparse.csr_matrix, np.ndarray]:
    """(n-gram counts, hours) of at most ``MAX_ACCOUNT_UNITS`` random units of one account."""
    posts = stat.ordered_posts(posts)
    units = stat.unit_rows(len(posts))
    if len(units) > MAX_ACCOUNT_UNITS:
        units = units[np.sort(rng.choice(len(units), MAX_ACCOUNT_UNITS, replace=False))]
    return stat.unit_blocks(posts, units)


def _idf(counts: list[sparse.csr_matrix]) -> np.ndarray:
    """Smoothed idf over units (scikit-learn's formula)."""
    df = np.zeros(stat.N_FEATURES)
    n = 0
    for block in counts:
        df += np.bincount(block.indices, minlength=stat.N_FEATURES)
        n += block.shape[0]
    return (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)


def _null(grams: list[np.ndarray], sizes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Shares of the variance left over ``N_DRAWS`` single-account unit sets per size."""
    out = np.zeros((len(sizes), N_DRAWS, stat.K_MAX))
    for i, n in enumerate(sizes):
        eligible = [g for g in grams if len(g) >= n]
        for b in range(N_DRAWS):
            gram = eligible[rng.integers(len(eligible))]
            pick = rng.choice(len(gram), n, replace=False)
            out[i, b] = stat.variance_shares(gram[np.ix_(pick, pick)])
    return out


def _style_threshold(
    texts: list[sparse.csr_matrix], probe: Calibration, rng: np.random.Generator
) -> tuple[float, float]:
    """(threshold, between-account rate): same-account halves fall below it ``STYLE_MISS`` of the time."""
    halves, whole = [], []
    for text in texts:
        order = rng.permutation(text.shape[0])
        first, second = order[: len(order) // 2], order[len(order) // 2 :]
        halves.append(float(np.dot(probe.style_vector(text[first]), probe.style_vector(text[second]))))
        whole.append(probe.style_vector(text))
    threshold = float(np.quantile(halves, STYLE_MISS))
    vectors = np.asarray(whole)
    similarity = vectors @ vectors.T
    upper = similarity[np.triu_indices(len(vectors), 1)]
    return threshold, float(np.mean(upper >= threshold))


def _or_one(p: float | None) -> float:
    return 1.0 if p is None else float(p)


def _rates(p_values: np.ndarray) -> dict[str, float | None]:
    """Share of ``p_values`` at or below each of ``ALPHAS``."""
    return {str(a): round(float(np.mean(p_values <= a)), 4) if len(p_values) else None for a in ALPHAS}


def _pool_test_accounts(data_dir: str | Path | None) -> set[str]:
    from attribution.composite.pools import ira_posts

    frame = ira_posts(data_dir)
    return set(frame.loc[frame["part"] == "test", "writer"].unique())


def _writer_null(posts: dict[str, pd.DataFrame], reference: list[str], rng: np.random.Generator) -> np.ndarray:
    """Writer-model gains of random windows of single reference accounts, per window size."""
    out = np.zeros((len(WRITER_SIZES), N_WRITER_DRAWS))
    for i, size in enumerate(WRITER_SIZES):
        eligible = [name for name in reference if posts[name]["timestamp"].notna().sum() >= size]
        for b in range(N_WRITER_DRAWS):
            chosen = writer_window(posts[eligible[rng.integers(len(eligible))]], rng, sizes=(size,))
            assert chosen is not None  # eligible accounts fill the size
            out[i, b] = writer_gain(chosen)
    return out


def build_calibration(data_dir: str | Path | None, *, seed: int = 0) -> Calibration:
    """Fit idf, null and style threshold on the reference side; measure the FPR on the held-out side."""
    posts, reference, held_out = calibration_accounts(data_dir)
    rng = np.random.default_rng([seed, 23])
    log.info("screen calibration: %d reference and %d held-out IRA accounts", len(reference), len(held_out))
    parts = [_account_units(posts[name], rng) for name in reference]
    idf = _idf([counts for counts, _ in parts])
    df = np.bincount(np.concatenate([c.indices for c, _ in parts]), minlength=stat.N_FEATURES)
    columns = np.sort(np.argsort(-df, kind="stable")[:STYLE_COLUMNS])
    texts = [stat.text_vectors(counts, idf, columns) for counts, _ in parts]
    grams = [stat.unit_gram(text, hours) for text, (_, hours) in zip(texts, parts)]
    sizes = np.arange(stat.MIN_UNITS, stat.MAX_UNITS + 1)
    centre = np.asarray(sparse.vstack(texts).mean(axis=0)).ravel()
    calibration = Calibration(idf, sizes, _null(grams, sizes, rng).astype(np.float32), columns, centre, 0.0)
    calibration.style_threshold, between_rate = _style_threshold(texts, calibration, rng)
    log.info("screen calibration: writer-model null, %d windows", len(WRITER_SIZES) * N_WRITER_DRAWS)
    calibration.writer_sizes = np.asarray(WRITER_SIZES, dtype=np.int64)
    calibration.writer_null = _writer_null(posts, reference, rng)
    units_raw = [
        stat.screen_statistic(posts[name], calibration=calibration, random_state=[seed, 24, k])["p_value"]
        for k, name in enumerate(held_out)
    ]
    writer_raw = [
        writer_model_p(posts[name], calibration, random_state=[seed, 25, k])["writer_p_value"]
        for k, name in enumerate(held_out)
    ]
    joint = np.asarray([_or_one(combined_p([u, w])) for u, w in zip(units_raw, writer_raw)])
    units_p, writer_p = np.asarray([_or_one(u) for u in units_raw]), np.asarray([_or_one(w) for w in writer_raw])
    # The writer model's style space was fitted on the composite pools' train accounts (its
    # variances on tune ones): the rate is also given on held-out accounts of the pools' test side.
    test_accounts = _pool_test_accounts(data_dir)
    unseen = np.asarray([name in test_accounts for name in held_out])
    calibration.info = {
        "statistic": f"{stat.NAME} + {WRITER_NAME} (Bonferroni)",
        "description": f"{stat.DESCRIPTION}; per-post writer model, style and posting time joined",
        "settings": _settings(),
        "seed": seed,
        "reference_accounts": len(reference),
        "held_out_accounts": len(held_out),
        "measured_fpr": _rates(joint),
        "measured_fpr_units": _rates(units_p),
        "measured_fpr_writer_model": _rates(writer_p),
        "writer_model_unseen_accounts": int(unseen.sum()),
        "measured_fpr_unseen_by_writer_model": _rates(joint[unseen]),
        "style_same_account_miss_rate": STYLE_MISS,
        "style_between_account_rate": round(between_rate, 4),
    }
    return calibration


def load_calibration(data_dir: str | Path | None, *, seed: int = 0, cache_dir: str | Path | None = None) -> Calibration:
    """The calibration for this IRA file and seed: from the cache, else built and cached."""
    folder = resolve_cache_dir(cache_dir) / "screen-calibration" / calibration_key(data_dir, seed)
    if (folder / "calibration.json").exists():
        return Calibration.load(folder)
    calibration = build_calibration(data_dir, seed=seed)
    calibration.save(folder)
    log.info("screen calibration cached in %s", folder)
    return calibration
