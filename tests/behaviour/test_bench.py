"""The two behaviour benchmarks run end to end and report every key the issue names."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from attribution.cli import main


def _bench(name: str, data_dir) -> dict:
    result = CliRunner().invoke(main, ["bench", name, "--data", str(data_dir), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.slow
def test_shifts_bench_keys_and_the_publish_date_zone(data_dir):
    result = _bench("shifts", data_dir)
    for key in ("offset_exact_rate", "office_auc", "mismatch_auc"):
        assert 0.0 <= result[key] <= 1.0
    assert sum(result["senate_offsets"].values()) == result["real"]["senate_accounts"]
    assert sum(result["ira_offsets"].values()) == result["real"]["ira_accounts"]
    # Debate-night mentions peak one to two hours after 01:00 UTC: the stamps are UTC.
    peaks = [night["peak_utc_hour"] for night in result["ira_publish_date_check"]["nights"].values()]
    assert all(1 <= peak <= 2 for peak in peaks)
    assert len(result["real"]["profiles_utc"]["senate"]) == 7


@pytest.mark.slow
def test_coordination_bench_keys(data_dir):
    result = _bench("coordination", data_dir)
    for key in ("precision", "recall", "ira_vs_senate_auc"):
        assert 0.0 <= result[key] <= 1.0
    assert result["planted"]["true_pairs"] > 0
    assert result["senate"]["accounts"] == result["ira"]["accounts"]
