"""Posting sessions and posting-time bins: the behaviour view of the per-post writer model.

A session is a run of posts with no gap longer than ``gap_minutes``: the span of one sitting, the
unit a shift worker hands over. Each session is one writer in the model (its posts are tied),
which is what lets single short posts pool their style. Posts without a time stamp are sessions
of their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Hour of day (24) x weekday/weekend (2): coarse enough to fill with a few hundred sessions.
N_TIME_BINS = 48


def _mixed_order(times: pd.Series) -> np.ndarray:
    """Indices sorting posts by time (stable); posts without a time keep their order, last."""
    present = np.flatnonzero(times.notna().to_numpy())
    absent = np.flatnonzero(times.isna().to_numpy())
    values = times.iloc[present].to_numpy(dtype="datetime64[ns]")
    return np.concatenate([present[np.argsort(values, kind="stable")], absent])


def sessions(timestamps: pd.Series | np.ndarray, gap_minutes: float) -> np.ndarray:
    """Session id of each post (0, 1, … in time order); a post without a time is its own session."""
    times = pd.to_datetime(pd.Series(timestamps), utc=True).reset_index(drop=True)
    n = len(times)
    out = np.empty(n, dtype=int)
    if n == 0:
        return out
    order = _mixed_order(times)
    sorted_times = times.iloc[order]
    gaps = sorted_times.diff().dt.total_seconds().to_numpy() / 60.0
    new = np.ones(n, dtype=bool)
    new[1:] = ~(gaps[1:] <= gap_minutes)  # NaN (a missing time) starts a session
    out[order] = np.cumsum(new) - 1
    return out


def time_bins(timestamps: pd.Series | np.ndarray, utc_offset_hours: float = 0.0) -> np.ndarray:
    """Bin of each post: hour of day plus 24 on Saturdays and Sundays; -1 for a missing time.

    ``utc_offset_hours`` moves UTC stamps to the byline's clock; the model is blind to a shift of
    all bins, so it only matters for how the report reads.
    """
    times = pd.to_datetime(pd.Series(timestamps), utc=True) + pd.Timedelta(hours=utc_offset_hours)
    hours = times.dt.hour.to_numpy(dtype=float, na_value=np.nan)
    weekend = (times.dt.dayofweek >= 5).to_numpy(dtype=float, na_value=np.nan)
    bins = hours + 24 * weekend
    return np.where(np.isnan(bins), -1, bins).astype(int)


def posts_per_session(timestamps: pd.Series | np.ndarray, gap_minutes: float) -> float:
    """Mean posts per session among the timed posts (nan without any): how densely a byline
    posts, which the time views' gain grows with (``calibration.compare_to_null``)."""
    times = pd.to_datetime(pd.Series(timestamps), utc=True).dropna().reset_index(drop=True)
    if times.empty:
        return float("nan")
    return len(times) / (int(sessions(times, gap_minutes).max()) + 1)
