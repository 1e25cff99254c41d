"""One account's screen row: two calibrated statistics, their joint p-value, the posting behaviour.

``p_value`` (what flags an account and ranks the cascade) is the Bonferroni combination of the
units statistic (``screen.statistic``, ``units_p_value``) and the per-post writer model
(``screen.writer_screen``, ``writer_p_value``), over those the account has enough posts for.

A pure function of the account's posts, the calibration and the seed (the random draw of units
is seeded by the seed and the account name, never by the order of the work), so the same row
comes out in one process or on any Dask worker.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pyarrow as pa

from attribution.behaviour.profile import to_utc_seconds
from attribution.behaviour.shifts import ShiftPatternModel
from attribution.errors import InsufficientEvidenceError
from attribution.screen.calibration import Calibration
from attribution.screen.statistic import screen_statistic
from attribution.screen.writer_screen import combined_p, writer_model_p

#: Time-stamped posts the shift model needs for a schedule and a time zone.
MIN_SCHEDULE_POSTS = 30

#: The columns of every screen row, in order.
SCHEMA = pa.schema(
    [
        ("account", pa.string()),
        ("n_posts", pa.int64()),
        ("first_post", pa.string()),
        ("last_post", pa.string()),
        ("status", pa.string()),
        ("statistic_name", pa.string()),
        ("statistic", pa.float64()),
        ("p_value", pa.float64()),
        ("k_hint", pa.int64()),
        ("n_units", pa.int64()),
        ("units_p_value", pa.float64()),
        ("writer_gain", pa.float64()),
        ("writer_p_value", pa.float64()),
        ("schedule", pa.string()),
        ("office_score", pa.float64()),
        ("offset", pa.int64()),
        ("offset_label", pa.string()),
        ("offset_low", pa.int64()),
        ("offset_high", pa.int64()),
        ("office_start_local", pa.int64()),
        ("office_end_local", pa.int64()),
        ("hour_concentration", pa.float64()),
        ("weekday_share", pa.float64()),
        ("posts_per_day_median", pa.float64()),
        ("style", pa.list_(pa.float32())),
    ]
)


def account_seed(seed: int, account: str) -> list[int]:
    """Seed of one account's random choices: the run's seed and a stable hash of the name."""
    return [seed, zlib.crc32(account.encode("utf-8"))]


def behaviour_summary(timestamps: pd.Series) -> dict:
    """Schedule (office or organic), inferred UTC offset with its interval, regularity, volume."""
    seconds = to_utc_seconds(timestamps)
    empty = dict.fromkeys(
        (
            "schedule",
            "office_score",
            "offset",
            "offset_label",
            "offset_low",
            "offset_high",
            "office_start_local",
            "office_end_local",
            "hour_concentration",
            "weekday_share",
            "posts_per_day_median",
        )
    )
    try:
        model = ShiftPatternModel(min_posts=MIN_SCHEDULE_POSTS).fit(seconds)
    except InsufficientEvidenceError:
        return empty
    fit = model.to_dict()
    return {
        "schedule": fit["model"],
        "office_score": fit["office_score"],
        "offset": fit["offset"],
        "offset_label": fit["offset_label"],
        "offset_low": fit["offset_interval"][0],
        "offset_high": fit["offset_interval"][1],
        "office_start_local": fit["office_schedule_local"]["start"],
        "office_end_local": fit["office_schedule_local"]["end"],
        "hour_concentration": fit["regularity"]["hour_concentration"],
        "weekday_share": fit["regularity"]["weekday_share"],
        "posts_per_day_median": fit["volume"]["posts_per_day_median"],
    }


def screen_account(account: str, posts: pd.DataFrame, calibration: Calibration, *, seed: int = 0) -> dict:
    """The screen row of one account (``SCHEMA``); ``posts`` has ``text`` and ``timestamp``."""
    found = screen_statistic(posts, calibration=calibration, random_state=account_seed(seed, account))
    writer = writer_model_p(posts, calibration, random_state=account_seed(seed, account))
    stamps = pd.to_datetime(posts["timestamp"], utc=True).dropna()
    p_value = combined_p([found["p_value"], writer["writer_p_value"]])
    return {
        "account": account,
        "n_posts": int(len(posts)),
        "first_post": stamps.min().isoformat() if len(stamps) else None,
        "last_post": stamps.max().isoformat() if len(stamps) else None,
        "status": "ok" if p_value is not None else found["status"],
        **{k: found[k] for k in ("statistic_name", "statistic", "k_hint", "n_units")},
        "p_value": p_value,
        "units_p_value": found["p_value"],
        **writer,
        **behaviour_summary(posts["timestamp"]),
        "style": None if found["style"] is None else np.asarray(found["style"], dtype=np.float32).tolist(),
    }
