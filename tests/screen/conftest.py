"""A small real corpus (a few IRA accounts) and the screen's calibration, shared by the screen tests."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from attribution.screen import load_calibration

#: Accounts of the small corpus: enough posts for the statistic, one too short for it.
N_ACCOUNTS = 8


@pytest.fixture(scope="session")
def small_posts(data_dir) -> pd.DataFrame:
    """``account, id, text, timestamp`` of the first IRA accounts (by name) with 130-300 posts, plus one with 60."""
    table = pq.read_table(data_dir / "tweets" / "ira_english.parquet", columns=["author", "content", "publish_date"])
    frame = table.to_pandas().rename(columns={"author": "account", "content": "text", "publish_date": "timestamp"})
    counts = frame["account"].value_counts()
    names = sorted(counts[(counts >= 130) & (counts <= 300)].index)[: N_ACCOUNTS - 1]
    names.append(sorted(counts[counts == 60].index)[0])
    frame = frame[frame["account"].isin(names)].reset_index(drop=True)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame["id"] = [f"ira-{i}" for i in range(len(frame))]
    return frame


@pytest.fixture(scope="session")
def calibration(data_dir):
    return load_calibration(data_dir, seed=0)
