"""Sessions and time bins: the behaviour view's units."""

import numpy as np
import pandas as pd

from attribution.composite.sessions import sessions, time_bins


def test_a_gap_longer_than_the_limit_starts_a_session():
    stamps = pd.to_datetime(
        ["2017-03-01 09:00", "2017-03-01 09:10", "2017-03-01 09:45", "2017-03-01 09:50", "2017-03-02 22:00"], utc=True
    )
    assert sessions(stamps, 20.0).tolist() == [0, 0, 1, 1, 2]
    assert sessions(stamps, 40.0).tolist() == [0, 0, 0, 0, 1]


def test_sessions_follow_time_not_row_order_and_missing_times_stand_alone():
    stamps = pd.Series(pd.to_datetime(["2017-03-01 09:10", None, "2017-03-01 09:00", "2017-03-01 12:00"], utc=True))
    ids = sessions(stamps, 20.0)
    assert ids[0] == ids[2]  # ten minutes apart, out of row order
    assert len({ids[1], ids[0], ids[3]}) == 3  # the post without a time is a session of its own


def test_time_bins_separate_weekends_and_mark_missing_times():
    stamps = pd.Series(pd.to_datetime(["2017-03-01 09:30", "2017-03-04 09:30", None], utc=True))  # Wed, Sat
    assert time_bins(stamps).tolist() == [9, 33, -1]
    assert time_bins(stamps, utc_offset_hours=-5).tolist()[:2] == [4, 28]


def test_empty_input():
    assert sessions(pd.Series([], dtype="datetime64[ns, UTC]"), 20.0).size == 0
    assert np.asarray(time_bins(pd.Series([], dtype="datetime64[ns, UTC]"))).size == 0


def test_a_byline_beyond_the_nulls_sittings_is_named_in_words():
    from attribution.composite.calibration import density_outside

    text = density_outside("both", 200, 0.5)
    assert text is not None and "0.50 posts per sitting, fewer than 97.5% of the null's runs" in text
    assert "its joint model's p-value is approximate" in text and "too small" not in text
    assert "more than" in density_outside("behaviour", 200, 1000.0) and density_outside("style", 200, 0.5) is None
