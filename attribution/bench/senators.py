"""``bench senators``: composites of two senators' offices, against a null of other senators.

The interleaved IRA composites join accounts of one agency, often run by one team. These join
two separate offices of one genre (US senators' own tweets of 2015, retweets left out): every
post either senator made in the period both were posting keeps its real time stamp, so the
byline alternates as a shared account would. Half the senators (seeded) are the reference: their
accounts, as single-writer bylines, are the ``--reference`` null that fits the byline (issue 19).
The other half give the composites (pairs drawn at random among those with ``MIN_EACH`` posts
each in their common period) and the negatives (each senator's account alone). Every byline is
scored on the CLI's path (``load_corpus`` + ``test_composite``) twice: with the senators'
reference, and with the shipped null of IRA accounts, which is what a user without
``--reference`` gets. A control measures the false-positive rate on singles with the pairs' span:
each pair's more active senator alone over the pair's common period (``span_matched``).

How clean the truth is: a senator's account is written by the senator and staff, so a "single"
account can be several hands; two offices are two different teams.
"""

from __future__ import annotations

import itertools
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from attribution.bench.interleaved import summarise
from attribution.bench.interleaved_articles import result_scores, truth_fields
from attribution.composite.article import test_composite
from attribution.composite.calibration import BENCH_ALPHA
from attribution.corpus import Corpus, load_corpus
from attribution.progress import ProgressFactory, no_progress

ALPHA = BENCH_ALPHA
#: Each senator's posts in the pair's common period: fewer, and the minority writer is a handful.
MIN_EACH = 30
#: Composites and single senators scored (each byline costs about 20 s on the reference's path).
COMPOSITES = 20
SINGLES = 20
NULLS = ("reference", "shipped")


def senate_posts(data_dir: str | Path | None) -> pd.DataFrame:
    """Senators' own posts (no retweets) with time stamps: ``id, text, timestamp, writer``."""
    dataset = load_corpus("senate", data_dir=data_dir, detect_language=False).dataset
    frame = dataset.select_columns(["id", "text", "byline", "timestamp", "meta"]).to_pandas()
    retweet = [json.loads(m).get("is_retweet") == "1" for m in frame.pop("meta")]
    frame = frame[~np.asarray(retweet) & frame["timestamp"].notna()].rename(columns={"byline": "writer"})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame.sort_values(["writer", "timestamp"], kind="stable").reset_index(drop=True)


def split_senators(posts: pd.DataFrame, seed: int) -> tuple[list[str], list[str]]:
    """(reference, test): a seeded half of the senators each."""
    names = np.random.default_rng([seed, 43]).permutation(sorted(posts["writer"].unique())).tolist()
    return sorted(names[: len(names) // 2]), sorted(names[len(names) // 2 :])


def pair_byline(posts: pd.DataFrame, a: str, b: str) -> pd.DataFrame | None:
    """Both senators' posts in the period both were posting, or None when either has too few."""
    streams = [posts[posts["writer"] == w] for w in (a, b)]
    start = max(s["timestamp"].min() for s in streams)
    end = min(s["timestamp"].max() for s in streams)
    inside = [s[(s["timestamp"] >= start) & (s["timestamp"] <= end)] for s in streams]
    if min(len(s) for s in inside) < MIN_EACH:
        return None
    return pd.concat(inside).sort_values("timestamp", kind="stable").reset_index(drop=True)


def span_matched(pair: pd.DataFrame) -> pd.DataFrame:
    """The pair's more active senator alone over the pair's common period: a negative with the
    composite's span, so drift over months cannot separate it from the composite."""
    writer = pair["writer"].value_counts().idxmax()
    return pair[pair["writer"] == writer].reset_index(drop=True)


def build_bylines(posts: pd.DataFrame, test: list[str], seed: int) -> list[pd.DataFrame]:
    """``SINGLES`` test senators alone (with at least two composites' worth of posts), then up to
    ``COMPOSITES`` random pairs of them."""
    rng = np.random.default_rng([seed, 47])
    sizes = posts[posts["writer"].isin(test)].groupby("writer").size()
    long_enough = sorted(sizes[sizes >= 2 * MIN_EACH].index)
    alone = rng.choice(long_enough, min(SINGLES, len(long_enough)), replace=False)
    bylines = [posts[posts["writer"] == w].reset_index(drop=True) for w in sorted(alone)]
    pairs = list(itertools.combinations(test, 2))
    made = 0
    for index in rng.permutation(len(pairs)):
        byline = pair_byline(posts, *pairs[index])
        if byline is not None:
            bylines.append(byline)
            made += 1
            if made == COMPOSITES:
                break
    return bylines


def _score(corpus: Corpus, byline: pd.DataFrame, reference: Corpus | None, seed: int) -> dict:
    """p-value, k, purity and ARI of one byline through the CLI's path."""
    result = test_composite(corpus, alpha=ALPHA, seed=seed, reference_corpus=reference).to_dict()
    scores = result_scores(result, byline, ALPHA)
    # No p-value (too little evidence) is no detection.
    return {**scores, "p": 1.0 if scores["p"] is None else scores["p"]}


def run(data_dir=None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Build the bylines from the test half, score them against both nulls, and summarise."""
    started = time.time()
    posts = senate_posts(data_dir)
    reference_names, test = split_senators(posts, seed)
    bylines = build_bylines(posts, test, seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # The reference goes through a file and load_corpus, as ``--reference FILE`` does.
        reference_path = Path(tmp) / "reference.jsonl"
        posts[posts["writer"].isin(reference_names)].assign(
            author=lambda f: f["writer"], timestamp=lambda f: f["timestamp"].astype(str)
        )[["id", "text", "author", "timestamp"]].to_json(reference_path, orient="records", lines=True)
        reference = load_corpus(reference_path, kind="tweet", detect_language=False)
        controls = [span_matched(b) for b in bylines if b["writer"].nunique() > 1]
        for index, byline in enumerate(progress(bylines + controls, desc="senator bylines")):
            path = Path(tmp) / f"byline-{index}.jsonl"
            byline.assign(timestamp=byline["timestamp"].astype(str))[["id", "text", "timestamp"]].to_json(
                path, orient="records", lines=True
            )
            corpus = load_corpus(path, kind="tweet", detect_language=False)
            rows.append(
                {
                    **truth_fields(byline),
                    "reference": _score(corpus, byline, reference, seed),
                    "shipped": _score(corpus, byline, None, seed),
                }
            )
    rows, control_rows = rows[: len(bylines)], rows[len(bylines) :]
    result: dict = {
        "bylines": len(rows),
        "composites": sum(r["k"] > 1 for r in rows),
        "reference_senators": len(reference_names),
        "test_senators": len(test),
        "posts_per_byline": [int(min(r["n"] for r in rows)), int(max(r["n"] for r in rows))],
        "minority_share": [round(min(r["minority"] for r in rows if r["k"] > 1), 3), 0.5],
    }
    result.update(summarise(rows, "reference"))
    result["nulls"] = {name: summarise(rows, name) for name in NULLS}
    # Each pair's more active senator alone within the pair's period: singles with the pairs' span.
    result["span_matched"] = {
        "bylines": len(control_rows),
        **{name: summarise([r for r in rows if r["k"] > 1] + control_rows, name) for name in NULLS},
    }
    result["seconds"] = round(time.time() - started, 1)
    return result
