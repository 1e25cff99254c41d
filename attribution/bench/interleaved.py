"""``bench interleaved``: composite bylines built the way real ones arise, from real streams.

Real time-stamped streams of 2-4 IRA persona accounts of one ``account_category`` are merged
over a common window, each post keeping its real time stamp (``composite.interleave``); the
negatives are runs of one account's consecutive posts at the same sizes. Only ``test`` accounts
are used; the shipped style space and null were built from ``train`` and ``tune`` accounts.

How clean the truth is: accounts of one category may share an operator, or run the same
scripted content, so a "composite" of two accounts can be one hand and a "single" account
several. Each composite's ``separability`` is the 5-fold cross-validated balanced accuracy of a
char n-gram classifier trained on its true labels: what a supervised reader could do. The keys
are reported over all composites and over the clean ones (separability >= 0.9).
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score, roc_auc_score
from sklearn.model_selection import cross_val_score

from attribution.bench.interleaved_articles import c50_section
from attribution.bench.interleaved_encoder import encoder_section
from attribution.bench.scores import bootstrap_mean, pooled_reliability
from attribution.composite.calibration import BENCH_ALPHA, compare_posts, tweet_null, tweet_reference
from attribution.composite.interleave import (
    Byline,
    matched_right,
    merged_byline,
    post_purity,
    single_byline,
    thinned_single_byline,
    whole_stream_byline,
    writer_shares,
    writer_streams,
)
from attribution.composite.pools import ira_posts
from attribution.composite.posts import PostAnalysis, analyse_posts
from attribution.composite.tweets import decide_k, post_writers, read_views, writers_view
from attribution.composite.writer_model import VIEWS
from attribution.features.short_text import mask_post, post_kinds
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

ALPHA = BENCH_ALPHA
SIZES = (200, 1000, 4000)
#: (negatives, composites) per size: at 4,000 posts few test accounts can fill a byline.
PER_SIZE = {200: (25, 35), 1000: (25, 35), 4000: (25, 30)}
#: More negatives, from a stream of their own (the plan's first bylines stay as they were): 25
#: negatives bound the false-positive rate only to about +-0.12.
EXTRA_NEGATIVES = {200: 75, 1000: 35, 4000: 0}
CATEGORIES = ("RightTroll", "LeftTroll", "HashtagGamer")
CLEAN_SEPARABILITY = 0.9
SEPARABILITY_POSTS = 800
#: Single accounts thinned at random, keeping a share drawn uniformly in ``THINNED_KEEP`` of a
#: run (the composites' majority writers are thinned too, at shares their window sets): a control
#: that composites are not told apart by their construction. Drawn from accounts long enough
#: for the smallest share, so prolific accounts stand for more of it.
CONTROL_SINGLES = {200: 25, 1000: 25}
THINNED_KEEP = (0.3, 0.7)
#: A second construction at 1,000 posts: same-category accounts' streams merged whole over their
#: common period (no writer thinned, shares as they fall), against the 1,000-post single runs.
WHOLE_STREAM_COMPOSITES = 30
#: The issue's largest byline: it must run with bounded memory (one account's run: its cost, not its verdict).
LONG_POSTS = 20_000


def _separability(byline: Byline, rng: np.random.Generator) -> float:
    """Balanced accuracy a supervised char n-gram classifier reaches on the true writers
    (on at most ``SEPARABILITY_POSTS`` posts drawn at random: the question is the writers', not the size's)."""
    posts = byline.posts
    if len(posts) > SEPARABILITY_POSTS:
        posts = posts.iloc[np.sort(rng.choice(len(posts), SEPARABILITY_POSTS, replace=False))]
    texts = [mask_post(t) for t in posts["text"]]
    labels = posts["writer"].to_numpy()
    if np.unique(labels, return_counts=True)[1].min() < 5:
        return float("nan")
    features = TfidfVectorizer(
        analyzer="char", ngram_range=(2, 4), sublinear_tf=True, min_df=2, lowercase=False
    ).fit_transform(texts)
    model = LogisticRegression(C=10, max_iter=2000, class_weight="balanced")
    return float(cross_val_score(model, features, labels, cv=5, scoring="balanced_accuracy").mean())


def _draw_singles(
    streams: dict[str, pd.DataFrame],
    min_posts: float,
    n: int,
    rng: np.random.Generator,
    make: Callable[[pd.DataFrame], Byline | None],
) -> list[Byline]:
    """``n`` bylines ``make`` builds, each from an account with ``min_posts`` or more drawn at random."""
    eligible = sorted(w for w, s in streams.items() if len(s) >= min_posts)
    drawn = [make(streams[eligible[int(rng.integers(len(eligible)))]]) for _ in range(n if eligible else 0)]
    return [b for b in drawn if b is not None]


def _singles(streams: dict[str, pd.DataFrame], size: int, n: int, rng: np.random.Generator) -> list[Byline]:
    """``n`` runs of ``size`` consecutive posts, each of an account drawn at random."""
    return _draw_singles(streams, size, n, rng, lambda stream: single_byline(stream, size, rng))


def _thinned_singles(streams: dict[str, pd.DataFrame], size: int, n: int, rng: np.random.Generator) -> list[Byline]:
    """``n`` single accounts' windows thinned at random to ``size`` posts (``thinned_single_byline``)."""
    low, high = THINNED_KEEP
    return _draw_singles(
        streams, size / low, n, rng, lambda stream: thinned_single_byline(stream, size, rng.uniform(low, high), rng)
    )


