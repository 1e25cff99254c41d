"""``screen_corpus``: every account screened, the account graph, the full test where it is due.

Steps, each a function below: check the output folder against the corpus (``_open_folder``),
screen the accounts not yet on disk (``_screen_pending``), flag and rank them, build the account
graph (``graph``; on Dask, the search for copies and lockstep runs as tasks on the workers
alongside the accounts), run the full composite test on the flagged and top accounts
(``_run_full_tests``), then write the tables and the HTML overview.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from attribution.atomic import write_text
from attribution.behaviour.profile import posts_frame
from attribution.errors import ConfigError
from attribution.progress import ProgressFactory, no_progress
from attribution.report.html import write_report
from attribution.report.screen import write_overview
from attribution.screen import cascade, statistic
from attribution.screen.account import SCHEMA
from attribution.screen.calibration import Calibration
from attribution.screen.executor import run_tasks, screen_accounts
from attribution.screen.graph import EXACT_MAX, coordination_graph, find_coordination
from attribution.screen.store import PartStore, write_table

log = logging.getLogger(__name__)

#: The screen is the cascade's first stage: it passes an account on to the full test, which
#: gives the verdict at its own alpha. A lenient stage costs full tests (about one in ten single
#: accounts here), a strict one loses the full test's recall (``bench screen``,
#: ``cascade_at_screen_alpha``).
ALPHA = 0.1
TOP = 10


def posts_for_screen(dataset) -> pd.DataFrame:
    """``account, id, kind, text, timestamp`` of a corpus ``Dataset`` (account: byline, else author)."""
    return posts_frame(dataset, ("id", "kind", "text", "timestamp"))


def corpus_fingerprint(posts: pd.DataFrame) -> str:
    """SHA-256 over every post's account, text and time stamp."""
    hashed = pd.util.hash_pandas_object(posts[["account", "text", "timestamp"]], index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


def _open_folder(
    out: Path, posts: pd.DataFrame, calibration: Calibration, seed: int, collapse_copies: bool = False
) -> dict:
    """The folder's manifest; a folder holding another corpus's or seed's screen is refused."""
    manifest = {
        "corpus_sha256": corpus_fingerprint(posts),
        "seed": seed,
        "statistic": statistic.NAME,
        "calibration": calibration.info.get("settings"),
        # Only when set, so that folders written before the option existed still resume.
        **({"collapse_copies": True} if collapse_copies else {}),
    }
    path = out / "manifest.json"
    if path.exists():
        previous = json.loads(path.read_text())
        if previous != manifest:
            changed = sorted(k for k in manifest if previous.get(k) != manifest[k])
            raise ConfigError(
                f"{out} holds a screen with another {', '.join(changed)}; give a new --out folder or delete this one"
            )
    else:
        out.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps(manifest, indent=1))
    return manifest


