"""Parsing time stamps into timezone-aware UTC, naming what cannot be parsed."""

from __future__ import annotations

import pandas as pd


def parse_timestamps(values: pd.Series, assume_tz: str = "UTC") -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse a column of time stamps.

    Returns ``(parsed_utc, unparseable_mask, naive_mask)``: values without a zone are read in
    ``assume_tz`` and flagged as naive, so a report can say the zone was assumed.
    """
    raw = values.astype("object")
    present = raw.notna() & (raw.astype(str).str.strip() != "")
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    naive = pd.Series(False, index=values.index)
    bad = pd.Series(False, index=values.index)
    if not present.any():
        return parsed, bad, naive
    if pd.api.types.is_datetime64_any_dtype(values):
        series = values
        if series.dt.tz is None:
            naive = present.copy()
            series = series.dt.tz_localize(assume_tz)
        parsed = series.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
        return parsed, bad, naive
    text = raw[present].astype(str).str.strip()
    has_zone = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)$", regex=True)
    for mask, zone_known in ((has_zone, True), (~has_zone, False)):
        subset = text[mask]
        if subset.empty:
            continue
        converted = pd.to_datetime(subset, errors="coerce", utc=zone_known, format="mixed")
        if not zone_known:
            converted = converted.dt.tz_localize(assume_tz, ambiguous="NaT", nonexistent="NaT")
            naive.loc[subset.index] = True
        parsed.loc[subset.index] = converted.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
    bad = present & parsed.isna()
    naive &= ~bad
    return parsed, bad, naive
