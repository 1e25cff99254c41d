"""The tweet sets: IRA troll-farm accounts and US senators' official accounts.

For both, the account handle is the byline and, lacking anything finer, the ``author`` too:
an account may itself be written by several staff.
"""

from __future__ import annotations

from pathlib import Path

from attribution.corpora import resolve_data_dir
from attribution.corpus.columns import ColumnMap
from attribution.corpus.load import Corpus, ReadOptions, load_file, log_reference_problems


def load_ira(data_dir: str | Path | None = None) -> Corpus:
    """IRA English original tweets; ``publish_date`` is UTC at minute resolution."""
    path = resolve_data_dir(data_dir, need="tweets") / "tweets" / "ira_english.parquet"
    columns = ColumnMap(text="content", author="author", byline="author", time="publish_date", id=None)
    corpus = load_file(path, ReadOptions(columns=columns, kind="tweet", time_zone="UTC"), log_problems=False)
    corpus.name = "ira"
    log_reference_problems(corpus)
    return corpus


def load_senate(data_dir: str | Path | None = None) -> Corpus:
    """Senators' official accounts, 2015; ``created_at`` is UTC rebuilt from the tweet id."""
    path = resolve_data_dir(data_dir, need="tweets") / "tweets" / "us_senate_2015.csv"
    columns = ColumnMap(text="text", author="user", byline="user", time="created_at", id="tweet_id_approx")
    corpus = load_file(path, ReadOptions(columns=columns, kind="tweet"), log_problems=False)
    corpus.name = "senate"
    log_reference_problems(corpus)
    return corpus
