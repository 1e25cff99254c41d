"""The composite test for time-stamped posts: the per-post writer model with the shipped null.

A short pipeline of named steps: place the posts in the shipped style space, fit the writer
model under each view (style alone, behaviour alone, both), compare each gain with the null of
single accounts of the byline's size, decide k, and describe each writer (posts, examples,
posting hours). Needs no data folder: the style space and the null ship with the package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import datasets
import numpy as np
import pandas as pd

from attribution.behaviour.schedules import byline_schedules
from attribution.composite.calibration import (
    BENCH_ALPHA,
    MATCHED_SHARE,
    MeasuredRate,
    NullComparison,
    compare_posts,
    compare_to_null,
    compare_to_values,
    decision_p_value,
    measured_rate,
    min_p_null,
    null_from_bylines,
    results_source,
    shipped_min_p_null,
    shipped_results,
    trusted_size,
    tweet_null,
    tweet_reference,
    typicality,
)
from attribution.composite.explain import distinguishing_features, verdict_of, weaken_single
from attribution.composite.metadata import metadata_evidence, metadata_values
from attribution.composite.post_confidence import measured_clause, shipped_post_calibration
from attribution.composite.posts import K_MAX, SESSION_GAP_MINUTES, PostAnalysis, analyse_posts, within_kind
from attribution.composite.sessions import posts_per_session
from attribution.composite.writer_model import VIEWS, WriterMixture
from attribution.errors import ConfigError
from attribution.features.short_text import post_kinds
from attribution.progress import ProgressFactory, no_progress

STATISTIC = "writer-model gain: collapsed log-likelihood of the best split into 2-4 writers over one writer"
#: Subsamples of the units for the distribution over k.
N_SUBSAMPLES = 10
SUBSAMPLE = 0.8
BETWEEN_THRESHOLD = 0.5
#: A user's reference byline needs this many posts; this many runs are drawn from them.
MIN_REFERENCE_POSTS = 50
REFERENCE_DRAWS = 60
FEW_REFERENCE_BYLINES = 10


def _time_ordered(dataset: datasets.Dataset) -> pd.DataFrame:
    frame = dataset.to_pandas()
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame.sort_values("timestamp", kind="stable", na_position="last").reset_index(drop=True)


def fit_views(
    vectors: np.ndarray, times: pd.Series, kinds: np.ndarray, seed: int, progress: ProgressFactory = no_progress
) -> dict[str, PostAnalysis]:
    """The writer model under every view, on posts already placed in the shipped style space."""
    _, variances, _ = tweet_reference()
    return {
        view: analyse_posts(vectors, times, variances, kinds, view=view, seed=seed)
        for view in progress(VIEWS, desc="writer model")
    }


def decide_k(analysis: PostAnalysis, p_value: float, penalty: float, alpha: float) -> int:
    """1 unless one writer is rejected (``p_value``); then the k whose extra writers each add more
    than ``penalty``, a single account's spurious split at the 95% level."""
    if p_value > alpha:
        return 1
    return max(2, analysis.fit.choose_k(penalty))


def writers_view(analyses: dict[str, PostAnalysis]) -> PostAnalysis:
    """The fit that names the writers: the joint model's, or the style view's (posts as units)
    when every post fell in one sitting and the joint model has a single unit to split."""
    return analyses["both"] if analyses["both"].n_units >= 2 else analyses["style"]


@dataclass(frozen=True)
class ViewsDecision:
    """The byline's p-value and how its views were read to get it."""

    p_value: float
    rule: str  # in words, for the result
    views: tuple[str, ...]  # the views the p-value read


