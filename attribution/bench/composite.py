"""``bench composite``: synthetic bylines from held-out real writers; FPR, TPR, AUC, k, operators.

Bylines are built only from authors held out of the null's reference (``composite.reference``
split): C50 articles (20 held-out authors, both splits pooled) and IRA persona accounts (the
held-out third; each writer's run of consecutive posts, the writers merged on one clock and
passed as posts, grouped by the test as the command line groups them: ``bench.composite_posts``).
Negatives are one author; positives k = 2..5
authors with uneven (Dirichlet) shares. The subsampled distribution over k is skipped
(``n_subsamples=0``): none of the measured keys depend on it. Each byline comes with an operator
set of 8 held-out writers (its true authors plus distractors) whose reference documents are
disjoint from the byline's documents. Each negative is tested twice: with that operator set
(its author among the operators) and with 8 distractor operators only (its author not among
them); the two false-positive rates are reported apart. ``p`` is the result's p-value (style and
operator tests combined); ``*_style_only`` keys score the style test and the style k alone.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import datasets
import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, roc_auc_score

from attribution.bench.composite_posts import byline_posts, ira_post_table, operator_posts, unit_writers
from attribution.composite.article import test_composite
from attribution.composite.calibration import BENCH_ALPHA
from attribution.composite.reference import c50_split, ira_split, ira_units
from attribution.composite.split_penalty import shares_to_counts
from attribution.corpus import load_corpus
from attribution.corpus.schema import COLUMNS, FEATURES
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

ALPHA = BENCH_ALPHA
N_OPERATORS = 8
REFERENCE_DOCS = 20
SHARE_CONCENTRATION = 1.5
#: (sizes, negatives per size, positives per size) per source.
PLAN = {
    "c50": ((5, 10, 20, 40, 60), 12, 12),
    "tweets": ((5, 10, 20, 40), 10, 10),
}


def make_byline(
    pool: dict[str, np.ndarray], n: int, k: int, rng: np.random.Generator, consecutive: bool = False
) -> dict:
    """One synthetic byline: rows per author, operator set, operator reference rows (disjoint).
    ``consecutive``: each author's rows are a run of its rows in order (posts as they were
    written), the reference rows drawn from the rest."""
    names = sorted(pool)
    eligible = [a for a in names if len(pool[a]) >= n // k + REFERENCE_DOCS + 1]
    authors = list(rng.choice(eligible, k, replace=False))
    counts = shares_to_counts(rng.dirichlet(SHARE_CONCENTRATION * np.ones(k)), n)
    while any(len(pool[a]) < c + REFERENCE_DOCS for a, c in zip(authors, counts)):
        counts = shares_to_counts(rng.dirichlet(SHARE_CONCENTRATION * np.ones(k)), n)
    others = [a for a in names if a not in authors and len(pool[a]) >= REFERENCE_DOCS]
    operators = authors + list(rng.choice(others, N_OPERATORS - k, replace=False))
    byline_rows, byline_authors, reference_rows, reference_authors = [], [], [], []
    for author in operators:
        c = counts[authors.index(author)] if author in authors else 0
        if consecutive:
            start = int(rng.integers(len(pool[author]) - c + 1))
            rest = np.concatenate([pool[author][:start], pool[author][start + c :]])
            rows = np.concatenate([pool[author][start : start + c], rng.permutation(rest)])
        else:
            rows = rng.permutation(pool[author])
        byline_rows += rows[:c].tolist()
        byline_authors += [author] * c
        reference_rows += rows[c : c + REFERENCE_DOCS].tolist()
        reference_authors += [author] * REFERENCE_DOCS
    # Negatives also get an operator set without their author: 8 distractors, for the FPR when the
    # writer is not among the known operators.
    distractors = list(rng.choice(others, N_OPERATORS, replace=False)) if k == 1 else []
    distractor_rows, distractor_authors = [], []
    for author in distractors:
        distractor_rows += rng.permutation(pool[author])[:REFERENCE_DOCS].tolist()
        distractor_authors += [author] * REFERENCE_DOCS
    return {
        "k": k,
        "n": n,
        "rows": byline_rows,
        "authors": byline_authors,
        "reference_rows": reference_rows,
        "reference_authors": reference_authors,
        "distractor_rows": distractor_rows,
        "distractor_authors": distractor_authors,
    }


def _subset(units: datasets.Dataset, rows: list[int], authors: list[str], byline: str) -> datasets.Dataset:
    part = units.select(rows).to_dict()
    part["byline"] = [byline] * len(rows)
    part["author"] = list(authors)
    return datasets.Dataset.from_dict({c: part[c] for c in COLUMNS}, features=FEATURES)


def _evaluate(units, pool, source, seed, progress, posts: pd.DataFrame | None = None) -> dict:
    """Every byline of ``source``'s plan, tested with its operator sets. With ``posts`` (tweets)
    the byline and operators go in as posts, as a user's files do; the null is the shipped one the
    command line chooses (for documents, the pool nearest their length)."""
    sizes, n_neg, n_pos = PLAN[source]
    rng = np.random.default_rng([seed, len(source)])
    records = []
    plan = [(n, 1) for n in sizes for _ in range(n_neg)] + [(n, 2 + i % 4) for n in sizes for i in range(n_pos)]
    for index, (n, k) in enumerate(progress(plan, desc=f"{source} bylines")):
        if index % 10 == 0:
            log.info("%s: byline %d of %d", source, index, len(plan))
        byline = make_byline(pool, n, k, rng, consecutive=posts is not None)
        if posts is None:
            docs = _subset(units, byline["rows"], byline["authors"], "synthetic")
        else:
            docs = byline_posts(units, posts, byline["rows"], byline["authors"])
        operator_sets = [(False, byline["reference_rows"], byline["reference_authors"])]
        if k == 1:
            operator_sets.append((True, byline["distractor_rows"], byline["distractor_authors"]))
        for distractor, rows, names in operator_sets:
            if posts is None:
                ops = _subset(units, rows, names, "operators")
            else:
                ops = operator_posts(units, posts, rows, names)
            result = test_composite(
                docs,
                operators=ops,
                grouped=posts is None,
                rolling=False,
                n_subsamples=0,
                seed=seed,
            ).to_dict()
            truth = byline["authors"] if posts is None else unit_writers(result, docs)
            records.append(_record(result, np.asarray(truth), n, k, distractor))
    return summarise(records)


def _record(result: dict, truth: np.ndarray, n: int, k: int, distractor: bool) -> dict:
    """What one run of the test on one synthetic byline scored (``truth``: each unit's writer)."""
    labels = np.array([d["cluster"] for d in result["documents"]])
    assigned = np.array([d["operator"] for d in result["documents"]])
    closed = np.array(
        [max(d["operator_probabilities"], key=d["operator_probabilities"].get) for d in result["documents"]]
    )
    return {
        "n": n,
        "k": k,
        "distractor": distractor,
        "p": result["test"]["p_value"],
        "p_style": result["test"]["style_p_value"],
        "k_hat": result["k"]["estimate"],
        "k_style": result["k"]["style_only"]["estimate"],
        "doc_correct": None if distractor else float((assigned == truth).mean()),
        "closed_correct": None if distractor else float((closed == truth).mean()),
        "ari": float(adjusted_rand_score(truth, labels)) if k > 1 else None,
    }


def _rates(records: list[dict]) -> dict:
    """The keys of one group of bylines; distractor runs only enter their own FPR and k accuracy."""
    distractor = [r for r in records if r["distractor"]]
    records = [r for r in records if not r["distractor"]]
    neg = [r for r in records if r["k"] == 1]
    pos = [r for r in records if r["k"] > 1]
    return {
        "bylines": len(records),
        "fpr": _mean([r["p"] <= ALPHA for r in neg]),
        "fpr_operators_include_author": _mean([r["p"] <= ALPHA for r in neg]),
        "fpr_operators_exclude_author": _mean([r["p"] <= ALPHA for r in distractor]),
        "fpr_style_only": _mean([r["p_style"] <= ALPHA for r in neg]),
        "tpr": _mean([r["p"] <= ALPHA for r in pos]),
        "tpr_style_only": _mean([r["p_style"] <= ALPHA for r in pos]),
        "k_accuracy": _mean([r["k_hat"] == r["k"] for r in records]),
        "k_accuracy_style_only": _mean([r["k_style"] == r["k"] for r in records]),
        "k_accuracy_operators_exclude_author": _mean([r["k_hat"] == 1 for r in distractor]),
        "doc_accuracy": _mean([r["doc_correct"] for r in records]),
        "closed_set_accuracy": _mean([r["closed_correct"] for r in records]),
        "ari": _mean([r["ari"] for r in pos]),
        "auc": _auc(neg, pos, "p"),
        "auc_style_only": _auc(neg, pos, "p_style"),
    }


def _auc(neg: list[dict], pos: list[dict], key: str) -> float | None:
    if not (neg and pos):
        return None
    y = [0] * len(neg) + [1] * len(pos)
    return round(float(roc_auc_score(y, [-r[key] for r in neg + pos])), 4)


def _mean(values) -> float | None:
    values = [float(v) for v in values if v is not None]
    # Six digits: a rate reads as the exact fraction of its bylines it is (one in sixty: 0.016667).
    return round(float(np.mean(values)), 6) if values else None


def summarise(records: list[dict]) -> dict:
    """Overall rates, then by k and by byline size."""
    out = _rates(records)
    out["by_k"] = {str(k): _rates([r for r in records if r["k"] == k]) for k in sorted({r["k"] for r in records})}
    out["bylines_distractor"] = sum(r["distractor"] for r in records)
    out["by_size"] = {str(n): _rates([r for r in records if r["n"] == n]) for n in sorted({r["n"] for r in records})}
    large = [r for r in records if r["n"] >= 20]
    out["size_20_plus"] = _rates(large)
    return out


def _held_out_pool(writers, split) -> dict[str, np.ndarray]:
    """Row indices per writer held out of the shipped references (``split``: their fixed split)."""
    _, held_out = split(writers)
    writers = np.asarray(writers)
    return {w: np.flatnonzero(writers == w) for w in held_out}


def run(
    data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress, sources=("c50", "tweets")
) -> dict:
    """Both sources; C50 and tweets reported separately, with their union's headline keys."""
    results = {}
    started = time.perf_counter()
    if "c50" in sources:
        c50 = load_corpus("c50", data_dir=data_dir).dataset
        results["c50"] = _evaluate(c50, _held_out_pool(c50["author"], c50_split), "c50", seed, progress)
        log.info("c50 done in %.0f s", time.perf_counter() - started)
    if "tweets" in sources:
        units = ira_units(data_dir)
        posts = ira_post_table(data_dir)
        pool = _held_out_pool(units["byline"], ira_split)
        results["tweets"] = _evaluate(units, pool, "tweets", seed, progress, posts)
        log.info("tweets done in %.0f s", time.perf_counter() - started)
    headline = results.get("c50") or next(iter(results.values()))
    keys = (
        "fpr",
        "fpr_operators_include_author",
        "fpr_operators_exclude_author",
        "tpr",
        "auc",
        "k_accuracy",
        "k_accuracy_style_only",
        "doc_accuracy",
        "ari",
        "by_k",
        "by_size",
        "size_20_plus",
    )
    return {
        **{k: headline[k] for k in keys},
        "headline_source": "c50" if "c50" in results else "tweets",
        "alpha": ALPHA,
        **results,
        "seconds": round(time.perf_counter() - started, 1),
    }
