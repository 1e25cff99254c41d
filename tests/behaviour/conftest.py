"""Small real slices of both tweet sets, loaded once per session."""

from __future__ import annotations

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from attribution.corpus import load_corpus

#: IRA accounts used by the tests: one HashtagGamer (Moscow office hours), four RightTroll
#: accounts of one look-alike family, one long-running RightTroll persona.
IRA_ACCOUNTS = ("HellieEdwards", "AnaaisLEC", "AnisiLOpe", "BarrLautRs", "RisstyTrt", "LaChristie")


@pytest.fixture(scope="session")
def senate_dataset(data_dir):
    """All senators' tweets as a corpus ``Dataset`` (18k rows, loads in about a second)."""
    return load_corpus("senate", data_dir=data_dir).dataset


@pytest.fixture(scope="session")
def senate_frame(senate_dataset) -> pd.DataFrame:
    """All senators' tweets as ``account, text, timestamp``."""
    return (
        senate_dataset.select_columns(["byline", "text", "timestamp"]).to_pandas().rename(columns={"byline": "account"})
    )


@pytest.fixture(scope="session")
def ira_frame(data_dir) -> pd.DataFrame:
    """The tweets of ``IRA_ACCOUNTS`` only, read with a Parquet filter (6k rows)."""
    table = pq.read_table(
        data_dir / "tweets" / "ira_english.parquet",
        columns=["author", "account_category", "content", "publish_date"],
        filters=pc.field("author").isin(list(IRA_ACCOUNTS)),
    )
    frame = table.to_pandas().rename(columns={"author": "account", "content": "text", "publish_date": "timestamp"})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).dt.tz_localize("UTC")
    return frame