def read_views(
    nulls: dict[str, NullComparison],
    times: pd.Series,
    null_min_p: Callable[[int], np.ndarray] = shipped_min_p_null,
) -> ViewsDecision:
    """The byline's p-value from its views' comparisons: the smallest, calibrated against the
    null's runs of the size compared (``null_min_p``; ``decision_p_value``). Style alone when no
    post has a time; Bonferroni over the three when the views were not compared on the same posts
    (a long byline with untimed posts: style is chunked over all posts, the time views over the
    timed ones), where the null's minP, one statistic over the same posts, does not apply."""
    timed = pd.Series(times).notna()
    if not timed.any():
        return ViewsDecision(nulls["style"].p_value, "the style view alone (no post has a time)", ("style",))
    same_runs = len({(nulls[view].size_used, nulls[view].chunks) for view in VIEWS}) == 1
    if not same_runs or (nulls["style"].chunks > 1 and not timed.all()):
        return ViewsDecision(
            min(1.0, len(VIEWS) * min(nulls[view].p_value for view in VIEWS)),
            "three times the smallest of the style, posting-behaviour and joint-model p-values (Bonferroni: "
            "the views were not compared on the same posts, as only some posts have a time)"
            + ("; each view's chunks' p-values joined by the Cauchy combination" if nulls["style"].chunks > 1 else ""),
            VIEWS,
        )
    rule = (
        "the smallest of the style, posting-behaviour and joint-model p-values, calibrated against the same "
        "smallest p-value of the null's single-writer runs (minP)"
    )
    if nulls["style"].chunks > 1:
        rule = f"in each chunk, {rule}; the chunks' calibrated p-values joined by the Cauchy combination"
    return ViewsDecision(decision_p_value(nulls, null_min_p(nulls["style"].size_used)), rule, VIEWS)


class _Null:
    """Where gains are compared: the shipped null, or one measured on the user's ``--reference``."""

    def __init__(self, reference: datasets.Dataset | None, n_posts: int, seed: int, progress: ProgressFactory):
        self.values: dict[str, np.ndarray] | None = None
        self._min_p: np.ndarray | None = None
        if reference is None:
            meta = tweet_null()["meta"]
            self.description = f"single IRA persona accounts ({meta['tune_accounts']} tune accounts)"
            return
        space, _, _ = tweet_reference()
        frame = reference.select_columns(["text", "author", "byline", "timestamp"]).to_pandas()
        frame["writer"] = frame["author"].fillna(frame["byline"])
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
        frame = frame.dropna(subset=["writer"]).sort_values(["writer", "timestamp"], kind="stable")
        streams = [
            (
                space.transform(group["text"].tolist()),
                group["timestamp"].reset_index(drop=True),
                post_kinds(group["text"].tolist()),
            )
            for _, group in progress(frame.groupby("writer", sort=True), desc="reference bylines")
            if len(group) >= MIN_REFERENCE_POSTS
        ]
        if not streams:
            raise ConfigError(
                f"the reference corpus has no byline with {MIN_REFERENCE_POSTS} or more posts; "
                "it needs single-writer bylines (an author or byline column) of the same genre"
            )
        self.values, self.size, self.bylines = null_from_bylines(
            streams, n_posts, VIEWS, draws=REFERENCE_DRAWS, seed=seed
        )
        self.description = f"the user's reference corpus ({self.bylines} single-writer bylines)"

    def compare(
        self, vectors: np.ndarray, times: pd.Series, kinds: np.ndarray, gain: float, view: str, seed: int
    ) -> NullComparison:
        if self.values is None:
            return compare_posts(vectors, times, kinds, gain, view, seed)
        return compare_to_values(gain, self.values[view], self.size, len(vectors))

    def penalty(self, times: pd.Series, view: str = "both") -> float:
        """``view``'s 95% null quantile for a byline like ``times``: the price of a writer."""
        if self.values is None:
            density = posts_per_session(times, SESSION_GAP_MINUTES)
            return compare_to_null(0.0, len(times), view, density).quantile_95
        return float(np.quantile(self.values[view], 0.95))

    def min_p(self, size: int) -> np.ndarray:
        """The decision statistic's null (``calibration.min_p_null``) for runs of ``size`` posts."""
        if self.values is None:
            return shipped_min_p_null(size)
        if self._min_p is None:
            self._min_p = min_p_null(self.values, None)
        return self._min_p


def _k_distribution(
    vectors: np.ndarray,
    times: pd.Series,
    kinds: np.ndarray,
    null: _Null,
    alpha: float,
    seed: int,
    progress: ProgressFactory,
) -> dict:
    """k over subsamples of 80% of the posts (the whole decision rerun on each)."""
    rng = np.random.default_rng([seed, 31])
    n = len(vectors)
    draws = []
    for _ in progress(range(N_SUBSAMPLES), desc="k subsamples"):
        pick = np.sort(rng.choice(n, max(2, int(SUBSAMPLE * n)), replace=False))
        v, t, c = vectors[pick], times.iloc[pick].reset_index(drop=True), kinds[pick]
        analyses = fit_views(v, t, c, seed, no_progress)
        nulls = {view: null.compare(v, t, c, analyses[view].gain, view, seed) for view in VIEWS}
        writers = writers_view(analyses)
        decision = read_views(nulls, t, null.min_p)
        draws.append(decide_k(writers, decision.p_value, null.penalty(t, writers.view), alpha))
    values, counts = np.unique(draws, return_counts=True)
    return {
        "probabilities": {str(int(v)): round(float(c / len(draws)), 4) for v, c in zip(values, counts)},
        "interval": [int(np.quantile(draws, 0.05, method="lower")), int(np.quantile(draws, 0.95, method="higher"))],
    }


