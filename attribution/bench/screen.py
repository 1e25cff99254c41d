"""``bench screen``: the release screen on IRA tweets, in one process and on 1 and 2 Dask workers.

The corpus is the IRA release (every account, NewsFeed included) with two kinds of planted
truth, the rest untouched:

- **composites**: pairs of held-out persona accounts (never in the screen's calibration or the
  composite test's reference) merged in equal shares under a new account id, real texts and
  time stamps kept; the other held-out accounts in the corpus are the single-writer negatives.
- **coordinated groups**: ``attribution.behaviour.plant.plant_groups`` (templated near
  duplicates posted in sync) on random accounts.

``max_accounts`` keeps that many accounts (the planted composites and held-out negatives first,
then a seeded sample of the rest), for runs that fit a small machine. The screen and account
graph are timed with 0 (this process), 1 and 2 worker processes (no full tests in the timed
runs); then the cascade's full tests run once, in this process, on the flagged and top
accounts, and also on every planted composite, so the recall the cascade gives up is measured
(``$ATTRIBUTION_SCREEN_CASCADE=0`` skips that part: the full test loads its whole IRA reference,
minutes on a small machine). Workers import the screen's modules before the clock starts, as the
cluster's start-up is not timed either.

Planted groups are scored over account pairs. The IRA accounts really do copy each other, so a
cluster pair of two accounts outside every planted group is not counted against precision
(``coordination_precision``); ``coordination_precision_all_pairs`` counts it.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from attribution.behaviour.plant import plant_groups
from attribution.corpora import resolve_data_dir
from attribution.progress import ProgressFactory, no_progress
from attribution.screen import load_calibration, open_client, screen_corpus
from attribution.screen.calibration import calibration_accounts
from attribution.screen.cascade import full_test
from attribution.screen.executor import worker_peak_rss_mb
from attribution.screen.run import ALPHA

log = logging.getLogger(__name__)

TOP = 10
#: Planted composites: one per this many accounts (at least 2).
ACCOUNTS_PER_COMPOSITE = 10
#: Posts taken from each account of a planted composite (equal shares).
COMPOSITE_POSTS = 300
WORKERS = (1, 2)
CASCADE_ENV = "ATTRIBUTION_SCREEN_CASCADE"


def release_posts(data_dir: str | Path | None) -> pd.DataFrame:
    """Every IRA post as ``account, id, text, timestamp``."""
    path = resolve_data_dir(data_dir, need="tweets") / "tweets" / "ira_english.parquet"
    frame = pq.read_table(path, columns=["author", "content", "publish_date"]).to_pandas()
    frame = frame.rename(columns={"author": "account", "content": "text", "publish_date": "timestamp"})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame["id"] = [f"ira-{i}" for i in range(len(frame))]
    return frame


def plant_composites(
    frame: pd.DataFrame, held_out: list[str], n: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """(frame with ``n`` merged pairs of held-out accounts, composite ids, held-out singles left)."""
    chosen = list(rng.choice(sorted(held_out), 2 * n, replace=False))
    merged = []
    for i, (a, b) in enumerate(zip(chosen[0::2], chosen[1::2])):
        parts = [frame[frame["account"] == x] for x in (a, b)]
        size = min(COMPOSITE_POSTS, *(len(p) for p in parts))
        merged += [
            p.sample(size, random_state=int(rng.integers(2**31))).assign(account=f"planted-composite-{i}")
            for p in parts
        ]
    rest = frame[~frame["account"].isin(chosen)]
    singles = sorted(set(held_out) - set(chosen))
    return pd.concat([rest, *merged], ignore_index=True), [f"planted-composite-{i}" for i in range(n)], singles


def bench_corpus(data_dir, *, seed: int, max_accounts: int | None) -> tuple[pd.DataFrame, dict]:
    """The release (or ``max_accounts`` of it) with planted composites and coordinated groups."""
    rng = np.random.default_rng([seed, 230])
    frame = release_posts(data_dir)
    _, _, held_out = calibration_accounts(data_dir)
    n_accounts = max_accounts or frame["account"].nunique()
    # A third of the held-out accounts at most, so as many stay whole as single-writer negatives.
    n_composites = min(max(2, n_accounts // ACCOUNTS_PER_COMPOSITE), len(held_out) // 3)
    frame, composites, singles = plant_composites(frame, held_out, n_composites, rng)
    if max_accounts is not None:
        singles = singles[: max(0, (max_accounts - n_composites) // 2)]
        others = sorted(set(frame["account"]) - set(composites) - set(held_out))
        fill = max(0, max_accounts - len(composites) - len(singles))
        keep = set(composites) | set(singles) | set(rng.choice(others, min(fill, len(others)), replace=False))
        frame = frame[frame["account"].isin(keep)]
    frame, groups = plant_groups(frame, seed=seed, n_groups=max(2, frame["account"].nunique() // 25))
    truth = {"composites": composites, "singles": singles, "groups": groups}
    return frame.sort_values(["account", "timestamp"], kind="stable").reset_index(drop=True), truth


def timed_screen(
    posts,
    calibration,
    workers: int,
    out: Path,
    seed: int,
    progress,
    *,
    alpha: float = ALPHA,
    memory_limit: str = "2GB",
    collapse_copies: bool = False,
) -> tuple[dict, dict | None]:
    """The screen without full tests on a fresh cluster of ``workers`` (0: this process), its
    workers' imports done before the clock starts; the summary and each worker's peak RSS."""
    with open_client(None, workers, memory_limit) as client:
        if client is not None:
            client.run(importlib.import_module, "attribution.screen.account")
        summary = screen_corpus(
            posts,
            out,
            calibration,
            client=client,
            seed=seed,
            alpha=alpha,
            top=TOP,
            full_tests=False,
            collapse_copies=collapse_copies,
            progress=progress,
        )
        memory = worker_peak_rss_mb(client) if client is not None else None
    return summary, memory


def _same(a: Path, b: Path) -> bool:
    return all(pd.read_parquet(a / t).equals(pd.read_parquet(b / t)) for t in ("accounts.parquet", "edges.parquet"))


def _rate(values) -> float | None:
    values = list(values)
    return round(float(np.mean(values)), 4) if values else None


def _pairs(groups) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}


def _coordination(members: pd.DataFrame, groups: list[list[str]]) -> dict:
    predicted = _pairs(g["account"] for _, g in members.groupby("cluster"))
    planted = _pairs(groups)
    in_groups = {a for g in groups for a in g}
    touching = {p for p in predicted if in_groups & set(p)}
    hits = len(predicted & planted)
    return {
        "coordination_precision": round(hits / len(touching), 4) if touching else None,
        "coordination_precision_all_pairs": round(hits / len(predicted), 4) if predicted else None,
        "coordination_recall": round(hits / len(planted), 4) if planted else None,
    }


#: Screen p-values at which the cascade's end-to-end recall and cost are also reported.
SCREEN_ALPHAS = (0.01, 0.05, 0.1, 0.2)


def _fpr_by_split(singles: list[str], level: dict[str, str], data: str) -> dict:
    """The full test's false-positive rate on the screen's singles by the composite test's own
    split of each account: the screen's held-out accounts are not the composite test's, and an
    account whose posts fit its style space (``train``) or its null (``tune``) is not a held-out
    negative for it; ``outside`` accounts are in no pool (not persona accounts)."""
    from attribution.composite.pools import ira_posts

    part = ira_posts(data).groupby("writer")["part"].first()
    by_split: dict[str, list[bool]] = {}
    for account in singles:
        by_split.setdefault(str(part.get(account, "outside")), []).append(level[account] == "composite")
    return {name: {"n": len(calls), "fpr": _rate(calls)} for name, calls in sorted(by_split.items())}


def _cascade(posts, folder: Path, calibration, truth: dict, data: str, seed: int, progress) -> dict:
    """The full tests of the cascade, and on every planted composite and held-out single: recall
    and FPR of the cascade as run, of the full test on all, and at looser screen alphas."""
    started = time.perf_counter()
    cascade = screen_corpus(posts, folder, calibration, seed=seed, alpha=ALPHA, top=TOP, progress=progress)
    seconds = time.perf_counter() - started
    accounts = pd.read_parquet(folder / "accounts.parquet").set_index("account")
    groups = posts.groupby("account")
    # Accounts the cascade already tested keep that verdict; the other planted ones are tested now.
    tested = time.perf_counter()
    fresh = 0
    level = {}
    for a in [*truth["composites"], *truth["singles"]]:
        if isinstance(accounts.at[a, "full_level"], str):
            level[a] = accounts.at[a, "full_level"]
        else:
            level[a] = full_test(a, groups.get_group(a), seed)["verdict"]["level"]
            fresh += 1
    # Timed on the planted accounts the cascade had not tested (their full tests run here, alone).
    per_test = (time.perf_counter() - tested) / fresh if fresh else None
    composites, singles = accounts.loc[truth["composites"]], accounts.loc[truth["singles"]]
    ok = accounts[accounts["status"] == "ok"]

    def end_to_end(names, screen_alpha: float) -> float | None:
        return _rate(accounts.at[a, "p_value"] <= screen_alpha and level[a] == "composite" for a in names)

    return {
        "flagged": cascade["flagged"],
        "fully_tested": cascade["fully_tested"],
        "cascade_seconds": round(seconds, 1),
        "composite_recall_cascade": _rate(composites["full_level"] == "composite"),
        "composite_recall_full_test_on_all": _rate(level[a] == "composite" for a in truth["composites"]),
        "composite_fpr_cascade": _rate(singles["full_level"] == "composite"),
        "composite_fpr_full_test_on_all": _rate(level[a] == "composite" for a in truth["singles"]),
        "composite_fpr_full_test_by_split": _fpr_by_split(truth["singles"], level, data),
        "full_test_seconds_each": None if per_test is None else round(per_test, 2),
        "cascade_at_screen_alpha": {
            str(screen_alpha): {
                "full_tests": int((ok["p_value"] <= screen_alpha).sum()),
                "full_test_seconds_estimate": None
                if per_test is None
                else round(float((ok["p_value"] <= screen_alpha).sum()) * per_test, 1),
                "composite_recall": end_to_end(truth["composites"], screen_alpha),
                "composite_fpr": end_to_end(truth["singles"], screen_alpha),
            }
            for screen_alpha in SCREEN_ALPHAS
        },
    }


def run(
    data_dir: str | Path | None,
    *,
    seed: int = 0,
    progress: ProgressFactory = no_progress,
    max_accounts: int | None = None,
    cascade: bool | None = None,
) -> dict:
    """Time, memory, identity across paths, and the planted truth recovered."""
    if cascade is None:
        cascade = os.environ.get(CASCADE_ENV, "1") != "0"
    data = str(resolve_data_dir(data_dir, need="tweets"))
    calibration = load_calibration(data, seed=seed)
    posts, truth = bench_corpus(data, seed=seed, max_accounts=max_accounts)
    log.info("bench screen: %d accounts, %d posts", posts["account"].nunique(), len(posts))
    runs, memory = {}, {}
    with tempfile.TemporaryDirectory(prefix="attribution-bench-screen-") as tmp:
        folders = {w: Path(tmp) / f"workers-{w}" for w in (0, *WORKERS)}
        for workers, folder in folders.items():
            runs[workers], memory[workers] = timed_screen(posts, calibration, workers, folder, seed, progress)
            log.info("bench screen: %d workers: %.1f s", workers, runs[workers]["seconds"])
        identical = all(_same(folders[0], folders[w]) for w in WORKERS)
        accounts = pd.read_parquet(folders[0] / "accounts.parquet").set_index("account")
        coordination = _coordination(pd.read_parquet(folders[0] / "clusters.parquet"), truth["groups"])
        full = _cascade(posts, folders[0], calibration, truth, data, seed, progress) if cascade else {}
    composites, singles = accounts.loc[truth["composites"]], accounts.loc[truth["singles"]]
    two = runs[WORKERS[-1]]
    return {
        "accounts": two["accounts"],
        "posts": two["posts"],
        "max_accounts": max_accounts,
        "seconds": two["seconds"],
        "seconds_1_worker": runs[1]["seconds"],
        "seconds_single_process": runs[0]["seconds"],
        "stage_seconds": {str(w): runs[w]["stage_seconds"] for w in runs},
        "posts_per_second": round(two["posts"] / two["seconds"], 1),
        "speedup_2_workers": round(runs[1]["seconds"] / two["seconds"], 3),
        "speedup_2_workers_accounts_stage": round(
            runs[1]["stage_seconds"]["accounts"] / two["stage_seconds"]["accounts"], 3
        ),
        "peak_rss_mb_per_worker": max((memory[WORKERS[-1]] or {}).values(), default=None),
        "identical_to_single_process": identical,
        "flagged": int(accounts["flagged"].sum()),
        "fully_tested": None,
        "alpha": ALPHA,
        "top": TOP,
        "planted_composites": len(composites),
        "held_out_singles": len(singles),
        "composite_recall_screen": _rate(composites["flagged"]),
        "composite_fpr_screen": _rate(singles["flagged"]),
        "planted_groups": len(truth["groups"]),
        **coordination,
        **full,
        "graph": two["graph"],
        "calibration": two["calibration"],
        "cpu_count": os.cpu_count(),
    }
