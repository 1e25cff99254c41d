#!/usr/bin/env python
"""Compare AuthorClassifier ensembles on chronological folds of C50 train/ (never test/).

How the default ensemble (``DEFAULT_ENSEMBLE``, ``attribution/configs/attribution.yaml``) was chosen, on the
production code path: per fold, the feature union of all candidate families is fitted on the
fold's training texts, and each candidate is a ``FamilyEnsemble`` of SVMs on its members'
columns, temperature-calibrated and pooled by geometric mean, blended with the stacker at each
``--stack-weights`` value (one fit serves them all). Folds order each author's texts by Reuters document
number (publication order): latest 15 held out, latest 25 held out, earliest 25 held out.

    python scripts/select_ensemble.py --data ../shared/corpora [--folds late15] [--out result.json]
        [--candidate "char | distort | syntax"] [--tf sublinear] [--stack-weights 0,0.5]
"""

from __future__ import annotations

import argparse
import copy
import logging
import sys
import time

import numpy as np

from attribution.attribute.calibration import calibration_summary
from attribution.attribute.classifier import (
    DEFAULT_C,
    STACK_WEIGHT,
    FamilyEnsemble,
    document_number,
    make_base_estimator,
)
from attribution.features import build_features, feature_families
from attribution.features.config import load_feature_config
from attribution.report.jsonio import print_json

log = logging.getLogger("select_ensemble")

#: Held-out share of each author's texts per fold: (how many, latest or earliest).
FOLDS = {"late15": (15, "latest"), "late25": (25, "latest"), "early25": (25, "earliest")}
#: Candidates: members as (families, C); C None = the svm default.
CANDIDATES = {
    "char+word | distort | syntax (default)": [(["char", "word"], None), (["distort"], 1.0), (["syntax"], 1.0)],
    "char+word+mfw | distort | syntax": [(["char", "word", "mfw"], None), (["distort"], 1.0), (["syntax"], 1.0)],
    "char | distort | syntax": [(["char"], None), (["distort"], 1.0), (["syntax"], 1.0)],
    "char+word | distort": [(["char", "word"], None), (["distort"], 1.0)],
    "char+word | distort | syntax | style": [
        (["char", "word"], None),
        (["distort"], 1.0),
        (["syntax"], 1.0),
        (["style"], 1.0),
    ],
}


def held_out_mask(ids: list[str], authors: np.ndarray, count: int, side: str) -> np.ndarray:
    """True for each author's ``count`` latest (or earliest) texts by document number."""
    numbers = np.asarray([document_number(i) for i in ids])
    mask = np.zeros(len(ids), dtype=bool)
    for author in np.unique(authors):
        rows = np.flatnonzero(authors == author)
        order = rows[np.argsort(numbers[rows], kind="stable")]
        mask[order[-count:] if side == "latest" else order[:count]] = True
    return mask


#: Families whose term-frequency weighting ``--tf`` overrides.
TF_FAMILIES = ("char", "word", "distort")


def union_config(tf: str | None = None) -> dict:
    """The attribution preset plus the z-scored MFW block some candidates use; ``tf`` overrides
    the preset's term-frequency weighting of the n-gram families."""
    preset = load_feature_config("attribution")
    families = {"mfw": {"weight": 0.05, "n": 300, "zscore": True}, **copy.deepcopy(preset.families)}
    families.setdefault("style", {})
    if tf is not None:
        for name in TF_FAMILIES:
            families[name]["tf"] = tf
    return {"name": "select-ensemble", "seed": preset.seed, "cache": dict(preset.cache), "families": families}


def evaluate(X_fit, y_fit, X_val, y_val, families: np.ndarray, members: list, stack_weights: list[float]) -> dict:
    """Accuracy and calibration of one candidate ensemble on the held-out texts, per stack weight.

    ``accuracy_unseen_by_encoder``: on the authors the style encoder did not train on (its
    training read the train/ texts of the ``train`` split's authors, some held out here).
    """
    from attribution.composite.pools import split_names

    parts = split_names({"c50": sorted(set(y_fit))})
    unseen = np.asarray([parts[a] != "train" for a in y_val])
    estimators = [make_base_estimator("svm", C=DEFAULT_C["svm"] if C is None else C) for _, C in members]
    columns = [np.flatnonzero(np.isin(families, fams)) for fams, _ in members]
    model = FamilyEnsemble(estimators, columns, stack_weight=max(stack_weights)).fit(X_fit, y_fit)
    out = {}
    for weight in stack_weights:
        model.stack_weight = weight
        proba = model.predict_proba(X_val)
        out[f"stack_weight={weight:g}"] = {
            "accuracy": round(float((model.classes_[proba.argmax(axis=1)] == y_val).mean()), 4),
            "accuracy_unseen_by_encoder": round(
                float((model.classes_[proba.argmax(axis=1)] == y_val)[unseen].mean()), 4
            ),
            "calibration": calibration_summary(proba, y_val, model.classes_),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="shared corpora folder (default: $ATTRIBUTION_DATA)")
    parser.add_argument("--folds", default=",".join(FOLDS), help="comma-separated folds of " + ", ".join(FOLDS))
    parser.add_argument("--out", default=None, help="also write the JSON here")
    parser.add_argument("--candidate", action="append", choices=list(CANDIDATES), help="run only these (repeatable)")
    parser.add_argument(
        "--tf", choices=["sublinear", "binary"], default=None, help="override the preset's tf weighting"
    )
    parser.add_argument(
        "--stack-weights", default=f"0,{STACK_WEIGHT:g}", help="comma-separated stacker weights to score"
    )
    args = parser.parse_args(argv)
    candidates = {name: CANDIDATES[name] for name in (args.candidate or CANDIDATES)}
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from attribution.corpus import load_corpus

    dataset = load_corpus("c50-train", data_dir=args.data).dataset
    texts, authors = list(dataset["text"]), np.asarray(dataset["author"], dtype=object)
    ids = list(dataset["id"])
    result: dict = {"bench": "select_ensemble", "tf": args.tf or "preset", "folds": {}, "pooled": {}}
    weights = [float(w) for w in args.stack_weights.split(",")]
    counts: dict[str, list[float]] = {}
    for fold in args.folds.split(","):
        start = time.perf_counter()
        held_out = held_out_mask(ids, authors, *FOLDS[fold])
        union = build_features(union_config(args.tf))
        fit_texts = [t for t, h in zip(texts, held_out) if not h]
        X_fit = union.fit_transform(fit_texts)
        X_val = union.transform([t for t, h in zip(texts, held_out) if h])
        families = feature_families(union.get_feature_names_out())
        result["folds"][fold] = {}
        for name, members in candidates.items():
            scores = evaluate(X_fit, authors[~held_out], X_val, authors[held_out], families, members, weights)
            result["folds"][fold][name] = scores
            for variant, score in scores.items():
                tally = counts.setdefault(f"{name} {variant}", [0.0, 0.0])
                tally[0] += score["accuracy"] * held_out.sum()
                tally[1] += held_out.sum()
                log.info("%s %s %s: %.4f (%.0f s)", fold, name, variant, score["accuracy"], time.perf_counter() - start)
    result["pooled"] = {name: round(c / n, 4) for name, (c, n) in counts.items() if n}
    print_json(result, also_to=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