#: How each view is named to a reader.
VIEW_NAMES = {"style": "style", "behaviour": "posting behaviour", "both": "one model over both"}


def _null_method(pool: _Null, nulls: dict[str, NullComparison]) -> str:
    style, behaviour = nulls["style"], nulls["behaviour"]
    runs = (
        f"style against {style.n_null} runs of {style.size_used} consecutive posts, posting behaviour and the model "
        f"over both against {behaviour.n_null}"
        + (" (the runs nearest the byline in posts per session)" if pool.values is None else "")
    )
    if all(nulls[view].chunks == 1 for view in VIEWS):
        return f"{pool.description}; {runs}"
    return (
        f"{pool.description}: the byline tested in chunks of {style.size_used} consecutive posts "
        f"({style.chunks} for style, {behaviour.chunks} for the views that read time), {runs} each, each view's "
        "chunks' p-values joined by the Cauchy combination"
    )


def _evidence_sentence(nulls: dict[str, NullComparison], decision: ViewsDecision, alpha: float) -> str:
    """Which evidence carried the verdict, from each view's own calibrated p-value."""
    own = {VIEW_NAMES[view]: nulls[view].p_value for view in decision.views}
    parts = [f"{name} p = {p:.3f}" for name, p in own.items()]
    if len(own) > 1:
        parts.append(f"the three read together p = {decision.p_value:.3f}")
    smallest = min(own.values())
    below = [name for name, p in own.items() if p <= alpha]
    if decision.p_value <= alpha and not below and nulls["style"].chunks > 1:
        # Placed chunk by chunk, the smallest p of each chunk can carry it while no view's joined p does.
        lead = (
            "One writer is rejected by the views read together chunk by chunk (in each chunk the smallest "
            "view p, calibrated), though no view's own p falls below alpha"
        )
    elif decision.p_value <= alpha:
        lead = f"One writer is rejected on {' and '.join(n for n, p in own.items() if p == smallest)}"
    elif below:
        each = "alone falls" if len(below) == 1 else "each fall"
        lead = (
            f"{' and '.join(below).capitalize()} {each} below alpha, but not once three views are looked at "
            "(the calibrated smallest p), so one writer is not rejected"
        )
    elif len(own) > 1:
        lead = "No view (style, posting behaviour, one model over both) rejects one writer"
    else:
        lead = "Style does not reject one writer"
    where = "" if len(own) > 1 else " no post has a time, so style alone decides;"
    return f"{lead} ({where}{'; '.join(parts)})."


#: Below this measured detection rate a "one writer" answer is reported as weak evidence.
WEAK_POWER = 0.5


def _weak_power(measured: dict | None) -> bool:
    """Whether the shipped run found too few composites for "one writer" to be read as a finding."""
    tpr = (measured or {}).get("tpr")
    return tpr is not None and tpr < WEAK_POWER


def measured_at_size(results: dict | None, n_posts: int) -> dict | None:
    """The shipped ``bench interleaved`` rates of the measured byline size nearest the byline's
    (on a log scale), with the run's provenance and a ``posts`` label; None when not measured."""
    if not results:
        return None
    sizes = [int(s) for s in results.get("by_size", {})]
    if not sizes:
        return {**results, "posts": "1,000+"}
    # A byline tested whole and one tested in chunks are different tests: quote the same kind.
    chunked = n_posts > trusted_size()
    alike = [s for s in sizes if (s > trusted_size()) == chunked] or sizes
    nearest = min(alike, key=lambda s: abs(np.log(s / max(n_posts, 1))))
    return {**results["by_size"][str(nearest)], "provenance": results.get("provenance"), "posts": f"{nearest:,}"}


