"""Writer pools of the public corpora and their fixed three-way split.

IRA persona accounts (NewsFeed headline bots and the non-English/commercial/unknown accounts
left out) and Reuters C50 authors are split once, by a seeded permutation of sorted names within
each category: ``train`` writers fit the style space, ``tune`` writers calibrate the null and
the model's settings, ``test`` writers are only ever used by the benchmarks. The product and the
benchmarks read the same split, so no benchmark byline has a writer the shipped files saw.

An IRA account is a byline, not a proven single writer (the agency ran accounts in shifts):
a "single-writer" account here may itself be shared, which makes measured false-positive rates
pessimistic and composites built from two accounts possibly more than two writers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

PERSONA_CATEGORIES = ("RightTroll", "LeftTroll", "HashtagGamer", "Fearmonger")
SPLIT_SEED = 20261204
SPLIT_SHARES = (("train", 0.5), ("tune", 0.2), ("test", 0.3))
#: Accounts with fewer posts are too small to stand for a writer.
MIN_POSTS = 200


def split_names(names_by_group: dict[str, list[str]]) -> dict[str, str]:
    """``name -> train|tune|test``: a seeded permutation of each group's sorted names, cut by share."""
    out: dict[str, str] = {}
    rng = np.random.default_rng(SPLIT_SEED)
    for group in sorted(names_by_group):
        names = rng.permutation(sorted(names_by_group[group])).tolist()
        edges = np.round(np.cumsum([share for _, share in SPLIT_SHARES]) * len(names)).astype(int)
        start = 0
        for (part, _), end in zip(SPLIT_SHARES, edges):
            out.update({name: part for name in names[start:end]})
            start = end
    return out


def ira_posts(data_dir: str | Path | None = None) -> pd.DataFrame:
    """IRA persona posts: ``text, writer, category, timestamp, part`` (part = the writer's split)."""
    from attribution.corpus import load_corpus

    dataset = load_corpus("ira", data_dir=data_dir, detect_language=False).dataset
    frame = dataset.select_columns(["text", "byline", "timestamp", "meta"]).to_pandas()
    frame["category"] = [json.loads(m).get("account_category") for m in frame.pop("meta")]
    frame = frame.rename(columns={"byline": "writer"})
    frame = frame[frame["category"].isin(PERSONA_CATEGORIES) & frame["timestamp"].notna()]
    sizes = frame.groupby("writer")["text"].transform("size")
    frame = frame[sizes >= MIN_POSTS]
    groups = frame.groupby("category")["writer"].unique()
    parts = split_names({category: list(writers) for category, writers in groups.items()})
    frame = frame.assign(part=frame["writer"].map(parts), timestamp=pd.to_datetime(frame["timestamp"], utc=True))
    return frame.sort_values(["writer", "timestamp"], kind="stable").reset_index(drop=True)


def c50_articles(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Reuters C50 articles (both splits): ``text, writer, part``."""
    from attribution.corpus import load_corpus

    dataset = load_corpus("c50", data_dir=data_dir, detect_language=False).dataset
    frame = dataset.select_columns(["id", "text", "author"]).to_pandas().rename(columns={"author": "writer"})
    parts = split_names({"c50": sorted(frame["writer"].unique())})
    return frame.assign(part=frame["writer"].map(parts))
