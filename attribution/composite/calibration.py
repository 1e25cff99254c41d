"""The shipped tweet reference: the style space and the null of the writer model's gain.

Both are built from the public IRA pool at release time by
``scripts/build_composite_reference.py`` and ship inside the package, so the test runs on a user's
file with no data folder. A byline's gain is compared with the gains of single ``tune`` accounts
of the nearest measured size at or above its own (the gain grows with size, so this errs towards
"one writer").

Every tune account long enough for a size gives the same number of runs (about 1,000 runs a size
up to 500 posts, so a style chunk's p-value can go down to about 0.001; a session view's, compared
with a third of them, to about 0.003).

Few tune accounts are long enough for the large sizes (21 at 1,000 posts, 3 at 4,000), and a null
drawn from so few accounts does not span how single accounts differ: held-out single accounts
were called composite far above alpha there (``docs/decisions.md``). A byline longer than the
largest size measured on ``MIN_NULL_ACCOUNTS`` accounts is therefore tested in consecutive chunks
of that size, and the chunks' p-values are joined by the Cauchy combination (Liu & Xie 2020),
which stays valid when the chunks are dependent.

The views whose units are sessions (behaviour, both) are compared only with the null runs nearest
the byline in posts per session: their gain grows with it (correlation 0.87 for behaviour on the
tune accounts' runs, ``docs/decisions.md`` stop 29), and a byline that posts in long sittings is
not evidence of several writers. The byline's p-value is the smallest of its views' p-values,
placed among the same statistic of the null's runs, chunk by chunk for a long byline
(``decision_p_value``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from attribution.composite.posts import SESSION_GAP_MINUTES, analyse_posts
from attribution.composite.sessions import posts_per_session
from attribution.composite.style_space import StyleSpace
from attribution.composite.writer_model import VIEWS, StyleVariances

#: A null size is trusted for whole bylines when at least this many tune accounts gave its runs.
MIN_NULL_ACCOUNTS = 40
#: Views whose units are sessions: compared with the null runs nearest in posts per session.
SESSION_VIEWS = ("behaviour", "both")
#: The share of a size's null runs, nearest the byline in posts per session, that forms its null.
MATCHED_SHARE = 1 / 3


@lru_cache(maxsize=1)
def tweet_reference() -> tuple[StyleSpace, StyleVariances, dict]:
    """The shipped style space for posts, its variances and how it was built."""
    with resources.as_file(resources.files("attribution.composite") / "data" / "tweet_reference.npz") as path:
        return StyleSpace.load(path)


@lru_cache(maxsize=1)
def tweet_null() -> dict:
    """``{"meta": …, "null": {view: {size: gains}}, "posts_per_session": {size: …}}`` of runs of
    single tune accounts (each size's lists aligned run by run)."""
    text = (resources.files("attribution.composite") / "data" / "tweet_null.json").read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class NullComparison:
    """A gain placed in the null of its size."""

    p_value: float
    size_used: int
    n_null: int
    quantile_95: float
    outside: str | None  # why the byline lies outside what was measured, if it does
    chunks: int = 1  # consecutive chunks of ``size_used`` posts whose p-values were combined
    chunk_p_values: tuple[float, ...] = ()  # each chunk's own p-value, in order, when ``chunks`` > 1


def matched_runs(gains: np.ndarray, densities: np.ndarray, density: float) -> np.ndarray:
    """The ``MATCHED_SHARE`` of null ``gains`` whose runs are nearest ``density`` posts per session
    (log scale); all of them when the byline has no timed post."""
    if not np.isfinite(density):
        return gains
    keep = max(1, int(round(MATCHED_SHARE * len(gains))))
    order = np.argsort(np.abs(np.log(densities) - np.log(density)), kind="stable")
    return gains[order[:keep]]


def density_outside(view: str, size: int, density: float) -> str | None:
    """Why a byline's posts per session lie beyond 95% of the null's runs of ``size``, if they
    do: the nearest runs are then all on one side of it, and its p-value leans."""
    densities = np.asarray(tweet_null()["posts_per_session"][str(size)], dtype=float)
    low, high = np.quantile(densities, [0.025, 0.975])
    if view not in SESSION_VIEWS or not np.isfinite(density) or low <= density <= high:
        return None
    side = "fewer" if density < low else "more"
    names = {"behaviour": "posting-behaviour", "both": "joint model's"}
    return (
        f"the byline posts {density:.2f} posts per sitting, {side} than 97.5% of the null's runs (95% of them post "
        f"{low:.2f}-{high:.2f}): its {names[view]} p-value is approximate"
        + (" and may be too small" if density > high else "")
    )


def compare_to_null(gain: float, n_posts: int, view: str, density: float = float("nan")) -> NullComparison:
    """Monte-Carlo p-value (+1 corrected) of ``gain`` for a byline of ``n_posts`` posts, posting
    ``density`` posts per session (used by the session views)."""
    table = tweet_null()["null"][view]
    sizes = sorted(int(s) for s in table)
    above = [s for s in sizes if s >= n_posts]
    size = above[0] if above else sizes[-1]
    values = np.asarray(table[str(size)], dtype=float)
    outside = None
    if not above:
        outside = (
            f"the byline has {n_posts} posts; the null was measured up to {sizes[-1]}, so its p-value is approximate"
        )
    if view in SESSION_VIEWS:
        values = matched_runs(values, np.asarray(tweet_null()["posts_per_session"][str(size)], dtype=float), density)
        outside = density_outside(view, size, density) or outside
    p = float((1 + np.sum(values >= gain)) / (1 + len(values)))
    return NullComparison(
        p_value=p, size_used=size, n_null=len(values), quantile_95=float(np.quantile(values, 0.95)), outside=outside
    )


def trusted_size() -> int:
    """The largest null size measured on at least ``MIN_NULL_ACCOUNTS`` tune accounts."""
    accounts = {int(s): int(a) for s, a in tweet_null()["meta"]["null_accounts_per_size"].items()}
    trusted = [s for s, a in accounts.items() if a >= MIN_NULL_ACCOUNTS]
    return max(trusted) if trusted else min(accounts)


def chunk_starts(n_posts: int, size: int) -> np.ndarray:
    """Starts of the fewest chunks of ``size`` posts that cover the byline, spread evenly (the
    last ones overlap their neighbours rather than leave posts out)."""
    return np.linspace(0, n_posts - size, -(-n_posts // size)).round().astype(int)


def cauchy_combination(p_values: np.ndarray, resolution: float) -> float:
    """One p-value from dependent ones (Liu & Xie 2020). Monte-Carlo p-values of 1 are moved
    to ``1 - resolution``, the null's step, as the test's tangent is infinite there."""
    p = np.clip(np.asarray(p_values, dtype=float), 1e-300, 1.0 - resolution)
    statistic = float(np.mean(np.tan((0.5 - p) * np.pi)))
    return float(min(1.0, max(0.0, 0.5 - np.arctan(statistic) / np.pi)))


def compare_posts(
    vectors: np.ndarray, times: pd.Series, kinds: np.ndarray, gain: float, view: str, seed: int = 0
) -> NullComparison:
    """The p-value of a byline whose writer model under ``view`` gained ``gain``: against the null
    of its size, or, beyond ``trusted_size()``, chunk by chunk, the chunks' p-values combined.

    ``quantile_95`` stays the whole byline's size's (it is the penalty for choosing k on the
    whole byline's fit)."""
    times = pd.Series(times).reset_index(drop=True)
    density = posts_per_session(times, SESSION_GAP_MINUTES)
    whole = compare_to_null(gain, len(vectors), view, density)
    size = trusted_size()
    if view != "style":
        # The time views' null holds timed sessions: chunks are cut from the timed posts only.
        timed = times.notna().to_numpy()
        vectors, times, kinds = vectors[timed], times[timed].reset_index(drop=True), np.asarray(kinds)[timed]
    if len(vectors) <= size:
        return whole
    _, variances, _ = tweet_reference()
    starts = chunk_starts(len(vectors), size)
    chunks = [
        compare_to_null(
            analyse_posts(
                vectors[s : s + size], times.iloc[s : s + size], variances, kinds[s : s + size], view=view, seed=seed
            ).gain,
            size,
            view,
            posts_per_session(times.iloc[s : s + size], SESSION_GAP_MINUTES),
        )
        for s in starts
    ]
    n_null = chunks[0].n_null
    return NullComparison(
        p_value=cauchy_combination(np.asarray([c.p_value for c in chunks]), 1.0 / (n_null + 1)),
        size_used=size,
        n_null=n_null,
        quantile_95=whole.quantile_95,
        outside=density_outside(view, size, density),
        chunks=len(starts),
        chunk_p_values=tuple(c.p_value for c in chunks),
    )


def min_p_null(gains: dict[str, np.ndarray], densities: np.ndarray | None) -> np.ndarray:
    """The decision statistic's null, sorted: each null run's smallest p-value over the views of
    ``gains`` (aligned run by run), each view's p against the other runs, a session view's against
    the ``MATCHED_SHARE`` of them nearest in posts per session when ``densities`` are given."""
    views = list(gains)
    n = len(gains[views[0]])
    near = None
    if densities is not None and any(view in SESSION_VIEWS for view in views):
        log_density = np.log(np.asarray(densities, dtype=float))
        distance = np.abs(log_density[:, None] - log_density[None, :])
        np.fill_diagonal(distance, np.inf)
        near = np.argsort(distance, axis=1, kind="stable")[:, : max(1, int(round(MATCHED_SHARE * (n - 1))))]
    smallest = np.ones(n)
    for view in views:
        values = np.asarray(gains[view], dtype=float)
        if near is not None and view in SESSION_VIEWS:
            p = (1 + np.sum(values[near] >= values[:, None], axis=1)) / (1 + near.shape[1])
        else:  # the run itself is one of those at or above its gain: (1 + others) / (1 + n - 1)
            p = (len(values) - np.searchsorted(np.sort(values), values, side="left")) / n
        smallest = np.minimum(smallest, p)
    return np.sort(smallest)


@cache
def shipped_min_p_null(size: int) -> np.ndarray:
    """``min_p_null`` of the shipped null's runs of ``size`` posts (all views, matched)."""
    table = tweet_null()
    return min_p_null(
        {view: np.asarray(table["null"][view][str(size)], dtype=float) for view in VIEWS},
        np.asarray(table["posts_per_session"][str(size)], dtype=float),
    )


def decision_p_value(nulls: dict[str, NullComparison], null_min_p: np.ndarray) -> float:
    """The byline's p-value: the smallest of its views' p-values, placed among the same smallest
    p-value of the null's single-writer runs (``min_p_null``; the single-step minP of Westfall &
    Young).

    Unlike Bonferroni it pays for looking at several views only as much as they disagree, so the
    joint model's p (which found composites whose writers differ in kind habits) and the style
    and behaviour views' can all be read: on development bylines of three constructions it ranked
    composites at or above twice the smaller of style and behaviour at every size
    (``docs/decisions.md``, stop 30). A byline tested in chunks is placed chunk by chunk, where
    the null's statistic is exactly the chunk's (same size, same three views on the same posts),
    and the chunks' calibrated p-values are joined by the Cauchy combination (stop 31).
    """
    if set(nulls) != set(VIEWS):
        raise ValueError(f"the decision reads every view ({', '.join(VIEWS)}), got {sorted(nulls)}")
    resolution = 1.0 / (1 + len(null_min_p))
    if nulls["style"].chunks == 1:
        smallest = np.asarray([min(comparison.p_value for comparison in nulls.values())])
    else:
        chunk_p = {view: nulls[view].chunk_p_values for view in VIEWS}
        if len({len(p) for p in chunk_p.values()}) > 1:
            raise ValueError("the views were tested in different chunks; minP needs them on the same posts")
        smallest = np.min([chunk_p[view] for view in VIEWS], axis=0)
    placed = (1 + np.searchsorted(null_min_p, smallest, side="right")) * resolution
    return float(placed[0]) if len(placed) == 1 else cauchy_combination(placed, resolution)


def style_distance(vectors: np.ndarray, variances: StyleVariances) -> float:
    """How far a writer's (or byline's) mean style lies from the reference writers' centre, in
    units of the spread between writers (root mean square over dimensions)."""
    return float(np.sqrt(np.mean(vectors.mean(axis=0) ** 2 / variances.between)))


def typicality(vectors: np.ndarray, variances: StyleVariances) -> tuple[float, float]:
    """(distance, share of reference writers at least as far): a byline beyond every reference
    writer lies outside what the null was measured on."""
    distance = style_distance(vectors, variances)
    reference = np.asarray(tweet_null()["typicality"], dtype=float)
    return distance, float(np.mean(reference >= distance))


def null_from_bylines(
    streams: list[tuple[np.ndarray, pd.Series, np.ndarray]],
    n_posts: int,
    views: tuple[str, ...],
    *,
    draws: int,
    seed: int,
) -> tuple[dict[str, np.ndarray], int, int]:
    """The gain's null measured on the user's own single-writer bylines (``--reference``).

    ``streams`` holds each reference byline's style vectors, time stamps and kinds of post in time order. Runs of
    ``n_posts`` consecutive posts (or of the longest reference byline, if shorter) are drawn
    from bylines long enough. Returns (gains per view, aligned draw by draw, run length used,
    bylines used).
    """
    _, variances, _ = tweet_reference()
    size = min(n_posts, max(len(v) for v, _, _ in streams))
    eligible = [stream for stream in streams if len(stream[0]) >= size]
    rng = np.random.default_rng([seed, 41, size])
    gains: dict[str, list[float]] = {view: [] for view in views}
    for _ in range(draws):
        vectors, times, kinds = eligible[int(rng.integers(len(eligible)))]
        run = slice(start := int(rng.integers(len(vectors) - size + 1)), start + size)
        for view in views:
            analysis = analyse_posts(vectors[run], times.iloc[run], variances, kinds[run], view=view, seed=seed)
            gains[view].append(analysis.gain)
    return {view: np.asarray(values) for view, values in gains.items()}, size, len(eligible)


def compare_to_values(gain: float, values: np.ndarray, size: int, n_posts: int) -> NullComparison:
    """``compare_to_null`` against gains measured on a user's reference bylines."""
    outside = None
    if size < n_posts:
        outside = (
            f"the reference bylines give runs of at most {size} posts, fewer than the byline's {n_posts}; "
            "its p-value errs towards 'several writers'"
        )
    p = float((1 + np.sum(values >= gain)) / (1 + len(values)))
    return NullComparison(
        p_value=p, size_used=size, n_null=len(values), quantile_95=float(np.quantile(values, 0.95)), outside=outside
    )


def shipped_results(bench: str) -> dict | None:
    """The results file a benchmark wrote (``attribution bench NAME --out``) and the package ships
    beside the reference, or None; the test's measured false-positive rate is read from it."""
    path = resources.files("attribution.composite") / "data" / f"bench_{bench}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


#: The significance level at which the composite benches measure their rates (each bench's
#: ``ALPHA``); a results file that records its own level overrides it.
BENCH_ALPHA = 0.05


@dataclass(frozen=True)
class MeasuredRate:
    """A rate a benchmark measured, with how many bylines it rests on, its 95% interval and the
    level it was measured at, so a report never quotes "0%" without saying out of how many."""

    value: float | None
    source: str | None
    bylines: int | None = None
    interval: tuple[float, float] | None = None
    alpha: float | None = None

    def as_keys(self, name: str) -> dict:
        """The result's keys: ``name`` and ``name_{source,bylines,ci,alpha}``."""
        return {
            name: self.value,
            f"{name}_source": self.source,
            f"{name}_bylines": self.bylines,
            f"{name}_ci": None if self.interval is None else [round(v, 4) for v in self.interval],
            f"{name}_alpha": self.alpha,
        }


def measured_rate(
    value: float | None,
    source: str | None,
    bylines: int | None,
    interval: list | None = None,
    *,
    alpha: float = BENCH_ALPHA,
) -> MeasuredRate:
    """A ``MeasuredRate`` whose interval is the wider of the exact Clopper-Pearson interval of
    ``round(value * bylines)`` of ``bylines`` and the bench's own (which may resample whole
    accounts); its lower end is above 0 whenever a false alarm was seen."""
    if value is None or not bylines:
        return MeasuredRate(value, source, alpha=alpha)
    from scipy.stats import binomtest

    count = round(value * bylines)
    exact = binomtest(count, bylines).proportion_ci(0.95, method="exact")
    low, high = exact.low, exact.high
    if interval is not None:
        low, high = min(low, float(interval[0])), max(high, float(interval[1]))
        if count > 0 and low <= 0:
            low = exact.low
    return MeasuredRate(value, source, int(bylines), (float(low), float(high)), alpha)


def results_source(results: dict, bench: str, what: str) -> str:
    """Where a shipped measurement comes from, in words a report can quote."""
    run = results.get("provenance") or {}
    return (
        f"attribution bench {bench} ({what}), run {run.get('finished_utc', 'at an unrecorded time')} "
        f"at commit {run.get('commit', 'unknown')}"
    )
