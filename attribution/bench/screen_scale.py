"""``bench screen-scale``: the release screen on 1 M, 3 M and 10 M posts of resampled IRA streams.

The corpora (``attribution.screen.resample``): new accounts, each a real IRA account's whole
stream with its real texts and time stamps, drawn until the size is reached (so every real text
recurs about ``size / 902,711`` times, in that many accounts, at its real time). Each size is
screened by ``screen_corpus`` on a fresh ``LocalCluster`` of 2 worker processes, as ``bench
screen`` times its 2-worker run: account screen and account graph, with the search for copies
collapsing posts of one text at one time stamp into one group (``collapse_copies``: without it
each of the ~11 copies of a text at 10 M is a near duplicate of the others to pair, post by post).
The cascade's full tests are not run (``full_tests: false``). The cluster's start-up, the
corpus's build and its loading into memory are not timed.

``growth_1m_to_10m`` is seconds(10 M) / seconds(1 M) (target: at most ``GROWTH_TARGET``).
``peak_rss_mb_main_process`` is this process's peak (it holds the corpus and the graph).
"""

from __future__ import annotations

import gc
import logging
import os
import tempfile
from pathlib import Path

import pandas as pd

from attribution.bench.scale import status_kb
from attribution.bench.screen import timed_screen
from attribution.corpora import resolve_data_dir
from attribution.progress import ProgressFactory, no_progress
from attribution.screen import load_calibration
from attribution.screen.resample import resampled_release

log = logging.getLogger(__name__)

SIZES = (1_000_000, 3_000_000, 10_000_000)
WORKERS = 2
#: Memory limit of each worker process (Dask pauses and spills above parts of it).
MEMORY_LIMIT = "6GB"
GROWTH_TARGET = 12.0
#: The screen alpha these runs flagged at (the screen's default was 0.01 when they were measured).
ALPHA = 0.01


def _load(path: Path) -> pd.DataFrame:
    posts = pd.read_parquet(path)
    posts["timestamp"] = pd.to_datetime(posts["timestamp"], utc=True)
    return posts


def _screen_size(path: Path, calibration, seed: int, progress: ProgressFactory) -> dict:
    """One size screened on 2 fresh workers: the keys of ``bench screen``'s 2-worker run."""
    posts = _load(path)
    load_before = os.getloadavg()[0]
    log.info("bench screen-scale: %d posts, %d accounts", len(posts), posts["account"].nunique())
    with tempfile.TemporaryDirectory(prefix="attribution-bench-screen-scale-") as tmp:
        summary, memory = timed_screen(
            posts,
            calibration,
            WORKERS,
            Path(tmp) / "screen",
            seed,
            progress,
            alpha=ALPHA,
            memory_limit=MEMORY_LIMIT,
            collapse_copies=True,
        )
    log.info("bench screen-scale: %d posts: %.1f s", summary["posts"], summary["seconds"])
    return {
        "accounts": summary["accounts"],
        "posts": summary["posts"],
        "seconds": summary["seconds"],
        "stage_seconds": summary["stage_seconds"],
        "posts_per_second": round(summary["posts"] / summary["seconds"], 1),
        "peak_rss_mb_per_worker": max((memory or {}).values(), default=None),
        "flagged": summary["flagged"],
        "screened": summary["screened"],
        "graph": summary["graph"],
        # The machine's 1-minute load average before and after: other jobs share its cores.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def run(
    data_dir: str | Path | None,
    *,
    seed: int = 0,
    progress: ProgressFactory = no_progress,
    sizes: tuple[int, ...] = SIZES,
) -> dict:
    """Time, memory and flags of the screen at each size, and how time grows from the smallest to the largest."""
    data = resolve_data_dir(data_dir, need="tweets")
    source = data / "tweets" / "ira_english.parquet"
    calibration = load_calibration(str(data), seed=seed)
    runs = {}
    for size in sorted(sizes):
        path = resampled_release(source, size, seed=seed)
        runs[size] = _screen_size(path, calibration, seed, progress)
        gc.collect()
    small, large = min(runs), max(runs)
    growth = round(runs[large]["seconds"] / runs[small]["seconds"], 3) if large > small else None
    keys = ("accounts", "posts", "seconds", "posts_per_second", "peak_rss_mb_per_worker", "flagged")
    return {
        # The largest size's run, under bench screen's keys; every size below.
        **{key: runs[large][key] for key in keys},
        "sizes": {str(size): result for size, result in runs.items()},
        "growth_posts": round(large / small, 3),
        "growth_seconds": growth,
        "growth_1m_to_10m": growth if (small, large) == (1_000_000, 10_000_000) else None,
        "growth_target": GROWTH_TARGET,
        "growth_target_met": None if growth is None else growth <= GROWTH_TARGET * (large / small) / 10,
        "workers": WORKERS,
        "memory_limit_per_worker": MEMORY_LIMIT,
        "collapse_copies": True,
        "full_tests": False,
        "cascade": "not run: the full composite tests are left to bench screen",
        "peak_rss_mb_main_process": round(status_kb("VmHWM") / 1024, 1),
        "cpu_count": os.cpu_count(),
    }
