"""``bench coordination``: recover planted coordinated groups; IRA vs senators' coordination scores.

- Planted: seeded groups of real senators' accounts get extra templated near-duplicate posts in
  sync (``attribution.behaviour.plant``); precision and recall are over account pairs (a pair is
  predicted when both accounts land in the same cluster). The detector's thresholds are its
  defaults, fixed before this benchmark was run; nothing is tuned on it.
- IRA vs senators: the same sampling for both sets (accounts with >= 200 original posts, each
  one's latest 200 posts, 90 accounts: the senators' set's own shape), coordination run on each
  set separately; AUC of the per-account coordination score.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from attribution.behaviour.coordination import analyse_coordination
from attribution.behaviour.plant import plant_groups
from attribution.corpora import resolve_data_dir
from attribution.corpus import load_corpus
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

POSTS_PER_ACCOUNT = 200


def _pairs(groups) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}


def _auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Mann-Whitney AUC with ties counted half."""
    from scipy.stats import rankdata

    ranks = rankdata(np.concatenate([positive, negative]))
    n_pos, n_neg = len(positive), len(negative)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def senate_frame(data_dir) -> pd.DataFrame:
    """Senators' tweets as ``account, text, timestamp``."""
    corpus = load_corpus("senate", data_dir=data_dir)
    frame = corpus.dataset.select_columns(["byline", "text", "timestamp"]).to_pandas()
    return frame.rename(columns={"byline": "account"})


def ira_sample(data_dir, *, n_accounts: int, seed: int, posts: int = POSTS_PER_ACCOUNT) -> pd.DataFrame:
    """Persona accounts (not NewsFeed) with >= ``posts`` posts; each one's latest ``posts`` posts."""
    path = resolve_data_dir(data_dir, need="tweets") / "tweets" / "ira_english.parquet"
    table = pq.read_table(
        path,
        columns=["author", "account_category", "content", "publish_date"],
        filters=pc.field("account_category") != "NewsFeed",
    )
    frame = table.to_pandas().rename(columns={"author": "account", "content": "text", "publish_date": "timestamp"})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).dt.tz_localize("UTC")
    counts = frame["account"].value_counts()
    eligible = sorted(counts[counts >= posts].index)
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(eligible, size=min(n_accounts, len(eligible)), replace=False))
    frame = frame[frame["account"].isin(chosen)].sort_values(["account", "timestamp"], kind="stable")
    return frame.groupby("account", sort=True).tail(posts).reset_index(drop=True)


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Precision and recall of planted groups; AUC of coordination scores, IRA vs senators."""
    senate = senate_frame(data_dir)
    planted, groups = plant_groups(senate, seed=seed)
    found = analyse_coordination(planted, seed=seed, progress=progress)
    predicted = _pairs(c["accounts"] for c in found["clusters"])
    truth = _pairs(groups)
    hits = len(predicted & truth)
    recovered = [
        any(len(set(g) & set(c["accounts"])) / len(set(g) | set(c["accounts"])) >= 0.5 for c in found["clusters"])
        for g in groups
    ]
    log.info("planted %d groups; found %d clusters", len(groups), len(found["clusters"]))

    clean = analyse_coordination(senate, seed=seed, progress=progress)
    ira = ira_sample(data_dir, n_accounts=senate["account"].nunique(), seed=seed)
    ira_result = analyse_coordination(ira, seed=seed, progress=progress)
    senate_scores = np.array([n["score"] for n in clean["nodes"]])
    ira_scores = np.array([n["score"] for n in ira_result["nodes"]])
    return {
        "precision": round(hits / len(predicted), 4) if predicted else None,
        "recall": round(hits / len(truth), 4),
        "planted": {
            "groups": groups,
            "true_pairs": len(truth),
            "predicted_pairs": len(predicted),
            "groups_recovered": int(sum(recovered)),
            "found_clusters": [c["accounts"] for c in found["clusters"]],
        },
        "ira_vs_senate_auc": round(_auc(ira_scores, senate_scores), 4),
        "ira": {
            "accounts": len(ira_scores),
            "posts": int(len(ira)),
            "accounts_in_clusters": ira_result["summary"]["accounts_in_clusters"],
            "clusters": [c["accounts"] for c in ira_result["clusters"]],
            "near_duplicate_post_pairs": ira_result["summary"]["near_duplicate_post_pairs"],
            "strong_edges": ira_result["summary"]["strong_edges"],
            "mean_score": round(float(ira_scores.mean()), 4),
        },
        "senate": {
            "accounts": len(senate_scores),
            "posts": int(len(senate)),
            "accounts_in_clusters": clean["summary"]["accounts_in_clusters"],
            "clusters": [c["accounts"] for c in clean["clusters"]],
            "near_duplicate_post_pairs": clean["summary"]["near_duplicate_post_pairs"],
            "strong_edges": clean["summary"]["strong_edges"],
            "mean_score": round(float(senate_scores.mean()), 4),
        },
        "parameters": found["parameters"],
    }
