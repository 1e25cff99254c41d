#!/usr/bin/env python
"""Compare verification settings on a train-only C50 trial (never test/).

How ``VERIFY_CONFIG`` and the reference-pair calibration of ``GeneralImpostors`` were chosen.
25 authors (a seeded draw) are candidates, the other 25 the impostor pool. Each author's texts
are ordered by Reuters document number: the earliest 35 are known (candidates) or impostors, and
each candidate's latest 15 are questioned beside 15 latest texts of other candidates, so that,
as in test/, the questioned texts are newer than the known ones (750 pairs).

    python scripts/select_verify.py --data ../shared/corpora [--seed 1] [--families char]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

import numpy as np
from select_ensemble import held_out_mask  # scripts/ is on the path when a script runs
from sklearn.metrics import roc_auc_score

from attribution.bench.verify import pair_scores
from attribution.composite.pools import split_names
from attribution.corpus import load_corpus
from attribution.features import build_features
from attribution.report.jsonio import print_json
from attribution.verify.impostors import VERIFY_CONFIG, GeneralImpostors, feature_views

log = logging.getLogger("select_verify")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder holding c50/")
    parser.add_argument("--seed", type=int, default=0, help="draw of candidates and of the questioned texts")
    parser.add_argument(
        "--families", nargs="+", default=list(VERIFY_CONFIG["families"]), help="views: families of VERIFY_CONFIG"
    )
    parser.add_argument(
        "--unseen-by-encoder",
        action="store_true",
        help="only the C50 authors the style encoder did not train on (12 candidates, 13 impostors)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    start = time.perf_counter()
    dataset = load_corpus("c50-train", data_dir=args.data).dataset
    texts, y = list(dataset["text"]), np.asarray(dataset["author"], dtype=object)
    if args.unseen_by_encoder:
        parts = split_names({"c50": sorted(set(y))})
        keep = np.asarray([parts[a] != "train" for a in y])
        dataset, texts, y = dataset.select(np.flatnonzero(keep)), [t for t, k in zip(texts, keep) if k], y[keep]
    late = held_out_mask(list(dataset["id"]), y, 15, "latest")
    rng = np.random.default_rng(args.seed)
    authors = rng.permutation(np.unique(y))
    half = len(authors) // 2
    candidates, pool = authors[:half], np.isin(y, authors[half:]) & ~late
    # A family outside VERIFY_CONFIG (e.g. style) joins as a view with its preset settings.
    config = {**VERIFY_CONFIG, "families": {name: VERIFY_CONFIG["families"].get(name, {}) for name in args.families}}
    union = build_features(config)
    union.fit([t for t, is_late in zip(texts, late) if not is_late])
    X = union.transform(texts)
    views = feature_views(union.get_feature_names_out())
    reference = GeneralImpostors(random_state=args.seed).reference_pairs(X[pool], y[pool], views=views)
    variants = {"candidate pairs only": (np.array([]), np.array([])), "with reference pairs": reference}
    labels, raw, proba, answers = [], [], {v: [] for v in variants}, {v: [] for v in variants}
    for author in candidates:
        own = np.flatnonzero((y == author) & late)
        other = rng.choice(np.flatnonzero(np.isin(y, candidates) & (y != author) & late), len(own), replace=False)
        questioned = X[np.r_[own, other]]
        labels.extend([1] * len(own) + [0] * len(other))
        r = None  # the raw scores do not depend on the calibration pairs: computed once
        for name, pairs in variants.items():
            gi = GeneralImpostors(random_state=args.seed).fit(
                X[(y == author) & ~late], X[pool], y[pool], views=views, reference=pairs
            )
            r = gi.raw_scores(questioned) if r is None else r
            p = gi._calibrate(r)
            proba[name].extend(p)
            answers[name].extend(gi.answers(p))
        raw.extend(r)
        log.info("%s done", author)
    labels = np.asarray(labels)
    print_json(
        {
            "pairs": int(len(labels)),
            "config": config["families"],
            "auc_raw": round(float(roc_auc_score(labels, raw)), 4),
            "calibration": {
                name: pair_scores(labels, np.asarray(proba[name]), np.asarray(answers[name])) for name in variants
            },
            "seconds": round(time.perf_counter() - start, 1),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
