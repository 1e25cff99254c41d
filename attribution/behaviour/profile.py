"""Posting-time profiles: hour x weekday counts in UTC or any time zone.

Time zones are IANA names (``Europe/Moscow``, with daylight saving) or fixed offsets
(``UTC+3``, ``+03:00``, ``-5``, or a number of hours).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from attribution.errors import ConfigError

#: Rows of every profile matrix, Monday first (ISO order).
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def to_utc_seconds(timestamps: Iterable) -> np.ndarray:
    """Seconds since the epoch (int64, UTC) for time stamps of any common form; missing ones dropped.

    Accepts integer epoch seconds, datetimes, ``datetime64`` arrays, pandas objects and ISO
    strings; naive values are read as UTC.
    """
    if isinstance(timestamps, np.ndarray) and timestamps.dtype.kind in "iu":
        return timestamps.astype(np.int64)
    if not isinstance(timestamps, (pd.Series, pd.Index, np.ndarray)):
        timestamps = list(timestamps)
    series = pd.Series(timestamps)
    if pd.api.types.is_datetime64_any_dtype(series):
        series = pd.to_datetime(series, utc=True)
    else:
        series = pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601")
    series = series.dropna()
    return series.astype("datetime64[s, UTC]").astype("int64").to_numpy(dtype=np.int64)


def parse_offset(zone: str | float | int) -> float | None:
    """Hours east of UTC for a fixed-offset spelling, else ``None`` (an IANA name)."""
    if isinstance(zone, (int, float, np.integer, np.floating)):
        return float(zone)
    text = str(zone).strip()
    if text.upper() in ("UTC", "GMT", "Z"):
        return 0.0
    match = _OFFSET.match(text)
    if match is None:
        return None
    sign = -1.0 if match.group(1) == "-" else 1.0
    return sign * (int(match.group(2)) + int(match.group(3) or 0) / 60.0)


def zone_offsets(seconds: np.ndarray, zone: str | float | int) -> np.ndarray:
    """UTC offset in hours of ``zone`` at each instant (varies with daylight saving)."""
    fixed = parse_offset(zone)
    if fixed is not None:
        if not -12 <= fixed <= 14:
            raise ConfigError(f"time zone offset {zone!r} is outside UTC-12..UTC+14")
        return np.full(len(seconds), fixed)
    try:
        index = pd.to_datetime(seconds, unit="s", utc=True).tz_convert(str(zone))
    except Exception as exc:  # pytz/zoneinfo raise several types for unknown names
        raise ConfigError(
            f"unknown time zone {zone!r}; give an IANA name (America/New_York) or an offset (UTC-5)"
        ) from exc
    local_naive = index.tz_localize(None).as_unit("s").asi8
    return (local_naive - seconds) / 3600.0


def local_hour_weekday(seconds: np.ndarray, zone: str | float | int = "UTC") -> tuple[np.ndarray, np.ndarray]:
    """Local hour (0-23) and weekday (0 = Monday) for each instant."""
    local = seconds + np.round(zone_offsets(seconds, zone) * 3600).astype(np.int64)
    hours = (local // 3600) % 24
    # 1970-01-01 was a Thursday (weekday 3).
    weekdays = (local // 86400 + 3) % 7
    return hours.astype(np.int64), weekdays.astype(np.int64)


def posting_profile(timestamps: Iterable, tz: str | float | int = "UTC") -> np.ndarray:
    """Counts of posts by weekday (rows, Monday first) and hour (columns) in ``tz``; shape (7, 24)."""
    seconds = to_utc_seconds(timestamps)
    hours, weekdays = local_hour_weekday(seconds, tz)
    return np.bincount(weekdays * 24 + hours, minlength=168).reshape(7, 24)


def shift_profile(profile: np.ndarray, hours: int) -> np.ndarray:
    """A UTC (7, 24) profile seen at a fixed offset of ``hours`` east of UTC."""
    return np.roll(np.asarray(profile).reshape(-1), int(hours)).reshape(7, 24)


def format_offset(hours: float) -> str:
    """``UTC+3``, ``UTC-5``, ``UTC+5:30``."""
    sign = "+" if hours >= 0 else "-"
    whole, minutes = divmod(round(abs(hours) * 60), 60)
    return f"UTC{sign}{whole}" + (f":{minutes:02d}" if minutes else "")


def posts_frame(data, columns: tuple[str, ...] = ("timestamp",)) -> pd.DataFrame:
    """An ``account`` column plus ``columns`` from a corpus ``Dataset`` or a pandas frame.

    The account is the byline, else the author; rows without one are dropped. A frame that
    already has ``account`` is used as it is.
    """
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
    else:
        wanted = [c for c in ("byline", "author", *columns) if c in data.column_names]
        frame = data.select_columns(wanted).to_pandas()
    if "account" not in frame:
        byline = frame["byline"] if "byline" in frame else pd.Series(None, index=frame.index, dtype=object)
        author = frame["author"] if "author" in frame else pd.Series(None, index=frame.index, dtype=object)
        frame["account"] = byline.where(byline.notna(), author)
    missing = [c for c in columns if c not in frame]
    if missing:
        raise ConfigError(f"the posts have no column {missing[0]!r}; expected {', '.join(columns)}")
    if "timestamp" in frame:
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame[frame["account"].notna()].reset_index(drop=True)
