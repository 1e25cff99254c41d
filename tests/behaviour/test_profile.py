"""Posting-time profiles in UTC, fixed offsets and IANA zones."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.behaviour import posting_profile
from attribution.behaviour.profile import format_offset, parse_offset, shift_profile, to_utc_seconds
from attribution.errors import ConfigError


def test_profile_counts_weekday_and_hour_in_utc_and_in_a_zone():
    stamps = ["2016-09-27T01:30:00Z", "2016-09-27T01:45:00Z", "2016-01-04T12:00:00+00:00"]
    utc = posting_profile(stamps)
    assert utc.shape == (7, 24) and utc.sum() == 3
    assert utc[1, 1] == 2  # Tuesday 01:00 UTC
    assert utc[0, 12] == 1  # Monday noon
    # New York: 21:30 EDT on Monday (summer), 07:00 EST on Monday (winter).
    local = posting_profile(stamps, tz="America/New_York")
    assert local[0, 21] == 2 and local[0, 7] == 1
    moscow = posting_profile(stamps, tz="UTC+3")
    assert moscow[1, 4] == 2 and moscow[0, 15] == 1


def test_shift_profile_matches_a_fixed_offset_profile(senate_frame):
    stamps = senate_frame["timestamp"].head(500)
    assert np.array_equal(shift_profile(posting_profile(stamps), -5), posting_profile(stamps, tz="UTC-5"))


def test_offsets_parse_and_unknown_zone_is_a_config_error():
    assert parse_offset("UTC+3") == 3 and parse_offset("-05:00") == -5 and parse_offset("UTC+5:30") == 5.5
    assert parse_offset("Europe/Moscow") is None
    assert format_offset(-5) == "UTC-5" and format_offset(5.5) == "UTC+5:30"
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        posting_profile(["2016-01-01T00:00:00Z"], tz="Mars/Olympus")


def test_unparseable_stamps_are_dropped():
    assert len(to_utc_seconds(["2016-01-01T00:00:00Z", "not a time", None])) == 1
