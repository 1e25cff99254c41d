"""``bench composite``'s tweet bylines as a user's file holds them: posts, not prepared units.

The writers' posts are merged on their real clocks (each stream moved by whole weeks so that all
start in the same week, which keeps every post's hour of the week), so writers alternate as
their real posting times interleave. The byline and the operators' writings go to
``test_composite`` as posts, which groups them as the command line does (consecutive posts of
a byline into units, so a unit can mix writers). Earlier runs passed single-writer units that
the command line never produces (``docs/decisions.md``, stop 31).
"""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import numpy as np
import pandas as pd

from attribution.composite.reference import group_units
from attribution.corpus import load_corpus
from attribution.corpus.schema import COLUMNS, FEATURES

WEEK = pd.Timedelta(days=7)


def ira_post_table(data_dir: str | Path | None) -> pd.DataFrame:
    """The IRA posts' text and time, indexed by post id (what a unit's ``meta.posts`` names)."""
    frame = load_corpus("ira", data_dir=data_dir).dataset.select_columns(["id", "text", "timestamp"]).to_pandas()
    return frame.set_index("id")


def _streams(units: datasets.Dataset, posts: pd.DataFrame, rows: list[int], authors: list[str]) -> list[pd.DataFrame]:
    """Each author's posts of its units, in time order."""
    streams = []
    for author in dict.fromkeys(authors):
        mine = [r for r, a in zip(rows, authors) if a == author]
        ids = [i for meta in units.select(mine)["meta"] for i in json.loads(meta)["posts"]]
        stream = posts.loc[ids, ["text", "timestamp"]].reset_index()
        stream["author"] = author
        streams.append(stream.sort_values("timestamp", kind="stable"))
    return streams


def merged_on_one_clock(streams: list[pd.DataFrame]) -> pd.DataFrame:
    """The streams moved by whole weeks to start in the first one's week, merged by time."""
    start = streams[0]["timestamp"].min()
    moved = []
    for stream in streams:
        weeks = round((start - stream["timestamp"].min()) / WEEK)
        moved.append(stream.assign(timestamp=stream["timestamp"] + weeks * WEEK))
    return pd.concat(moved).sort_values("timestamp", kind="stable").reset_index(drop=True)


def _as_dataset(frame: pd.DataFrame, byline_of: pd.Series) -> datasets.Dataset:
    columns = {
        "id": frame["id"].astype(str).tolist(),
        "text": frame["text"].tolist(),
        "byline": byline_of.tolist(),
        "author": frame["author"].tolist(),
        "kind": ["tweet"] * len(frame),
        "timestamp": frame["timestamp"].tolist(),
        "title": [None] * len(frame),
        "source": [None] * len(frame),
        "meta": ["{}"] * len(frame),
    }
    return datasets.Dataset.from_dict({c: columns[c] for c in COLUMNS}, features=FEATURES)


def byline_posts(units: datasets.Dataset, posts: pd.DataFrame, rows: list[int], authors: list[str]) -> datasets.Dataset:
    """One byline's posts: its writers' units expanded to posts, merged on one clock."""
    merged = merged_on_one_clock(_streams(units, posts, rows, authors))
    return _as_dataset(merged, pd.Series(["synthetic"] * len(merged)))


def operator_posts(
    units: datasets.Dataset, posts: pd.DataFrame, rows: list[int], authors: list[str]
) -> datasets.Dataset:
    """The known operators' writings as posts, each operator under its own byline."""
    frame = pd.concat(_streams(units, posts, rows, authors)).reset_index(drop=True)
    return _as_dataset(frame, frame["author"])


def unit_writers(result: dict, docs: datasets.Dataset) -> np.ndarray:
    """The true writer of most posts in each unit the test read (its ``documents``), the units'
    members taken from the grouping the test itself applies (``group_units``)."""
    writer_of = dict(zip(docs["id"], docs["author"]))
    units = group_units(docs)
    members = {unit: json.loads(meta)["posts"] for unit, meta in zip(units["id"], units["meta"])}
    return np.asarray(
        [pd.Series([writer_of[post] for post in members[d["id"]]]).value_counts().index[0] for d in result["documents"]]
    )