def _measured_fpr(measured: dict | None) -> MeasuredRate:
    """The shipped ``bench interleaved`` false-positive rate at the nearest size, with its single
    bylines counted (all bylines of the size less its composites) and the bench's interval."""
    if measured is None:
        return MeasuredRate(None, None)
    source = results_source(
        measured, "interleaved", f"held-out IRA accounts, bylines of {measured['posts']} posts, alpha {BENCH_ALPHA:g}"
    )
    singles = measured["n"] - measured["n_composite"] if "n" in measured and "n_composite" in measured else None
    return measured_rate(measured.get("fpr"), source, singles, measured.get("fpr_ci"))


def _measured_caveats(measured: dict | None, alpha: float) -> list[str]:
    """What the shipped ``bench interleaved`` run says about trusting this test's answer."""
    if not measured:
        return ["This test's error rates on interleaved composites have not been measured for this release."]
    out = []
    fpr = measured.get("fpr")
    if _weak_power(measured):
        out.append(
            f"On held-out composites of same-category IRA accounts ({measured.get('posts', '1,000+')} posts) this test "
            f"found {measured['tpr']:.0%} of them: 'no evidence of more than one writer' is weak evidence of one writer."
        )
    if fpr is not None and fpr > alpha:
        out.append(
            f"On held-out single IRA accounts it called {fpr:.0%} composite at alpha {alpha:g} (more than alpha): "
            "read a p-value near alpha with caution."
        )
    return out


def _xy(vectors: np.ndarray) -> np.ndarray:
    """Two principal coordinates of the posts' style vectors (for the map)."""
    centred = vectors - vectors.mean(axis=0)
    if len(centred) < 3:
        return np.zeros((len(centred), 2))
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vt[:2].T
    signs = np.sign(coords[np.argmax(np.abs(coords), axis=0), [0, 1]])
    return coords * np.where(signs == 0, 1.0, signs)


def model_confidence(analysis: PostAnalysis, k: int) -> np.ndarray:
    """The model's own probability of each post's writer given every other unit's (one Gibbs
    step): its belief, which marks posts it is torn on but is shown to readers only through
    ``post_confidence``'s measured map."""
    k = min(k, len(analysis.fit.labels))
    if k <= 1:
        return np.ones(len(analysis.unit_of_post))
    _, variances, _ = tweet_reference()
    labels = analysis.fit.labels[k - 1]
    model = WriterMixture(analysis.units, variances, view=analysis.view)
    unit_probability = model.posteriors(labels)[np.arange(len(labels)), labels]
    return unit_probability[analysis.unit_of_post]


@dataclass(frozen=True)
class PostWriters:
    """A split of the posts into ``k`` writers: each post's label, the model's belief in it, and
    the probability a reader is shown (the shipped map of that belief)."""

    labels: np.ndarray
    belief: np.ndarray
    stated: np.ndarray


def post_writers(analysis: PostAnalysis, k: int) -> PostWriters:
    """The writers ``analysis`` gives the posts at ``k``, as the result and the benches read them."""
    labels = analysis.post_labels(k)
    belief = model_confidence(analysis, k)
    return PostWriters(labels, belief, shipped_post_calibration().probability(belief, labels))


