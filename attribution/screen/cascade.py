"""The cascade's second stage: the full composite test on the accounts the screen singles out.

The cheap screen runs on every account; the full test (its null of reference sets, k, clusters,
report) runs only on accounts whose screen p-value is at most ``alpha`` and on the ``top`` most
significant ones. It is called through ``attribution.composite.article.test_composite``; on Dask
each worker loads the test's reference once (``load_reference`` is cached per process).
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import datasets
import pandas as pd

from attribution.corpus.schema import COLUMNS, FEATURES


def select_accounts(rows: pd.DataFrame, *, alpha: float, top: int) -> list[str]:
    """Accounts flagged by the screen (p <= alpha) and the ``top`` smallest p-values, sorted."""
    ok = rows[rows["status"] == "ok"]
    flagged = set(ok.loc[ok["p_value"] <= alpha, "account"])
    ranked = ok.sort_values(["p_value", "statistic", "account"], ascending=[True, False, True], kind="stable")
    return sorted(flagged | set(ranked["account"].head(max(top, 0))))


def report_name(account: str) -> str:
    """A file name for an account: its safe characters and a hash that keeps names apart."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", account)[:60]
    return f"{safe}-{zlib.crc32(account.encode('utf-8')):08x}"


def account_dataset(account: str, posts: pd.DataFrame) -> datasets.Dataset:
    """One account's posts as a corpus ``Dataset`` (byline = the account)."""
    n = len(posts)
    ids = posts["id"].astype(str).tolist() if "id" in posts else [f"{account}:{i}" for i in range(n)]
    kinds = posts["kind"].fillna("tweet").tolist() if "kind" in posts else ["tweet"] * n
    # Python datetimes hold microseconds: nanoseconds would be dropped with a warning per post.
    stamps = pd.to_datetime(posts["timestamp"], utc=True).dt.floor("us")
    columns = {
        "id": ids,
        "text": posts["text"].tolist(),
        "byline": [account] * n,
        "author": [None] * n,
        "kind": kinds,
        "timestamp": [None if pd.isna(t) else t.to_pydatetime() for t in stamps],
        "title": [None] * n,
        "source": ["screen"] * n,
        "meta": ["{}"] * n,
    }
    return datasets.Dataset.from_dict({c: columns[c] for c in COLUMNS}, features=FEATURES)


def full_test(account: str, posts: pd.DataFrame, seed: int) -> dict:
    """The full composite test of one account (no subsampled k distribution, no rolling view)."""
    from attribution.composite.article import test_composite

    dataset = account_dataset(account, posts)
    result = test_composite(dataset, byline=account, seed=seed, n_subsamples=0, rolling=False)
    # A JSON round trip: numpy scalars become plain numbers before the result leaves a worker.
    return json.loads(json.dumps(result.to_dict(), default=float))


def summary_row(account: str, result: dict, folder: Path) -> dict:
    """What the accounts table shows of one full test."""
    return {
        "account": account,
        "full_level": result["verdict"]["level"],
        "full_k": result["k"]["estimate"],
        "full_p_value": result["test"]["p_value"],
        "full_report": f"{folder.name}/{report_name(account)}.html",
    }
