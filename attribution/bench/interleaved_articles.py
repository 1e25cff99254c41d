"""The C50 rows of ``bench interleaved``: a rotating staff byline of Reuters writers on real clocks.

Each writer is given the real posting times of one IRA test account; the byline's slots come
from merging those accounts' streams in a common window (``composite.interleave``), so the
writers alternate article by article on the same days as the accounts did, and each slot takes
an unused article of its writer. Negatives are one writer on one account's consecutive times.
The writers are the article null's held-out C50 authors (``composite.reference.c50_split``), so
no byline has a writer whose articles built the null.

Each byline is written to a JSONL file and run through ``load_corpus`` and ``test_composite``:
the path a user's ``attribution composite byline.jsonl`` takes, subsamples included: they give
the 90% interval over k, whose coverage of the true k is measured on the detected composites.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from attribution.bench.scores import pooled_reliability
from attribution.composite.interleave import (
    Byline,
    matched_right,
    merged_byline,
    post_purity,
    single_byline,
    writer_shares,
    writer_streams,
)
from attribution.progress import ProgressFactory, no_progress

#: Articles per byline: a desk's month and a season of one rotating byline.
SIZES = (30, 60)
#: (negatives, composites) per size.
PER_SIZE = {30: (15, 20), 60: (15, 20)}


def c50_held_out(data_dir) -> pd.DataFrame:
    """The held-out C50 authors' articles: ``id, text, writer``."""
    from attribution.composite.reference import c50_split
    from attribution.corpus import load_corpus

    dataset = load_corpus("c50", data_dir=data_dir, detect_language=False).dataset
    _, held_out = c50_split(dataset["author"])
    frame = dataset.select_columns(["id", "text", "author"]).to_pandas().rename(columns={"author": "writer"})
    return frame[frame["writer"].isin(set(held_out))].reset_index(drop=True)