def test_posts(
    dataset: datasets.Dataset,
    *,
    name: str,
    load: dict,
    alpha: float,
    seed: int,
    versions: dict,
    reference: datasets.Dataset | None = None,
    metadata_column: str | None = None,
    progress: ProgressFactory = no_progress,
) -> dict[str, Any]:
    """The composite result (composite schema) of one byline of time-stamped posts.

    ``metadata_column``: a column of the posts (posting client, source app), read from ``meta``
    (load with ``keep_in_meta`` when the column also feeds a field, as ``source`` does), as a
    separate evidence family after the verdict (``composite.metadata``); never the verdict."""

    frame = _time_ordered(dataset)
    space, variances, meta = tweet_reference()
    vectors = space.transform(frame["text"].tolist())
    kinds = post_kinds(frame["text"].tolist())
    times = frame["timestamp"]
    analyses = fit_views(vectors, times, kinds, seed, progress)
    pool = _Null(reference, len(frame), seed, progress)
    nulls = {view: pool.compare(vectors, times, kinds, analyses[view].gain, view, seed) for view in VIEWS}
    main, null = writers_view(analyses), nulls["both"]
    decision = read_views(nulls, times, pool.min_p)
    p_value = decision.p_value
    k = decide_k(main, p_value, pool.penalty(times, main.view), alpha)
    k_block = _k_distribution(vectors, times, kinds, pool, alpha, seed, progress)
    writers = post_writers(main, k)
    labels, confidence = writers.labels, writers.stated
    metadata = None
    if metadata_column:
        values = metadata_values(frame["meta"].tolist(), metadata_column, name)
        # With one writer found, the best two-writer split is read: does it line up with the metadata?
        split = min(max(k, 2), len(main.fit.labels))
        metadata = metadata_evidence(
            values, main.unit_of_post, main.fit.labels[split - 1], metadata_column, seed, rejected=k > 1
        )
    distance, share_as_far = typicality(vectors, variances)
    caveats = [
        "Writers who post in the same sittings and share templates (one operator's accounts) cannot be told apart."
    ]
    if reference is None:
        caveats.append(
            "IRA accounts stand for single writers in the null, though some were run in shifts, so some "
            "'single' reference accounts may themselves be several writers."
        )
    elif pool.bylines < FEW_REFERENCE_BYLINES:
        caveats.append(
            f"The null rests on {pool.bylines} reference bylines: too few to span how single writers vary, "
            "so the p-value may be too small."
        )
    caveats.extend(dict.fromkeys(str(nulls[view].outside) for view in VIEWS if nulls[view].outside))
    if share_as_far == 0.0:
        caveats.append(
            f"The byline's style lies further from the reference accounts' centre ({distance:.2f}) than every reference "
            "account: it is outside what the null was measured on (another genre, era or language?)."
        )
    measured_results = shipped_results("interleaved")
    measured = measured_at_size(measured_results, len(frame)) if reference is None else None
    if reference is None:
        caveats.extend(_measured_caveats(measured, alpha))
    level = "composite" if p_value <= alpha else "inconclusive" if p_value <= 2 * alpha else "single"
    verdict = verdict_of(level, k, p_value, None)
    if measured is not None and _weak_power(measured):
        weaken_single(
            verdict,
            f"but this test found only {measured['tpr']:.0%} of the measured composites of IRA accounts "
            f"({measured['posts']} posts): weak evidence of one writer",
        )
    xy = _xy(within_kind(vectors, kinds))  # the map shows what the model clusters
    ids = [str(i) for i in frame["id"]]
    clusters = distinguishing_features(labels, frame["text"].tolist(), ids)
    for cluster in clusters:
        cluster.update(operator=None, operator_probability=None)
    documents = [
        {
            "id": ids[i],
            "title": None if pd.isna(frame["title"].iloc[i]) else frame["title"].iloc[i],
            "timestamp": None if pd.isna(times.iloc[i]) else times.iloc[i].isoformat(),
            "cluster": int(labels[i]),
            "cluster_confidence": round(float(confidence[i]), 4) if k > 1 else None,
            # The map hardly tells posts of one cluster apart; the model's own belief marks those it is torn on.
            "between_clusters": bool(k > 1 and writers.belief[i] < BETWEEN_THRESHOLD),
            "operator": None,
            "operator_probabilities": None,
            "xy": [round(float(xy[i, 0]), 4), round(float(xy[i, 1]), 4)],
        }
        for i in range(len(frame))
    ]
    # Each post is its own unit for the schedules (no ``meta.posts`` grouping).
    ordered = datasets.Dataset.from_pandas(frame[["id"]].assign(timestamp=times, meta=None), preserve_index=False)
    reference_meta = tweet_null()["meta"]
    return {
        "byline": name,
        "n_documents": len(frame),
        "kind": "tweet",
        "load": load,
        "seed": seed,
        "versions": versions,
        "verdict": verdict,
        "test": {
            "statistic_name": STATISTIC + (" (joint model)" if main.view == "both" else " (style view)"),
            "statistic": round(main.gain, 4),
            "p_value": round(p_value, 6),
            "style_p_value": round(nulls["style"].p_value, 6),
            "behaviour_p_value": round(nulls["behaviour"].p_value, 6),
            "joint_model_p_value": round(null.p_value, 6),
            "operator_p_value": None,
            "combination": decision.rule
            + (
                "; writers and k from one model over both views"
                if main.view == "both"
                else "; writers and k from the style view (every post in one sitting)"
            ),
            "evidence": _evidence_sentence(nulls, decision, alpha),
            "metadata": metadata,
            "alpha": alpha,
            "null_method": _null_method(pool, nulls),
            "n_null": min(nulls[view].n_null for view in VIEWS),
            **_measured_fpr(measured).as_keys("measured_fpr"),
            "measured_tpr": None if measured is None else measured.get("tpr"),
            "reference": {
                "built": reference_meta["built"],
                "commit": reference_meta["commit"],
                "style_space_built": meta.get("built"),
                "style_space_commit": meta.get("commit"),
                "typicality_distance": round(distance, 4),
                "reference_share_as_far": round(share_as_far, 4),
            },
        },
        "k": {
            "estimate": int(k),
            "source": "style" if main.view == "style" else "style and posting times",
            "style_only": None,
            "operator_informed": None,
            **k_block,
        },
        "clusters": clusters,
        "documents": documents,
        "operators": None,
        "behaviour": byline_schedules(ordered, ordered, labels.tolist(), seed=seed) if k > 1 else None,
        "rolling": None,
        "methods": {
            "features": "Per post: hashed character 1-4-grams and word 1-2-grams with links, mentions and numbers "
            "masked, plus typography rates (feature family 'short'), mapped by a linear discriminant projection "
            f"learned on {meta.get('train_accounts')} training accounts to {space.dims} style dimensions, each post "
            "taken relative to the byline's mean for its kind of post (link share, reply, 0/1/2+ hashtags).",
            "model": f"Posts pooled into sessions (gaps under {SESSION_GAP_MINUTES:.0f} minutes); a latent-writer mixture "
            "with a two-covariance Gaussian style model, a Dirichlet-multinomial profile over the kinds of post and a "
            "Dirichlet-multinomial posting-time model (hour of day x "
            f"weekend), scored in closed form; k = 1..{K_MAX} fitted by variational EM from seeded starts; "
            f"{N_SUBSAMPLES} subsamples of {int(SUBSAMPLE * 100)}% of the posts give the distribution over k.",
            "calibration": "p-value of each view's gain against runs of single accounts of the nearest measured size at "
            "or above the byline's, the session views' "
            f"against the {MATCHED_SHARE:.0%} of runs nearest the byline in posts per session (bylines over "
            f"{trusted_size()} posts: of each {trusted_size()}-post chunk, the chunks' p-values joined), the byline's "
            "p-value the smallest of the three views' p-values placed among the same smallest p of the null's runs "
            "(minP; for a chunked byline chunk by chunk, the chunks' calibrated p-values joined; three times the "
            "smallest p, Bonferroni, when the views were not compared on the same posts); from the "
            f"shipped null (built {reference_meta['built']}, commit {reference_meta['commit']}; style space built "
            f"{meta.get('built')}); the "
            "false-positive rate on held-out accounts is measured by `attribution bench interleaved`.",
            **({"confidence": _confidence_method(measured_results, measured, reference is None)} if k > 1 else {}),
            "caveats": caveats,
        },
    }


