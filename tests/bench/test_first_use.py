"""``bench first-use``: each step is the real CLI in a child process, measured by the kernel."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from attribution.bench import first_use
from attribution.bench.registry import BENCHES
from attribution.cli import main


def test_first_use_is_a_registered_bench():
    assert BENCHES["first-use"] == "attribution.bench.first_use"
    result = CliRunner().invoke(main, ["bench", "--help"], terminal_width=400)
    assert "first-use" in " ".join(result.output.split())


def test_a_step_is_timed_and_its_peak_memory_read_from_the_child(tmp_path):
    measured = first_use.measure(["corpus", "info", "federalist", "--json", "-q"], tmp_path)
    assert measured["exit_code"] == 0
    assert measured["output"]["documents"] == 85
    # A Python process that imported pandas, pyarrow and datasets: tens of MB at least, and
    # the child's own peak, not this test process's.
    assert 50 < measured["peak_rss_mb"] < 4000
    assert measured["seconds"] > 0


def test_the_peak_is_the_steps_own_not_this_process(tmp_path):
    """A child forked from a large process would report that process's pages as its own peak."""
    ballast = bytearray(800 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page: 800 MB resident here
    measured = first_use.measure(["--version"], tmp_path)
    assert measured["exit_code"] == 0
    assert measured["peak_rss_mb"] < 400, measured
    del ballast


def test_the_tweet_byline_is_500_real_posts_of_two_accounts(tmp_path, data_dir):
    path = first_use._tweet_byline(data_dir, tmp_path, seed=0)
    table = pd.read_csv(path)
    assert len(table) == 500 and table["account"].nunique() == 2
    assert (table["account"].value_counts() == 250).all()
    assert set(table["byline"]) == {"the byline"} and table["posted_at"].notna().all()
