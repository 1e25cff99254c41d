"""Parsing time stamps into timezone-aware UTC, naming what cannot be parsed."""

from __future__ import annotations

import zoneinfo

import pandas as pd

from attribution.errors import ConfigError

#: A zone written at the end of a time stamp: ``Z``, ``+02:00``, ``-0500``, ``UTC``, ``GMT``.
ZONE_PATTERN = r"(Z|[+-]\d{2}:?\d{2}|UTC|GMT)$"

#: Spellings of UTC itself, so ``Z`` and ``+00:00`` in one column are not "mixed".
_UTC_SPELLINGS = {"Z", "UTC", "GMT", "+00:00", "+0000", "-00:00", "-0000"}


def parse_timestamps(values: pd.Series, assume_tz: str = "UTC") -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse a column of time stamps.

    Returns ``(parsed_utc, unparseable_mask, naive_mask)``: values without a zone are read in
    ``assume_tz`` and flagged as naive, so a report can say the zone was assumed.
    """
    bad = pd.Series(False, index=values.index)
    if pd.api.types.is_datetime64_any_dtype(values):  # typed column (Parquet): no text to parse
        series = values
        naive = pd.Series(False, index=values.index)
        if series.dt.tz is None:
            naive = values.notna()
            series = series.dt.tz_localize(assume_tz, ambiguous="NaT", nonexistent="NaT")
        parsed = series.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
        return parsed, bad, naive
    raw = values.astype("object")
    present = raw.notna() & (raw.astype(str).str.strip() != "")
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    naive = pd.Series(False, index=values.index)
    if not present.any():
        return parsed, bad, naive
    text = raw[present].astype(str).str.strip()
    has_zone = text.str.contains(ZONE_PATTERN.replace("(", "(?:", 1), regex=True)
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


def timestamp_zones(values: pd.Series) -> pd.Series:
    """The zone each time stamp was written in (``"UTC"`` for every spelling of UTC, ``"+02:00"``
    style offsets otherwise), or ``None`` where it names none or is not text."""
    if pd.api.types.is_datetime64_any_dtype(values):
        zone = None if values.dt.tz is None else str(values.dt.tz)
        return pd.Series([zone] * len(values), index=values.index, dtype="object")
    text = values.astype("object").where(values.notna(), "").astype(str).str.strip()
    found = text.str.extract(ZONE_PATTERN, expand=False)
    found = found.astype("object").where(found.notna(), None)

    def canonical(zone: str | None) -> str | None:
        if zone is None:
            return None
        if zone in _UTC_SPELLINGS:
            return "UTC"
        return zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"

    return found.map({zone: canonical(zone) for zone in found.dropna().unique()})


def check_zone(name: str) -> str:
    """``name`` if the time-zone database knows it, else a ``ConfigError`` saying what to give."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ConfigError(f"unknown time zone {name!r}; use an IANA name such as UTC or Europe/Moscow") from exc
    return name