def _confidence_method(shipped: dict | None, measured: dict | None, shipped_null: bool) -> str:
    """What a post's confidence is, and how it matched the rate on held-out composites of the
    measured size nearest the byline's (``measured``: ``measured_at_size``'s record)."""
    built = shipped_post_calibration().meta
    what = "bylines tested against a reference of your own"
    section = None
    if shipped_null:
        by_size = ((shipped or {}).get("post_confidence") or {}).get("by_size") or {}
        posts = str((measured or {}).get("posts", ""))
        section = (by_size.get(posts.replace(",", "")) or {}).get("chosen_k", {}).get("shipped")
        what = f"held-out composites of same-category IRA accounts ({posts or '?'} posts, at the k the test chose)"
    return (
        "Each post's confidence is the rate at which posts in a cluster of its share, at this many writers, sat "
        f"with their own writer on {built.get('composites')} composites of tune IRA accounts (built "
        f"{built.get('built')}, commit {str(built.get('commit') or 'unknown')[:12]}); the writer model's own belief, "
        "near certainty for almost every post even where a split is no better than chance, hardly moves it, so the "
        "posts of one cluster are not told apart (posts marked between groups are those the model itself is torn "
        "on). It assumes the byline is a composite: a single writer split by mistake has no writer of its own per "
        "cluster." + measured_clause(section, what)
    )


test_posts.__test__ = False  # type: ignore[attr-defined]  # a library function, not a pytest test