def _logged(rows: Iterator[dict], done: int, total: int) -> Iterator[dict]:
    """Log ``accounts done / total`` about every tenth of the way (progress without a terminal)."""
    step = max(1, total // 10)
    for row in rows:
        done += 1
        if done % step == 0 or done == total:
            log.info("accounts screened: %d / %d", done, total)
        yield row


def _by_account(posts: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """``(account, its text and timestamp rows)`` by account name, rows in their order in ``posts``.

    The rows ``groupby(...).get_group`` gives, but from one stable sort and then slices: a take
    per account on the Arrow-backed text column costs milliseconds, which on Dask is time the
    workers wait for their next account.
    """
    codes, names = pd.factorize(posts["account"], sort=True)
    order = np.argsort(codes, kind="stable")
    frame = posts[["text", "timestamp"]]
    if (np.diff(order) < 0).any():
        frame = frame.take(order)
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    for k, name in enumerate(names):
        yield name, frame.iloc[bounds[k] : bounds[k + 1]]


def _screen_pending(
    posts: pd.DataFrame,
    store: PartStore,
    calibration: Calibration,
    *,
    seed: int,
    client: Any,
    progress: ProgressFactory,
) -> int:
    """Screen the accounts without a row on disk; return how many were already there."""
    done = store.done()
    accounts = dict(_by_account(posts))
    pending = [name for name in accounts if name not in done]
    total = len(accounts)
    if done:
        log.info("resuming: %d of %d accounts already screened", total - len(pending), total)
    items = ((name, accounts[name]) for name in pending)
    rows = screen_accounts(items, calibration, seed=seed, client=client)
    for row in progress(_logged(rows, total - len(pending), total), desc="accounts", total=len(pending)):
        store.add(row)
    store.flush()
    return total - len(pending)


def _ranked(table: pa.Table, alpha: float) -> pd.DataFrame:
    rows = table.to_pandas()
    rows["flagged"] = (rows["status"] == "ok") & (rows["p_value"] <= alpha)
    return rows


def _run_full_tests(
    posts: pd.DataFrame,
    chosen: list[str],
    folder: Path,
    *,
    seed: int,
    client: Any,
    progress: ProgressFactory,
) -> pd.DataFrame:
    """Full test results per chosen account; each written as JSON and HTML, skipped when already there."""
    folder.mkdir(parents=True, exist_ok=True)
    todo = [a for a in chosen if not (folder / f"{cascade.report_name(a)}.json").exists()]
    groups = posts.groupby("account", sort=True)
    arguments = [(a, groups.get_group(a), seed) for a in todo]
    results: Iterable[dict]
    if client is None:
        results = (cascade.full_test(*args) for args in arguments)
    else:
        results = run_tasks(client, cascade.full_test, arguments, window=len(arguments) or 1)
    for result in progress(results, desc="full tests", total=len(todo)):
        name = cascade.report_name(result["byline"])
        write_report(folder / f"{name}.html", result)
        write_text(folder / f"{name}.json", json.dumps(result, indent=1))
    rows = [
        cascade.summary_row(a, json.loads((folder / f"{cascade.report_name(a)}.json").read_text()), folder)
        for a in chosen
    ]
    return pd.DataFrame(rows, columns=["account", "full_level", "full_k", "full_p_value", "full_report"])


def screen_corpus(
    posts: pd.DataFrame,
    out: str | Path,
    calibration: Calibration,
    *,
    client: Any = None,
    seed: int = 0,
    alpha: float = ALPHA,
    top: int = TOP,
    full_tests: bool = True,
    exact_max: int = EXACT_MAX,
    flush_rows: int = 64,
    collapse_copies: bool = False,
    progress: ProgressFactory = no_progress,
) -> dict:
    """Screen every account of ``posts`` (``account, text, timestamp``; ``id`` optional) into ``out``.

    ``client``: a ``distributed.Client`` or ``None`` (this process). ``flush_rows``: rows per
    part file (fewer lose less work to an interruption, more make fewer files).
    ``collapse_copies``: posts of one text at one time stamp are paired once, as a group, in the
    search for copies (``analyse_coordination``). Returns the summary also written to ``summary.json``.
    """
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1, got {alpha!r}")
    started = time.perf_counter()
    out = Path(out)
    _open_folder(out, posts, calibration, seed, collapse_copies)
    store = PartStore(out / "parts", SCHEMA, flush_rows=flush_rows)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # With workers, the search for copies and lockstep is submitted alongside the accounts:
        # its tasks (shards of posts, then bands) share the workers with the accounts' tasks.
        pending = (
            pool.submit(find_coordination, posts, seed=seed, client=client, collapse_copies=collapse_copies)
            if client is not None
            else None
        )
        resumed = _screen_pending(posts, store, calibration, seed=seed, client=client, progress=progress)
        rows = _ranked(store.table(), alpha)
        stages = {"accounts": time.perf_counter() - started}
        found = (
            pending.result()
            if pending is not None
            else find_coordination(posts, seed=seed, progress=progress, collapse_copies=collapse_copies)
        )
    edges, members, graph = coordination_graph(
        found, rows[["account", "style"]], style_threshold=calibration.style_threshold, seed=seed, exact_max=exact_max
    )
    write_table(out / "edges.parquet", pa.Table.from_pandas(edges, preserve_index=False))
    write_table(out / "clusters.parquet", pa.Table.from_pandas(members, preserve_index=False))
    stages["graph"] = time.perf_counter() - started - stages["accounts"]
    chosen = cascade.select_accounts(rows, alpha=alpha, top=top) if full_tests else []
    full = _run_full_tests(posts, chosen, out / "composite", seed=seed, client=client, progress=progress)
    stages["full_tests"] = time.perf_counter() - started - stages["accounts"] - stages["graph"]
    accounts = (
        rows.drop(columns=["style"])
        .merge(members, on="account", how="left")
        .merge(full, on="account", how="left")
        .astype({"cluster": "Int64", "full_k": "Int64"})
    )
    write_table(out / "accounts.parquet", pa.Table.from_pandas(accounts, preserve_index=False))
    ok = accounts["status"] == "ok"
    summary = {
        "accounts": int(len(accounts)),
        "posts": int(len(posts)),
        "screened": int(ok.sum()),
        "insufficient_evidence": int((~ok).sum()),
        "resumed_accounts": resumed,
        "flagged": int(accounts["flagged"].sum()),
        "fully_tested": len(chosen),
        "full_composite": int((accounts["full_level"] == "composite").sum()),
        "alpha": alpha,
        "top": top,
        "seed": seed,
        "statistic": statistic.NAME,
        "statistic_description": statistic.DESCRIPTION,
        "calibration": {
            k: calibration.info.get(k)
            for k in ("reference_accounts", "held_out_accounts", "measured_fpr", "style_between_account_rate")
        },
        "graph": graph,
        "workers": None if client is None else len(client.nthreads()),
        "seconds": round(time.perf_counter() - started, 1),
        "stage_seconds": {name: round(value, 1) for name, value in stages.items()},
    }
    write_overview(out / "overview.html", accounts, edges, members, summary)
    write_text(out / "summary.json", json.dumps(summary, indent=1, default=_plain))
    return summary


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