def build_bylines(posts: pd.DataFrame, seed: int) -> list[Byline]:
    """The seeded plan: per size, negatives and composites of 2-4 same-category accounts of ``posts``
    (the bench passes the test accounts; the post calibration's build, the tune accounts)."""
    rng = np.random.default_rng([seed, 19])
    extra_rng = np.random.default_rng([seed, 29])
    streams = writer_streams(posts)
    category = posts.groupby("writer")["category"].first()
    out: list[Byline] = []
    for size in SIZES:
        n_neg, n_pos = PER_SIZE[size]
        out.extend(_singles(streams, size, n_neg, rng))
        made = attempts = 0
        while made < n_pos and attempts < 400:
            attempts += 1
            k = int(rng.choice([2, 2, 3, 4]))
            cat = CATEGORIES[int(rng.integers(len(CATEGORIES)))]
            shares = writer_shares(k, rng)
            pool = sorted(w for w in streams if category[w] == cat and len(streams[w]) >= shares.min() * size)
            if len(pool) < k:
                continue
            chosen = rng.choice(pool, k, replace=False)
            byline = merged_byline([streams[w] for w in chosen], shares, size, rng)
            if byline is not None:
                out.append(byline)
                made += 1
        if made < n_pos:
            log.warning(
                "interleaved: only %d of %d composites of %d posts could be built from the accounts given",
                made,
                n_pos,
                size,
            )
        out.extend(_singles(streams, size, EXTRA_NEGATIVES[size], extra_rng))
    return out


