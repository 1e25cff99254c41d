"""Shift-pattern model on seeded synthetic truth and on real slices of both tweet sets."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from attribution.behaviour import ShiftPatternModel, analyse_shifts
from attribution.behaviour.shifts import US_OFFSETS, offset_in_interval
from attribution.behaviour.synthetic import OfficeSchedule, simulate_office, simulate_organic
from attribution.errors import InsufficientEvidenceError
from attribution.report.jsonio import dumps


def test_office_in_moscow_is_recovered_and_organic_is_not_office():
    rng = np.random.default_rng(3)
    office = ShiftPatternModel().fit(simulate_office(rng, offset=3, n_posts=800, schedule=OfficeSchedule(9, 18, 13)))
    assert office.model_ == "office" and office.offset_ == 3
    assert offset_in_interval(3, office.offset_interval_)
    assert offset_in_interval(12, (11, -10)) and offset_in_interval(-11, (11, -10))
    assert not offset_in_interval(0, (11, -10))
    assert office.office_schedule_ == {"start": 9, "end": 18, "lunch": 13}
    organic = ShiftPatternModel().fit(simulate_organic(rng, offset=-5, n_posts=800))
    assert organic.model_ == "organic" and organic.office_score_ < 0
    assert abs(organic.offset_ - (-5)) <= 2


def test_too_few_posts_and_unfitted_use_are_errors():
    with pytest.raises(InsufficientEvidenceError, match="at least 30"):
        ShiftPatternModel().fit(["2016-01-01T00:00:00Z"] * 5)
    with pytest.raises(NotFittedError):
        ShiftPatternModel().mismatch(US_OFFSETS)


def test_senator_posts_on_us_office_hours(senate_frame):
    stamps = senate_frame.loc[senate_frame["account"] == "SenAlexander", "timestamp"]
    model = ShiftPatternModel().fit(stamps)
    assert model.offset_ in (-4, -5, -6)
    assert model.consistency("America/New_York")["consistent"]
    assert not model.consistency("Europe/Moscow")["consistent"]
    assert model.regularity()["weekday_share"] > 0.8


def test_hashtag_gamer_keeps_european_hours_not_us_ones(ira_frame):
    stamps = ira_frame.loc[ira_frame["account"] == "HellieEdwards", "timestamp"]
    model = ShiftPatternModel().fit(stamps)
    assert model.model_ == "office"
    assert 0 <= model.offset_ <= 3  # a European / Moscow working day, in UTC time stamps
    assert model.mismatch(US_OFFSETS) > 10
    assert not model.consistency("America/New_York")["consistent"]


def test_superhuman_volume_is_flagged(ira_frame):
    stamps = ira_frame.loc[ira_frame["account"] == "AnaaisLEC", "timestamp"]
    volume = ShiftPatternModel().fit(stamps).volume()
    assert volume["posts_per_day_max"] > volume["plausible_daily_posts"]
    assert volume["beyond_one_person"]


def test_analyse_shifts_is_json_ready_and_deterministic(senate_frame):
    part = senate_frame[senate_frame["account"].isin(["SenAlexander", "ChuckGrassley", "NA"])]
    first = analyse_shifts(part, claimed_tz="America/New_York")
    second = analyse_shifts(part, claimed_tz="America/New_York")
    assert dumps(first) == dumps(second)
    entries = {e["account"]: e for e in json.loads(dumps(first))["accounts"]}
    assert len(entries) == 3
    fitted = [e for e in entries.values() if e["status"] == "ok"]
    assert fitted and all(np.array(e["profile_utc"]).shape == (7, 24) for e in fitted)
    assert all(sum(map(sum, e["profile_utc"])) == e["n_posts"] for e in entries.values())
    assert first["summary"]["fitted"] == len(fitted)


def test_the_offset_interval_holds_a_second_mode_within_the_cut():
    """An organic rhythm can fit two offsets almost equally: the interval spans both, so a claimed
    zone the profile cut accepts is never reported outside it (UTC+12 [+12..+12] beside "UTC-6:
    consistent" before)."""
    from attribution.behaviour.shifts import OFFSETS, _interval

    posterior = np.full(len(OFFSETS), -10.0)
    posterior[OFFSETS == 12] = 0.0
    posterior[(OFFSETS >= -8) & (OFFSETS <= -3)] = -0.5
    best = int(posterior.argmax())
    assert _interval(posterior, best) == (12, -3)
    assert offset_in_interval(-6, _interval(posterior, best))
    single = np.full(len(OFFSETS), -10.0)
    single[OFFSETS == 2] = 0.0
    assert _interval(single, int(single.argmax())) == (2, 2)
    flat = np.zeros(len(OFFSETS))
    assert _interval(flat, 0) == (-11, 12)
