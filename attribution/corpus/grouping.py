"""Analysis units from short posts: tweets are too short alone, so group them per account, per
time window, or per N consecutive posts. Every later command reads the grouped corpus."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import datasets
import pandas as pd

from attribution.corpus.schema import COLUMNS, FEATURES
from attribution.errors import ConfigError

log = logging.getLogger(__name__)

GROUPINGS = ("account", "window", "count")
#: Windows are counted from a Monday midnight UTC, so 7-day windows are calendar weeks.
WINDOW_ORIGIN = pd.Timestamp("1970-01-05", tz="UTC")


def group_posts(
    dataset,
    *,
    by: str = "count",
    size: int = 50,
    window: str | timedelta = "7D",
    min_posts: int = 1,
) -> datasets.Dataset:
    """Group posts into analysis units, per account (``byline``, else ``author``), in time order.

    ``by="account"``: all of an account's posts in one unit. ``by="count"``: consecutive runs of
    ``size`` posts. ``by="window"``: the posts of each ``window`` (a pandas offset such as
    ``"1D"``, ``"7D"``, ``"12h"``, or a ``timedelta``), windows counted from Monday 1970-01-05
    00:00 UTC so every account shares one calendar (weekly windows start on Mondays). Units with fewer than ``min_posts`` posts are dropped.

    Returns a corpus ``Dataset``: ``text`` is the posts joined by newlines, ``meta.posts`` the
    member ids (in order), ``meta.n_posts`` their number, ``byline`` the account, ``author`` the
    posts' common author (``None`` when they differ), ``timestamp`` the first post's.
    """
    if hasattr(dataset, "dataset"):  # a Corpus
        dataset = dataset.dataset
    if by not in GROUPINGS:
        raise ConfigError(f"group_posts: by={by!r} is not one of {', '.join(GROUPINGS)}")
    if by == "count" and (not isinstance(size, int) or size < 1):
        raise ConfigError(f"group_posts: size must be a positive number of posts, got {size!r}")
    if not isinstance(min_posts, int) or min_posts < 1:
        raise ConfigError(f"group_posts: min_posts must be a positive integer, got {min_posts!r}")
    step = _window(window) if by == "window" else None

    frame = dataset.select_columns(["id", "text", "byline", "author", "kind", "timestamp", "source"]).to_pandas()
    if frame.empty:
        return datasets.Dataset.from_dict({c: [] for c in COLUMNS}, features=FEATURES)
    frame["account"] = frame["byline"].where(frame["byline"].notna(), frame["author"])
    no_account = frame["account"].isna()
    if no_account.any():
        log.warning(
            "group_posts: %d posts have neither byline nor author; grouped as '(unknown)'", int(no_account.sum())
        )
        frame.loc[no_account, "account"] = "(unknown)"
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    if by == "window":
        untimed = frame["timestamp"].isna()
        if untimed.any():
            log.warning(
                "group_posts: %d posts without a time stamp cannot go in a time window; left out", int(untimed.sum())
            )
            frame = frame[~untimed]
    frame["order"] = range(len(frame))
    # Time order within an account; untimed posts last, in corpus order (stable, deterministic).
    frame = frame.sort_values(["account", "timestamp", "order"], na_position="last", kind="mergesort")

    if by == "account":
        frame["unit"] = 0
    elif by == "count":
        frame["unit"] = frame.groupby("account", sort=False).cumcount() // size
    else:
        frame["unit"] = ((frame["timestamp"] - WINDOW_ORIGIN) // step).astype("int64")

    setting = {"by": by, "size": size if by == "count" else None, "window": str(window) if by == "window" else None}
    units = frame.groupby(["account", "unit"], sort=True).agg(
        text=("text", "\n".join),
        posts=("id", list),
        n_posts=("id", "size"),
        n_authored=("author", "count"),
        n_authors=("author", "nunique"),
        author=("author", "first"),
        first=("timestamp", "first"),
        last=("timestamp", "last"),
        kind=("kind", "first"),
        source=("source", "first"),
    )
    units = units[units["n_posts"] >= min_posts]
    accounts = units.index.get_level_values(0)
    numbers = units.index.get_level_values(1)
    if by == "window":
        assert step is not None  # set above for by="window"
        labels = [(WINDOW_ORIGIN + int(n) * step).strftime("%Y-%m-%dT%H:%M") for n in numbers]
    else:
        labels = [str(int(n)) for n in numbers]
    # The common author only when every post names the same one.
    same_author = (units["n_authors"] == 1) & (units["n_authored"] == units["n_posts"])
    columns = {
        "id": [f"{account}/{by}/{label}" for account, label in zip(accounts, labels)],
        "text": units["text"].tolist(),
        "byline": list(accounts),
        "author": [a if same and not pd.isna(a) else None for a, same in zip(units["author"], same_author)],
        "kind": [None if pd.isna(k) else k for k in units["kind"]],
        "timestamp": [None if pd.isna(t) else t.to_pydatetime() for t in units["first"]],
        "title": [None] * len(units),
        "source": [None if pd.isna(v) else v for v in units["source"]],
        "meta": [
            json.dumps(
                {
                    "posts": [str(i) for i in posts],
                    "n_posts": int(n),
                    "last_timestamp": None if pd.isna(last) else last.isoformat(),
                    "grouping": setting,
                },
                sort_keys=True,
                ensure_ascii=False,
            )
            for posts, n, last in zip(units["posts"], units["n_posts"], units["last"])
        ],
    }
    return datasets.Dataset.from_dict(columns, features=FEATURES)


def _window(window: str | timedelta) -> pd.Timedelta:
    try:
        step = pd.Timedelta(window)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"group_posts: window={window!r} is not a duration such as '1D', '7D' or '12h'") from exc
    if step <= pd.Timedelta(0):
        raise ConfigError(f"group_posts: window must be positive, got {window!r}")
    return step
