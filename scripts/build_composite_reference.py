"""Build the composite test's shipped reference for tweets from the public IRA pool.

Fits the style space on the ``train`` accounts, measures its variances on the ``tune`` accounts,
and records the statistic's null: the writer model's gain on runs of consecutive posts of single
``tune`` accounts, for each view and a ladder of sizes. Writes
``attribution/composite/data/tweet_reference.npz`` and ``tweet_null.json`` (with date, commit and
counts). No ``test`` account is read.

Every eligible account gives the same number of runs, so a prolific account does not stand for
more of the null than a small one. Sizes a whole byline is compared with (up to 500 posts) get
1,000 runs: chunk p-values of long bylines are combined, and a coarse Monte-Carlo floor (1/101)
let one chunk above every draw cancel a significant one (``docs/decisions.md``, stop 27).
``--keep-space`` keeps the shipped style space (the projection) and re-measures its variances
and the null.

    python scripts/build_composite_reference.py --data ../shared/corpora [--keep-space]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.progress import track

from attribution.atomic import atomic_open
from attribution.bench.registry import provenance
from attribution.composite.calibration import style_distance, tweet_reference
from attribution.composite.pools import ira_posts
from attribution.composite.posts import SESSION_GAP_MINUTES, analyse_posts
from attribution.composite.sessions import posts_per_session, sessions
from attribution.composite.style_space import StyleSpace, measure_variances_within_kind
from attribution.composite.writer_model import VIEWS, StyleVariances
from attribution.features.short_text import post_kinds

OUT = Path(__file__).resolve().parents[1] / "attribution" / "composite" / "data"
SIZES = (100, 200, 500, 1000, 2000, 4000)
#: Runs per size: many where whole bylines and chunks are compared, fewer where few accounts reach.
DRAWS = {100: 1000, 200: 1000, 500: 1000, 1000: 200, 2000: 100, 4000: 100}
TRAIN_POSTS_PER_WRITER = 300
VARIANCE_POSTS_PER_WRITER = 600


def fit_space(posts: pd.DataFrame, seed: int, built_from: str) -> tuple[StyleSpace, dict[str, Any]]:
    """The style space, fitted on the ``train`` accounts, and how it was built."""
    train = posts[posts["part"] == "train"].groupby("writer").sample(frac=1.0, random_state=seed)
    train = train.groupby("writer").head(TRAIN_POSTS_PER_WRITER)
    logging.info("fitting the style space on %d posts of %d train accounts", len(train), train["writer"].nunique())
    space = StyleSpace(seed=seed).fit(train["text"].tolist(), train["writer"].to_numpy())
    meta = {
        "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": built_from,
        "source": "IRA persona accounts (FiveThirtyEight release), split by attribution.composite.pools",
        "train_accounts": int(train["writer"].nunique()),
        "train_posts": len(train),
        "tune_accounts": int(posts.loc[posts["part"] == "tune", "writer"].nunique()),
        "seed": seed,
    }
    return space, meta


def tune_variances(tune: pd.DataFrame, vectors: np.ndarray, kinds: np.ndarray) -> StyleVariances:
    """The space's within-writer, within-session and between-writer variances on the tune
    accounts' first posts, taken within their kind as the model takes them."""
    head = (tune.groupby("writer").cumcount() < VARIANCE_POSTS_PER_WRITER).to_numpy()
    session_ids = np.zeros(len(tune), dtype=np.int64)
    offset = 0
    for _, rows in tune.groupby("writer").indices.items():
        ids = sessions(tune["timestamp"].iloc[rows], 20.0)
        session_ids[rows] = ids + offset
        offset += int(ids.max()) + 1
    writers = tune["writer"].to_numpy()
    return measure_variances_within_kind(vectors[head], writers[head], session_ids[head], kinds[head])


def measure_null(
    tune: pd.DataFrame,
    rows_of: dict[str, np.ndarray],
    vectors: np.ndarray,
    kinds: np.ndarray,
    variances: StyleVariances,
    seed: int,
) -> tuple[dict[str, dict[str, list[float]]], dict[str, list[float]], dict[str, int]]:
    """Gains of runs of single tune accounts, ``{view: {size: gains}}``, each run's posts per
    session, ``{size: densities}`` (aligned run by run), and accounts per size. Each eligible
    account gives ``ceil(DRAWS[size] / accounts)`` runs at random starts."""
    rng = np.random.default_rng(seed)
    null: dict[str, dict[str, list[float]]] = {view: {} for view in VIEWS}
    densities: dict[str, list[float]] = {}
    writers_per_size = {}
    for size in SIZES:
        eligible = sorted(w for w, rows in rows_of.items() if len(rows) >= size)
        writers_per_size[str(size)] = len(eligible)
        if not eligible:
            continue
        runs = -(-DRAWS[size] // len(eligible))
        for writer in track(eligible, description=f"null n={size}", transient=True):
            rows = rows_of[writer]
            for _ in range(runs):
                start = int(rng.integers(len(rows) - size + 1))
                window = rows[start : start + size]
                density = posts_per_session(tune["timestamp"].iloc[window], SESSION_GAP_MINUTES)
                densities.setdefault(str(size), []).append(round(density, 4))
                for view in VIEWS:
                    analysis = analyse_posts(
                        vectors[window], tune["timestamp"].iloc[window], variances, kinds[window], view=view, seed=seed
                    )
                    null[view].setdefault(str(size), []).append(round(analysis.gain, 4))
    return null, densities, writers_per_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument(
        "--keep-space", action="store_true", help="keep the shipped style space; re-measure its variances and the null"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    built_from = provenance()["commit"] or "unknown"
    posts = ira_posts(args.data)
    tune = posts[posts["part"] == "tune"].reset_index(drop=True)
    if args.keep_space:
        space, _, space_meta = tweet_reference()
        logging.info("keeping the shipped style space (built %s)", space_meta["built"])
    else:
        space, space_meta = fit_space(posts, args.seed, built_from)
    vectors = space.transform(tune["text"].tolist())
    kinds = post_kinds(tune["text"].tolist())
    variances = tune_variances(tune, vectors, kinds)
    variances_built = {
        "variances_built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "variances_commit": built_from,
    }
    rows_of = tune.groupby("writer").indices
    typicality = sorted(round(float(style_distance(vectors[rows], variances)), 4) for rows in rows_of.values())
    null, densities, writers_per_size = measure_null(tune, rows_of, vectors, kinds, variances, args.seed)
    meta = {
        **{k: space_meta[k] for k in ("source", "train_accounts", "train_posts", "tune_accounts")},
        "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": built_from,
        "style_space_built": space_meta["built"],
        "style_space_commit": space_meta["commit"],
        **variances_built,
        "null_accounts_per_size": writers_per_size,
        "draws_per_size": {str(size): len(null[VIEWS[0]].get(str(size), [])) for size in SIZES},
        "seed": args.seed,
        "style_space_seed": space_meta["seed"],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    # Written with the null, so a failed run leaves the shipped pair as it was.
    space.save(OUT / "tweet_reference.npz", variances, {**space_meta, **variances_built})
    with atomic_open(OUT / "tweet_null.json") as handle:
        json.dump(
            {
                "meta": meta,
                "typicality": typicality,
                "null": null,
                "posts_per_session": densities,
            },
            handle,
            indent=1,
        )
    logging.info("wrote %s", OUT)


if __name__ == "__main__":
    main()
