"""``attribution shifts`` and ``attribution coordination`` on a small real CSV."""

from __future__ import annotations

import json

from click.testing import CliRunner

from attribution.cli import main


def _csv(senate_frame, tmp_path):
    part = senate_frame[senate_frame["account"].isin(["SenAlexander", "ChuckGrassley", "JeffFlake"])]
    path = tmp_path / "senators.csv"
    part.assign(timestamp=part["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_csv(path, index=False)
    return path


def test_shifts_command_json(senate_frame, tmp_path):
    path = _csv(senate_frame, tmp_path)
    args = [
        "shifts",
        str(path),
        "--byline-col",
        "account",
        "--time-col",
        "timestamp",
        "--kind",
        "tweet",
        "--account",
        "SenAlexander",
        "--claimed-tz",
        "America/New_York",
        "--json",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    (entry,) = payload["accounts"]
    assert entry["account"] == "SenAlexander" and entry["claim"]["consistent"]
    assert len(entry["profile_utc"]) == 7


def test_shifts_unknown_zone_is_a_usage_error(senate_frame, tmp_path):
    path = _csv(senate_frame, tmp_path)
    args = ["shifts", str(path), "--byline-col", "account", "--time-col", "timestamp", "--claimed-tz", "Nowhere/Else"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "unknown time zone" in result.output


def test_coordination_command_text_and_json(senate_frame, tmp_path):
    path = _csv(senate_frame, tmp_path)
    args = ["coordination", str(path), "--byline-col", "account", "--time-col", "timestamp"]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0 and "3 accounts" in text.output
    payload = json.loads(CliRunner().invoke(main, [*args, "--json"]).stdout)
    assert {n["account"] for n in payload["nodes"]} == {"SenAlexander", "ChuckGrassley", "JeffFlake"}


def test_help_has_examples():
    for name in ("shifts", "coordination"):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output
