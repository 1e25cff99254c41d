"""Build the shipped map from the writer model's per-post belief to a measured probability.

Composites of 2-4 same-category ``tune`` IRA accounts, built as ``bench interleaved`` builds its
test composites (``build_bylines``), are split by the tweet test's writer model at every k from 2
to 4 (a reader sees a split at the k the test chose, which is not always the true one); each post
is right when its cluster is the one matched to its writer. A logistic map from
``post_confidence.FEATURES`` to "right" is fitted on those posts and written, with how it was
built, to ``attribution/composite/data/post_calibration.json``. No ``test`` account is read; the
style space and the model's variances were fitted on ``train`` and ``tune`` accounts, so the
in-sample numbers in ``meta`` are optimistic: ``bench interleaved`` measures the map on ``test``
accounts.

    python scripts/build_post_calibration.py --data ../shared/corpora
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
from rich.progress import track

from attribution.atomic import atomic_open
from attribution.bench.interleaved import build_bylines
from attribution.bench.registry import provenance
from attribution.bench.scores import binary_reliability
from attribution.composite.calibration import tweet_reference
from attribution.composite.interleave import matched_right
from attribution.composite.pools import ira_posts
from attribution.composite.post_confidence import CALIBRATION_FILE, calibration_features, fit_post_calibration
from attribution.composite.tweets import fit_views, post_writers, writers_view
from attribution.features.short_text import post_kinds

OUT = Path(__file__).resolve().parents[1] / "attribution" / "composite" / "data" / CALIBRATION_FILE
K_RANGE = (2, 3, 4)


def split_posts(posts: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Features, model belief and rightness of every post of every tune composite at every k."""
    space, _, _ = tweet_reference()
    composites = [b for b in build_bylines(posts, seed) if b.k > 1]
    features, belief, right, per_k = [], [], [], {str(k): 0 for k in K_RANGE}
    for byline in track(composites, description="tune composites"):
        texts = byline.posts["text"].tolist()
        writers = writers_view(fit_views(space.transform(texts), byline.posts["timestamp"], post_kinds(texts), seed))
        truth = byline.posts["writer"].to_numpy()
        for k in K_RANGE:
            if k > len(writers.fit.labels):
                continue
            split = post_writers(writers, k)
            features.append(calibration_features(split.belief, split.labels))
            belief.append(split.belief)
            right.append(matched_right(truth, split.labels))
            per_k[str(k)] += len(split.labels)
    counts = {
        "composites": len(composites),
        "accounts": sorted({str(w) for b in composites for w in b.writers}),
        "posts_by_k": per_k,
    }
    return np.vstack(features), np.concatenate(belief), np.concatenate(right), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared corpora folder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    posts = ira_posts(args.data)
    tune = posts[posts["part"] == "tune"]
    features, belief, right, counts = split_posts(tune, args.seed)
    source = provenance()
    meta = {
        "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": source.get("commit"),
        "source": "composites of 2-4 same-category tune IRA accounts (bench interleaved's construction), "
        f"split at k = {', '.join(map(str, K_RANGE))}",
        "seed": args.seed,
        **counts,
        "posts": len(right),
        "right": round(float(right.mean()), 4),
        "model_in_sample": binary_reliability(belief, right),
    }
    calibration = fit_post_calibration(features, right, meta)
    meta["calibrated_in_sample"] = binary_reliability(calibration.of_features(features), right)
    with atomic_open(OUT, "w") as handle:
        json.dump(calibration.to_json(), handle, indent=1)
    logging.info("wrote %s: %s", OUT, json.dumps(meta))


if __name__ == "__main__":
    main()