def summarise(rows: list[dict], view: str) -> dict:
    """auc, fpr, tpr, exact_k, post_purity, ari (with 95% intervals) of one view over ``rows``."""
    y = np.array([r["k"] > 1 for r in rows])
    if not len(rows):
        return {"n": 0}
    # Ranked by the test's p-value: gains of bylines of different sizes (or tested in chunks) do not compare.
    p_values = np.array([r[view]["p"] for r in rows])
    reject = np.array([r[view]["p"] <= ALPHA for r in rows], dtype=float)
    exact = np.array([r[view]["k"] == r["k"] for r in rows], dtype=float)
    pos = [r for r in rows if r["k"] > 1]
    purity = np.array([r[view]["purity"] for r in pos], dtype=float)
    ari = np.array([r[view]["ari"] for r in pos], dtype=float)
    # Intervals resample accounts (or sets of accounts), not bylines: one account gives several runs.
    accounts = np.array([r.get("accounts", str(i)) for i, r in enumerate(rows)])
    out = {
        "n": len(rows),
        "n_composite": int(y.sum()),
        "auc": round(float(roc_auc_score(y, -p_values)), 4) if 0 < y.sum() < len(y) else None,
        "fpr": round(float(reject[~y].mean()), 4) if (~y).any() else None,
        "fpr_ci": bootstrap_mean(reject[~y], groups=accounts[~y]),
        "tpr": round(float(reject[y].mean()), 4) if y.any() else None,
        "tpr_ci": bootstrap_mean(reject[y], groups=accounts[y]),
        "exact_k": round(float(exact.mean()), 4),
        "exact_k_ci": bootstrap_mean(exact, groups=accounts),
        "post_purity": round(float(np.nanmean(purity)), 4) if len(purity) else None,
        "post_purity_ci": bootstrap_mean(purity, groups=accounts[y]),
        "ari": round(float(np.nanmean(ari)), 4) if len(ari) else None,
        "ari_ci": bootstrap_mean(ari, groups=accounts[y]),
    }
    return out


def _score(byline: Byline, vectors: np.ndarray, variances, seed: int) -> dict:
    """Every view's gain, p-value, chosen k, purity and ARI on one byline."""
    n = len(byline.posts)
    truth = byline.posts["writer"].to_numpy()
    row: dict = {
        "k": byline.k,
        "n": n,
        "shares": byline.shares,
        "minority": min(byline.shares),
        "accounts": "+".join(sorted(byline.writers)),
    }
    kinds = post_kinds(byline.posts["text"].tolist())
    times = byline.posts["timestamp"]
    analyses = {view: analyse_posts(vectors, times, variances, kinds, view=view, seed=seed) for view in VIEWS}
    nulls = {view: compare_posts(vectors, times, kinds, analyses[view].gain, view, seed) for view in VIEWS}
    # "both" is the shipped decision, as the CLI takes it (the three views' p-values read by
    # minP; the writers and the k penalty of the view that names them); "joint_model" the joint
    # model's gain alone, as the test decided before stop 29.
    writers = writers_view(analyses)
    decisions = {
        "style": (analyses["style"], nulls["style"]),
        "behaviour": (analyses["behaviour"], nulls["behaviour"]),
        "both": (writers, replace(nulls[writers.view], p_value=read_views(nulls, times).p_value)),
        "joint_model": (analyses["both"], nulls["both"]),
    }
    for name, (analysis, null) in decisions.items():
        k = decide_k(analysis, null.p_value, null.quantile_95, ALPHA)
        labels = analysis.post_labels(k)
        row[name] = {
            "gain": analysis.gain,
            "p": null.p_value,
            "k": k,
            "purity": post_purity(truth, labels),
            "ari": adjusted_rand_score(truth, labels),
        }
    chosen = row["both"]["k"]
    row["confidence"] = {
        "chosen_k": _post_confidence(writers, chosen, truth) if chosen > 1 and byline.k > 1 else None,
        "true_k": _post_confidence(writers, byline.k, truth) if byline.k > 1 else None,
    }
    return row


