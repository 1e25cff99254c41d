"""group_posts builds analysis units from real tweets: per account, per window, per N posts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from attribution.corpus import load_corpus
from attribution.corpus.grouping import group_posts
from attribution.errors import ConfigError


@pytest.fixture(scope="module")
def senate(data_dir):
    return load_corpus("senate", data_dir=data_dir)


def test_group_by_account_keeps_every_post_once(senate):
    units = group_posts(senate, by="account")
    assert len(units) == len(set(senate.dataset["byline"])) == 90
    members = [post for meta in units["meta"] for post in json.loads(meta)["posts"]]
    assert sorted(members) == sorted(senate.dataset["id"])
    first = units[0]
    meta = json.loads(first["meta"])
    assert meta["n_posts"] == len(meta["posts"]) == first["text"].count("\n") + 1
    assert first["author"] == first["byline"]


def test_group_by_count_is_time_ordered_runs_of_size(senate):
    units = group_posts(senate, by="count", size=20, min_posts=20)
    rows = senate.dataset.to_pandas().set_index("id")
    for unit in units.select(range(5)):
        meta = json.loads(unit["meta"])
        assert meta["n_posts"] == 20
        stamps = pd.to_datetime(rows.loc[meta["posts"], "timestamp"], utc=True)
        assert stamps.is_monotonic_increasing
        assert unit["timestamp"] == stamps.iloc[0].to_pydatetime()
        assert set(rows.loc[meta["posts"], "byline"]) == {unit["byline"]}


def test_group_by_window_puts_posts_in_calendar_weeks(senate):
    units = group_posts(senate, by="window", window="7D")
    rows = senate.dataset.to_pandas().set_index("id")
    for unit in units.select(range(0, len(units), 97)):
        start = pd.Timestamp(unit["id"].rsplit("/", 1)[1], tz="UTC")
        assert start.weekday() == 0  # weeks start on Monday
        stamps = pd.to_datetime(rows.loc[json.loads(unit["meta"])["posts"], "timestamp"], utc=True)
        assert ((stamps >= start) & (stamps < start + pd.Timedelta("7D"))).all()
    assert sum(json.loads(m)["n_posts"] for m in units["meta"]) == len(senate)


def test_grouping_is_deterministic_and_checks_arguments(senate):
    a = group_posts(senate, by="count", size=30)
    b = group_posts(senate.dataset, by="count", size=30)
    assert a["id"] == b["id"] and a["text"] == b["text"]
    with pytest.raises(ConfigError, match="by='day' is not one of"):
        group_posts(senate, by="day")
    with pytest.raises(ConfigError, match="window='fortnight'"):
        group_posts(senate, by="window", window="fortnight")
    with pytest.raises(ConfigError, match="size must be a positive"):
        group_posts(senate, by="count", size=0)


def test_mixed_authors_give_no_common_author(senate):
    dataset = senate.dataset.select(range(40)).map(
        lambda row, i: {"byline": "shared", "author": f"a{i % 2}"}, with_indices=True
    )
    units = group_posts(dataset, by="account")
    assert len(units) == 1 and units[0]["author"] is None and units[0]["byline"] == "shared"
