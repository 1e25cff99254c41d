"""``bench short_docs``: the composite question on small collections of short excerpts.

A collection is ``N_DOCS`` excerpts (contiguous spans of 100-400 words, at most one per article)
of Reuters C50. Composites draw 3-10 writers with uneven (Dirichlet) shares; negatives are one
writer. Only the 20 C50 authors held out of the article reference (``composite.reference`` split)
build collections; the null is calibrated, through the user's path
(``test_composite(..., reference_corpus=...)``, the CLI's ``--reference``), on excerpts of the
other 30 authors cut the same way: the null that fits the byline. The same collections are also
tested as a user without ``--reference`` tests them (``default_null``: the shipped pool nearest
their length, the same 30 authors' excerpts cut with another seed), against the whole C50
articles with the default penalty per extra cluster (``long_article_pool``: the default before
the excerpt pool shipped), and against the excerpt null with that default penalty
(``excerpt_reference_fixed_penalty``: what choosing the penalty on the reference adds).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path

import datasets
import numpy as np
from sklearn.metrics import roc_auc_score

from attribution.bench.scores import bcubed, bootstrap_mean, wilson
from attribution.composite.article import K_MAX, K_PENALTY_PER_DOCUMENT, test_composite
from attribution.composite.calibration import BENCH_ALPHA
from attribution.composite.excerpts import WORDS, excerpt_corpus
from attribution.composite.reference import c50_split, load_reference, reference_from_corpus
from attribution.composite.split_penalty import SHARE_CONCENTRATION, shares_to_counts, tune_penalty
from attribution.corpus import load_corpus
from attribution.corpus.schema import COLUMNS, FEATURES
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

ALPHA = BENCH_ALPHA
N_DOCS = 20
#: Writers per composite (inclusive range).
K_RANGE = (3, 10)
N_COMPOSITES = 100
N_SINGLES = 100


def plan_collections(pool: dict[str, np.ndarray], rng: np.random.Generator) -> list[dict]:
    """Seeded negatives (one writer) and composites (3-10 writers, uneven shares) of ``N_DOCS`` rows."""
    names = sorted(pool)
    out = []
    for _ in range(N_SINGLES):
        writer = names[int(rng.integers(len(names)))]
        picked = rng.choice(pool[writer], N_DOCS, replace=False)
        out.append({"k": 1, "rows": picked.tolist(), "authors": [writer] * N_DOCS})
    for _ in range(N_COMPOSITES):
        k = int(rng.integers(K_RANGE[0], K_RANGE[1] + 1))
        writers = rng.choice(names, k, replace=False)
        counts = shares_to_counts(rng.dirichlet(SHARE_CONCENTRATION * np.ones(k)), N_DOCS)
        rows: list[int] = []
        authors: list[str] = []
        for writer, count in zip(writers, counts):
            rows += rng.choice(pool[writer], count, replace=False).tolist()
            authors += [str(writer)] * int(count)
        order = rng.permutation(N_DOCS)
        out.append({"k": k, "rows": [rows[i] for i in order], "authors": [authors[i] for i in order]})
    return out


def _collection(excerpts: datasets.Dataset, plan: dict) -> datasets.Dataset:
    part = excerpts.select(plan["rows"]).to_dict()
    part["byline"] = ["collection"] * len(plan["rows"])
    return datasets.Dataset.from_dict({c: part[c] for c in COLUMNS}, features=FEATURES)


def _score(result: dict, plan: dict) -> dict:
    """What one test scored on one collection."""
    labels = [d["cluster"] for d in result["documents"]]
    precision, recall, f = bcubed(plan["authors"], labels)
    return {
        "k": plan["k"],
        "k_hat": result["k"]["estimate"],
        "p": result["test"]["p_value"],
        "statistic": result["test"]["statistic"],
        "pool": result["test"]["reference"].get("pool"),
        "bcubed_precision": precision,
        "bcubed_recall": recall,
        "bcubed_f": f,
    }


def summarise(records: list[dict]) -> dict:
    """exact_k, bcubed_f (composites), fpr (negatives), tpr, auc, with 95% intervals."""
    neg = [r for r in records if r["k"] == 1]
    pos = [r for r in records if r["k"] > 1]
    false_alarms = sum(r["p"] <= ALPHA for r in neg)
    detected = sum(r["p"] <= ALPHA for r in pos)
    exact = sum(r["k_hat"] == r["k"] for r in pos)
    reachable = [r for r in pos if r["k"] <= K_MAX]
    f = [r["bcubed_f"] for r in pos]
    out: dict = {
        "composites": len(pos),
        "singles": len(neg),
        "exact_k": round(exact / len(pos), 4) if pos else None,
        "exact_k_ci": wilson(exact, len(pos)),
        # The clustering considers at most K_MAX writers: composites with more cannot be counted exactly.
        "exact_k_up_to_k_max": round(float(np.mean([r["k_hat"] == r["k"] for r in reachable])), 4)
        if reachable
        else None,
        "k_max": K_MAX,
        "bcubed_f": round(float(np.mean(f)), 4) if pos else None,
        "bcubed_f_ci": bootstrap_mean(f),
        "bcubed_precision": round(float(np.mean([r["bcubed_precision"] for r in pos])), 4) if pos else None,
        "bcubed_recall": round(float(np.mean([r["bcubed_recall"] for r in pos])), 4) if pos else None,
        "fpr": round(false_alarms / len(neg), 4) if neg else None,
        "fpr_ci": wilson(false_alarms, len(neg)),
        "tpr": round(detected / len(pos), 4) if pos else None,
        "tpr_ci": wilson(detected, len(pos)),
        "auc": None,
        "auc_ci": None,
        "k_hat_mean": round(float(np.mean([r["k_hat"] for r in pos])), 2) if pos else None,
    }
    if neg and pos:
        y = np.array([0] * len(neg) + [1] * len(pos))
        s = np.array([r["statistic"] for r in neg + pos])
        out["auc"] = round(float(roc_auc_score(y, s)), 4)
        out["auc_ci"] = _auc_interval(y, s)
    return out


def _auc_interval(y: np.ndarray, s: np.ndarray, draws: int = 1000) -> list[float]:
    """Stratified percentile bootstrap 95% interval of the AUC (fixed seed)."""
    rng = np.random.default_rng(0)
    neg, pos = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    values = []
    for _ in range(draws):
        pick = np.concatenate([rng.choice(neg, len(neg)), rng.choice(pos, len(pos))])
        values.append(roc_auc_score(y[pick], s[pick]))
    return [round(float(np.quantile(values, 0.025)), 4), round(float(np.quantile(values, 0.975)), 4)]


def _by_k(records: list[dict]) -> dict:
    return {
        str(k): {
            "n": len(group),
            "exact_k": round(float(np.mean([r["k_hat"] == k for r in group])), 4),
            "k_hat_mean": round(float(np.mean([r["k_hat"] for r in group])), 2),
            "bcubed_f": round(float(np.mean([r["bcubed_f"] for r in group])), 4),
        }
        for k in sorted({r["k"] for r in records if r["k"] > 1})
        for group in [[r for r in records if r["k"] == k]]
    }


def run(
    data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress, other_nulls: bool = True
) -> dict:
    """Cut the excerpts, build the collections, test each with the excerpt reference (and the long null)."""
    started = time.perf_counter()
    c50 = load_corpus("c50", data_dir=data_dir).dataset
    reference_writers, held_out = c50_split(c50["author"])
    rng = np.random.default_rng([seed, 31])
    reference = excerpt_corpus(c50, reference_writers, rng)
    excerpts = excerpt_corpus(c50, held_out, rng)
    authors = np.asarray(excerpts["author"])
    pool = {w: np.flatnonzero(authors == w) for w in held_out}
    plans = plan_collections(pool, rng)
    nulls: dict[str, dict] = {"excerpt_reference": {"reference_corpus": reference}}
    if other_nulls:
        nulls["default_null"] = {}
        nulls["long_article_pool"] = {"reference": load_reference("article")}
        # The same excerpt null passed as a fitted ReferenceSet (the library's ``reference=``):
        # the default penalty per extra cluster instead of the one chosen on the reference.
        nulls["excerpt_reference_fixed_penalty"] = {"reference": reference_from_corpus(reference, "article")}
    records: dict[str, list[dict]] = {name: [] for name in nulls}
    seconds: dict[str, float] = {}
    for name, how in nulls.items():
        began = time.perf_counter()
        for plan in progress(plans, desc=f"short collections ({name})"):
            result = test_composite(
                _collection(excerpts, plan), rolling=False, n_subsamples=0, seed=seed, **how
            ).to_dict()
            records[name].append(_score(result, plan))
        seconds[name] = round(time.perf_counter() - began, 1)
        log.info("short_docs: %s done in %.0f s", name, seconds[name])
    main = records["excerpt_reference"]
    fitted = reference_from_corpus(reference, "article")  # cached: the set the product used
    words = [len(t.split()) for t in excerpts["text"]]
    return {
        **summarise(main),
        "by_k": _by_k(main),
        "null": "excerpts of the 30 reference C50 authors, passed as reference_corpus (--reference)",
        **{name: summarise(records[name]) for name in nulls if name != "excerpt_reference"},
        "default_null_pools": dict(Counter(r["pool"] for r in records.get("default_null", []))),
        "design": {
            "documents_per_collection": N_DOCS,
            "words_per_excerpt": list(WORDS),
            "words_median": float(np.median(words)),
            "writers_per_composite": list(K_RANGE),
            "share_concentration": SHARE_CONCENTRATION,
            "collection_writers": len(held_out),
            "reference_writers": len(reference_writers),
            "reference_excerpts": len(reference),
            "penalty_chosen_on_reference": tune_penalty(fitted, N_DOCS, 1, K_MAX, seed=seed),
            "penalty_chosen_on_pool": tune_penalty(load_reference("excerpt"), N_DOCS, 1, K_MAX, seed=seed),
            "penalty_fixed": K_PENALTY_PER_DOCUMENT,
            "penalty_unit": "per document of the collection, per extra cluster",
            "alpha": ALPHA,
        },
        "seconds_by_null": seconds,
        "seconds": round(time.perf_counter() - started, 1),
    }