def _post_confidence(analysis: PostAnalysis, k: int, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The writer model's own belief in each post's label, the probability the report states, and
    whether the post sits with its own writer, at ``k`` writers."""
    split = post_writers(analysis, k)
    return split.belief, split.stated, matched_right(truth, split.labels)


def confidence_section(rows: list[dict]) -> dict:
    """How the per-post probabilities of composites' writers hold up: the model's own belief and
    the shipped map of it, at the k the test chose (detected composites) and at the true k."""
    out: dict = {
        "rule": "each post's stated probability of its writer against whether it sits in the cluster matched to "
        "its own writer (Hungarian); 'model' is the writer model's own one-step posterior, 'shipped' the "
        "probability the report states (the map fitted on tune accounts' composites)"
    }
    for when in ("chosen_k", "true_k"):
        triples = [r["confidence"][when] for r in rows if r["confidence"][when] is not None]
        out[when] = {
            "model": pooled_reliability([(belief, right) for belief, _, right in triples]),
            "shipped": pooled_reliability([(stated, right) for _, stated, right in triples]),
        }
    return out


def whole_stream_composites(posts: pd.DataFrame, size: int, n: int, seed: int) -> list[Byline]:
    """``n`` composites of 2-3 same-category test accounts merged whole (``whole_stream_byline``),
    from a random stream of their own (the plan's bylines stay as they were)."""
    rng = np.random.default_rng([seed, 47])
    streams = writer_streams(posts)
    category = posts.groupby("writer")["category"].first()
    out: list[Byline] = []
    for _ in range(40 * n):
        if len(out) == n:
            break
        cat = CATEGORIES[int(rng.integers(len(CATEGORIES)))]
        pool = sorted(w for w in streams if category[w] == cat and len(streams[w]) >= 0.1 * size)
        k = int(rng.choice([2, 2, 3]))
        if len(pool) < k:
            continue
        byline = whole_stream_byline([streams[w] for w in rng.choice(pool, k, replace=False)], size, rng)
        if byline is not None:
            out.append(byline)
    if len(out) < n:
        log.warning("interleaved: only %d of %d whole-stream composites could be built", len(out), n)
    return out


def _construction_control(posts: pd.DataFrame, space, variances, seed: int) -> dict:
    """False-positive rate on single test accounts' runs thinned at random (``_thinned_singles``):
    near alpha, the composites found are not found by how they were built."""
    rng = np.random.default_rng([seed, 43])
    streams = writer_streams(posts)
    out: dict = {
        "rule": f"one account's consecutive run thinned at random to the byline's size, share kept in {THINNED_KEEP}"
    }
    for size, n in CONTROL_SINGLES.items():
        rows = [
            _score(byline, space.transform(byline.posts["text"].tolist()), variances, seed)
            for byline in _thinned_singles(streams, size, n, rng)
        ]
        block = summarise(rows, "both")
        out[str(size)] = {"n": block["n"], "fpr": block.get("fpr"), "fpr_ci": block.get("fpr_ci")}
    return out


def _longest_run(posts: pd.DataFrame, seed: int) -> Byline | None:
    """``LONG_POSTS`` consecutive posts of the longest test account: the size the command must still run."""
    sizes = posts.groupby("writer").size()
    stream = posts[posts["writer"] == sizes.idxmax()].reset_index(drop=True)
    return single_byline(stream, LONG_POSTS, np.random.default_rng([seed, 37]))


def _product_cost(byline: Byline) -> dict:
    """Seconds and peak RSS of ``attribution composite FILE --kind tweet --json`` on one byline,
    in a fresh process (``bench.first_use.measure``): the whole command a user runs (all views,
    the distribution over k, the report data), not a friendlier part of it."""
    import tempfile
    from pathlib import Path

    from attribution.bench.first_use import measure

    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/byline.jsonl"
        byline.posts.assign(timestamp=byline.posts["timestamp"].astype(str)).drop(columns="writer").to_json(
            path, orient="records", lines=True
        )
        run = measure(["composite", path, "--kind", "tweet", "--json", "-q"], Path(tmp))
        if run["exit_code"] not in (0, 1):
            raise RuntimeError(
                f"attribution composite failed on a {len(byline.posts):,}-post byline: {run['stderr_tail']}"
            )
        return {"seconds": run["seconds"], "peak_rss_mb": run["peak_rss_mb"]}


def run(data_dir=None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Build the bylines from test accounts, score them, and summarise."""
    started = time.time()
    posts = ira_posts(data_dir)
    posts = posts[posts["part"] == "test"]
    bylines = build_bylines(posts, seed)
    space, variances, meta = tweet_reference()
    rows = []
    rng = np.random.default_rng([seed, 23])
    for byline in progress(bylines, desc="interleaved bylines"):
        vectors = space.transform(byline.posts["text"].tolist())
        row = _score(byline, vectors, variances, seed)
        row["separability"] = _separability(byline, rng) if byline.k > 1 else None
        rows.append(row)
    big = [r for r in rows if r["n"] >= 1000]
    clean = [r for r in big if r["k"] == 1 or (r["separability"] or 0) >= CLEAN_SEPARABILITY]
    result: dict = {"bylines": len(rows), "composites": sum(r["k"] > 1 for r in rows), "alpha": ALPHA}
    result.update(summarise(big, "both"))
    result["by_size"] = {str(s): summarise([r for r in rows if r["n"] == s], "both") for s in SIZES}
    result["by_share"] = {
        label: summarise([r for r in big if r["k"] == 1 or lo <= r["minority"] < hi], "both")
        for label, lo, hi in (("10-25%", 0.0, 0.25), ("25-50%", 0.25, 0.51))
    }
    result["ablation"] = {view: summarise(big, view) for view in (*VIEWS, "joint_model")}
    result["post_confidence"] = {
        **confidence_section(big),
        "by_size": {str(s): confidence_section([r for r in rows if r["n"] == s]) for s in SIZES},
    }
    result["clean_truth"] = {
        "rule": f"composites whose writers a supervised char n-gram classifier separates at balanced accuracy >= {CLEAN_SEPARABILITY}",
        "share_of_composites": round(sum(r["k"] > 1 for r in clean) / max(1, sum(r["k"] > 1 for r in big)), 4),
        "separability_median": round(
            float(np.nanmedian([r["separability"] for r in big if r["k"] > 1] or [np.nan])), 4
        ),
        **{view: summarise(clean, view) for view in (*VIEWS, "joint_model")},
    }
    largest = [b for b in bylines if len(b.posts) == max(SIZES) and b.k > 1] or [
        b for b in bylines if len(b.posts) == max(SIZES)
    ]
    if largest:
        cost = _product_cost(largest[0])
        result["seconds_per_byline"] = round(cost["seconds"], 2)
        result["peak_rss_mb"] = round(cost["peak_rss_mb"], 1)
    long_run = _longest_run(posts, seed)
    if long_run is not None:
        cost = _product_cost(long_run)
        result["seconds_20000"] = round(cost["seconds"], 2)
        result["peak_rss_mb_20000"] = round(cost["peak_rss_mb"], 1)
    result["construction_control"] = _construction_control(posts, space, variances, seed)
    whole = [
        _score(b, space.transform(b.posts["text"].tolist()), variances, seed)
        for b in progress(whole_stream_composites(posts, 1000, WHOLE_STREAM_COMPOSITES, seed), desc="whole streams")
    ]
    negatives = [r for r in rows if r["n"] == 1000 and r["k"] == 1]
    result["whole_streams"] = {
        "rule": "2-3 same-category test accounts' streams merged whole over their common period, 1,000 consecutive "
        "posts with every writer at 10% or more; negatives: the 1,000-post single runs",
        **summarise(whole + negatives, "both"),
        "ablation": {view: summarise(whole + negatives, view) for view in (*VIEWS, "joint_model")},
    }
    result["c50"] = c50_section(posts, data_dir, summarise, alpha=ALPHA, seed=seed, progress=progress)
    tune = ira_posts(data_dir)
    result["encoder"] = encoder_section(
        bylines, tune[tune["part"] == "tune"], space, variances, seed=seed, progress=progress
    )
    null_meta = tweet_null()["meta"]
    result["reference"] = {
        **{k: meta.get(k) for k in ("built", "commit", "train_accounts", "tune_accounts")},
        "null_built": null_meta["built"],
        "null_commit": null_meta["commit"],
        "null_draws_per_size": null_meta["draws_per_size"],
    }
    result["null_sizes"] = {view: sorted(int(s) for s in tweet_null()["null"][view]) for view in VIEWS}
    result["seconds"] = round(time.time() - started, 1)
    result["peak_rss_mb_bench"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result
