"""``bench scale --sizes/--transform-rows`` (was scripts/bench_scale.py): parsed, checked, measured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from attribution.cli import main

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


@pytest.mark.parametrize(
    "args, message",
    [
        (["bench", "federalist", "--sizes", "10"], "--sizes applies to `bench scale` and `bench screen-scale`"),
        (["bench", "screen-scale", "--transform-rows", "10"], "--transform-rows to `bench scale` only"),
        (["bench", "scale", "--sizes", "ten"], "whole numbers separated by commas"),
        (["bench", "scale", "--sizes", "0,5"], "at least 1"),
    ],
)
def test_scale_options_are_checked(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and message in result.output


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "tweets").is_dir(), reason="needs ../shared/corpora")
def test_bench_scale_measures_the_sizes_asked_for():
    result = CliRunner().invoke(
        main, ["bench", "scale", "--data", str(SHARED), "--sizes", "3000,1000", "--transform-rows", "500", "-q"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["sizes"] == [1000, 3000] and body["transform_rows_cap"] == 500
    for stage in ("features", "shifts"):
        for size in (1000, 3000):
            measured = body["results"][stage][str(size)]
            assert measured["documents"] == size and measured["peak_rss_mb"] > 50, measured
    assert body["results"]["features"]["3000"]["rows_transformed"] == 500
    # Every bench result says what produced it: version, commit, time, machine.
    from attribution import __version__

    assert body["provenance"]["attribution"] == __version__ and body["provenance"]["finished_utc"].endswith("Z")