def _staff_byline(schedule: Byline, articles: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The schedule's slots filled with articles: account i's slots get writer i's unused articles."""
    writers = rng.choice(sorted(articles["writer"].unique()), schedule.k, replace=False).tolist()
    by_account = dict(zip(schedule.writers, writers))
    slots = schedule.posts.assign(writer=schedule.posts["writer"].map(by_account))
    rows = []
    for writer, group in slots.groupby("writer", sort=False):
        pool = articles[articles["writer"] == writer]
        pick = pool.iloc[rng.choice(len(pool), len(group), replace=False)]
        rows.append(pick.assign(timestamp=group["timestamp"].to_numpy()))
    byline = pd.concat(rows).sort_values("timestamp", kind="stable").reset_index(drop=True)
    return byline


def build_staff_bylines(posts: pd.DataFrame, articles: pd.DataFrame, seed: int) -> list[pd.DataFrame]:
    """The seeded plan: per size, single-writer and 2-4-writer bylines on real accounts' clocks."""
    rng = np.random.default_rng([seed, 50])
    streams = writer_streams(posts)
    names = sorted(streams)
    out = []
    for size in SIZES:
        n_neg, n_pos = PER_SIZE[size]
        for _ in range(n_neg):
            schedule = single_byline(streams[names[int(rng.integers(len(names)))]], size, rng)
            if schedule is not None:
                out.append(_staff_byline(schedule, articles, rng))
        made = attempts = 0
        while made < n_pos and attempts < 400:
            attempts += 1
            k = int(rng.choice([2, 2, 3, 4]))
            shares = writer_shares(k, rng)
            chosen = rng.choice(names, k, replace=False)
            schedule = merged_byline([streams[w] for w in chosen], shares, size, rng)
            if schedule is not None and min(np.bincount(pd.factorize(schedule.posts["writer"])[0])) >= 2:
                out.append(_staff_byline(schedule, articles, rng))
                made += 1
    return out


def score_staff_bylines(
    bylines: list[pd.DataFrame],
    *,
    alpha: float,
    seed: int,
    progress: ProgressFactory = no_progress,
) -> list[dict]:
    """Each byline through the user's path: JSONL file -> ``load_corpus`` -> ``test_composite``."""
    from attribution.composite.article import test_composite
    from attribution.corpus import load_corpus

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, byline in enumerate(progress(bylines, desc="C50 staff bylines")):
            path = Path(tmp) / f"byline-{index}.jsonl"
            byline.assign(timestamp=byline["timestamp"].astype(str)).drop(columns="writer").to_json(
                path, orient="records", lines=True
            )
            corpus = load_corpus(path, kind="article", detect_language=False)
            result = test_composite(corpus, alpha=alpha, seed=seed).to_dict()
            scores = result_scores(result, byline, alpha, subsampled=True)
            rows.append({**truth_fields(byline), "both": {"gain": -np.log10(max(scores["p"], 1e-6)), **scores}})
    return rows


def truth_fields(byline: pd.DataFrame) -> dict:
    """A bench row's truth: writers (k), posts, the smallest writer's share, the writers' names."""
    truth = byline["writer"]
    return {
        "k": int(truth.nunique()),
        "n": len(byline),
        "minority": float(truth.value_counts(normalize=True).min()),
        "accounts": "+".join(sorted(set(truth))),
    }


def result_scores(result: dict, byline: pd.DataFrame, alpha: float, *, subsampled: bool = False) -> dict:
    """p-value, k (1 unless rejected at ``alpha``), post purity and ARI of a ``test_composite``
    result against the byline's true writers; with ``subsampled`` (the result ran its subsamples),
    also whether a detected composite's interval over k holds the true k (else ``None``: without
    subsamples the interval is the estimate alone)."""
    truth = byline["writer"].to_numpy()
    p = result["test"]["p_value"]
    k = result["k"]["estimate"] if p is not None and p <= alpha else 1
    # One writer found: every post in one cluster, as the report shows it.
    confidence = None
    if k > 1:
        documents = {d["id"]: d for d in result["documents"]}
        ids = byline["id"].astype(str)
        labels = np.array([documents[i]["cluster"] for i in ids])
        # What the report states of each document, against whether it sits with its own writer.
        confidence = (np.array([documents[i]["cluster_confidence"] for i in ids]), matched_right(truth, labels))
    else:
        labels = np.zeros(len(byline))
    interval = result["k"]["interval"]
    detected = subsampled and interval is not None and p is not None and p <= alpha
    covered = bool(interval[0] <= len(set(truth)) <= interval[1]) if detected else None
    return {
        "p": p,
        "k": int(k),
        "purity": post_purity(truth, labels),
        "ari": adjusted_rand_score(truth, labels),
        "k_interval_covers": covered,
        "confidence": confidence,
    }


def interval_coverage(rows: list[dict]) -> dict:
    """How often the reported 90% interval over k held the true k, on the detected composites."""
    covered = [
        r["both"]["k_interval_covers"] for r in rows if r["k"] > 1 and r["both"]["k_interval_covers"] is not None
    ]
    return {
        "detected_composites": len(covered),
        "coverage": round(float(np.mean(covered)), 4) if covered else None,
        "nominal": 0.9,
    }


def c50_section(
    posts: pd.DataFrame,
    data_dir,
    summarise: Callable[[list[dict], str], dict],
    *,
    alpha: float,
    seed: int,
    progress: ProgressFactory = no_progress,
) -> dict:
    """The C50 keys (all sizes, and by size), from bylines of held-out writers on test accounts' clocks."""
    articles = c50_held_out(data_dir)
    bylines = build_staff_bylines(posts, articles, seed)
    rows = score_staff_bylines(bylines, alpha=alpha, seed=seed, progress=progress)
    section = summarise(rows, "both")
    section["by_size"] = {str(s): summarise([r for r in rows if r["n"] == s], "both") for s in SIZES}
    section["evidence"] = "style (the article test reads no posting times)"
    section["k_interval"] = interval_coverage(rows)
    section["document_confidence"] = {
        "rule": "each document's stated confidence on detected composites (the test's k), against whether it sits "
        "in the cluster matched to its own writer",
        **pooled_reliability([r["both"]["confidence"] for r in rows if r["both"]["confidence"] is not None]),
    }
    section["writers"] = int(articles["writer"].nunique())
    return section
