"""Posts and articles of the public corpora, by writer and split, for the style encoder.

The split is the product's one writer split (``composite.pools``): the encoder trains on
``train`` writers, chooses its epoch and its combination with character n-grams on ``tune``
writers, and every number of ``bench style`` comes from ``test`` writers. C50 articles are taken
from ``train/`` for training and tuning, ``test/`` for the bench. Senators' accounts (retweets
dropped) are split the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from attribution.composite.pools import c50_articles, ira_posts, split_names

#: Posts or articles drawn per writer (keeps training within an hour on 2 cores).
PER_WRITER = {"tweet": 40, "article": 20}
#: Posts are drawn as runs of this many consecutive posts, so that each run is a real episode.
RUN_POSTS = 10
MIN_TWEET_WORDS = 4


def senate_posts(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Senators' own tweets: ``text, writer, timestamp, part``."""
    from attribution.corpus import load_corpus

    dataset = load_corpus("senate", data_dir=data_dir, detect_language=False).dataset
    frame = dataset.select_columns(["text", "byline", "timestamp", "meta"]).to_pandas()
    retweet = [json.loads(m).get("is_retweet") == "1" for m in frame.pop("meta")]
    frame = frame[~np.asarray(retweet) & ~frame["text"].str.startswith("RT @")].rename(columns={"byline": "writer"})
    parts = split_names({"senate": sorted(frame["writer"].unique())})
    frame = frame.assign(part=frame["writer"].map(parts), timestamp=pd.to_datetime(frame["timestamp"], utc=True))
    return frame.sort_values(["writer", "timestamp"], kind="stable").reset_index(drop=True)


def tweets(data_dir: str | Path | None, part: str) -> pd.DataFrame:
    """IRA persona and senators' tweets of one split: ``text, writer, timestamp, source``."""
    frames = []
    for source, frame in (("ira", ira_posts(data_dir)), ("senate", senate_posts(data_dir))):
        frame = frame[(frame["part"] == part) & (frame["text"].str.split().str.len() >= MIN_TWEET_WORDS)]
        frames.append(frame[["text", "writer", "timestamp"]].assign(source=source))
    return pd.concat(frames, ignore_index=True)


def articles(data_dir: str | Path | None, part: str, folder: str) -> pd.DataFrame:
    """C50 articles of one split's writers from ``train/`` or ``test/``: ``text, writer, id``."""
    frame = c50_articles(data_dir)
    frame = frame[(frame["part"] == part) & frame["id"].str.startswith(f"{folder}/")]
    return frame[["text", "writer", "id"]].reset_index(drop=True)


def sample_per_writer(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """At most ``n`` rows per writer, seeded, in the frame's order."""
    rng = np.random.default_rng(seed)
    keys = rng.random(len(frame))
    ranked = frame.assign(_key=keys).groupby("writer")["_key"].rank(method="first")
    return frame[ranked.to_numpy() <= n].reset_index(drop=True)


def sample_runs_per_writer(frame: pd.DataFrame, n: int, seed: int, run: int = RUN_POSTS) -> pd.DataFrame:
    """At most ``n`` rows per writer as ``n // run`` runs of ``run`` consecutive rows (in time
    order), seeded: the runs are aligned blocks of the writer's rows, so they never overlap.

    Episodes are then real sittings of one writer (consecutive among the posts kept, those of
    ``MIN_TWEET_WORDS`` words or more), and the week of a run's first post is its topic's control.
    """
    rng = np.random.default_rng(seed)
    ordered = frame.sort_values(["writer", "timestamp"], kind="stable")
    keep: list[np.ndarray] = []
    for _, rows in ordered.groupby("writer", sort=True).indices.items():
        blocks = len(rows) // run
        chosen = np.sort(rng.choice(blocks, min(blocks, n // run), replace=False))
        keep.extend(rows[b * run : (b + 1) * run] for b in chosen)
    picked = ordered.iloc[np.concatenate(keep)] if keep else ordered.iloc[:0]
    return picked.reset_index(drop=True)
