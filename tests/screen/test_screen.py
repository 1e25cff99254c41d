"""The screen on a small real corpus: one process and a real 2-worker LocalCluster agree; a killed
worker loses nothing; an interrupted screen resumes without recomputing finished accounts."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import sys

import numpy as np
import pandas as pd
import pytest

from attribution.errors import ConfigError
from attribution.screen import executor, open_client, screen_corpus, screen_statistic
from attribution.screen.calibration import calibration_accounts
from attribution.screen.graph import style_neighbours
from attribution.screen.writer_screen import combined_p, writer_model_p

pytest.importorskip("distributed", reason="the [scale] extra is part of the test install")


def _screen(posts, out, calibration, **kwargs):
    return screen_corpus(posts, out, calibration, full_tests=False, **kwargs)


def _tables(out):
    accounts = pd.read_parquet(out / "accounts.parquet")
    parts = pd.concat([pd.read_parquet(p) for p in sorted((out / "parts").glob("part-*.parquet"))])
    return accounts, parts, pd.read_parquet(out / "edges.parquet")


@pytest.fixture(scope="module")
def single(small_posts, calibration, tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    summary = _screen(small_posts, out, calibration)
    return out, summary


@pytest.fixture(scope="module")
def client():
    with open_client(None, 2, "2GB") as client:
        yield client


def test_single_process_screen_reads_real_accounts(single, small_posts):
    out, summary = single
    accounts, parts, _ = _tables(out)
    assert summary["accounts"] == small_posts["account"].nunique() == len(accounts)
    assert sorted(parts["account"]) == sorted(accounts["account"])
    short = accounts[accounts["n_posts"] < 120]
    assert (short["status"] == "insufficient_evidence").all() and short["p_value"].isna().all()
    screened = accounts[accounts["status"] == "ok"]
    assert len(screened) == len(accounts) - len(short)
    assert screened["p_value"].between(0, 1, inclusive="right").all()
    assert (screened["k_hint"] >= 1).all()
    assert screened["offset_label"].str.startswith("UTC").all()
    page = (out / "overview.html").read_text()
    assert "<script src" not in page and "http://" not in page.split("</head>")[0]
    # The one inline script runs only if its hash is the one the page's CSP allows.
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    for name in screened["account"]:
        assert name in page


def test_two_worker_cluster_gives_the_single_process_result(single, small_posts, calibration, client, tmp_path):
    assert len(client.nthreads()) == 2
    summary = _screen(small_posts, tmp_path, calibration, client=client)
    expected, _, expected_edges = _tables(single[0])
    accounts, parts, edges = _tables(tmp_path)
    pd.testing.assert_frame_equal(accounts, expected)
    pd.testing.assert_frame_equal(edges, expected_edges)
    assert parts["account"].is_unique
    assert summary["workers"] == 2


def test_collapsed_copies_give_the_single_process_result_on_two_workers(small_posts, calibration, client, tmp_path):
    """Copies of real streams under new names, copies collapsed: the same tables on 2 workers as in one process."""
    copied = pd.concat([small_posts, small_posts.assign(account=small_posts["account"] + "-copy")], ignore_index=True)
    one = _screen(copied, tmp_path / "one", calibration, collapse_copies=True)
    two = _screen(copied, tmp_path / "two", calibration, client=client, collapse_copies=True)
    assert one["graph"] == two["graph"] and one["graph"]["copy_groups"] < len(copied)
    for table in ("accounts.parquet", "edges.parquet", "clusters.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "two" / table), pd.read_parquet(tmp_path / "one" / table)
        )


def test_a_killed_worker_is_survived(single, small_posts, calibration, client, tmp_path, monkeypatch):
    # One account per task, so that account tasks are still in flight when the first row comes.
    monkeypatch.setattr(executor, "TASK_POSTS", 0)
    pids = client.run(os.getpid)
    killed = {}

    def kill_after_first(items, *, desc="", total=None):
        for number, item in enumerate(items):
            if number == 0 and desc == "accounts":
                busy = [address for address, keys in client.processing().items() if keys]
                address = busy[0]
                killed.update(address=address, tasks=len(client.processing()[address]))
                os.kill(pids[address], signal.SIGKILL)
            yield item

    _screen(small_posts, tmp_path, calibration, client=client, progress=kill_after_first)
    assert killed["tasks"] >= 1
    accounts, parts, _ = _tables(tmp_path)
    assert parts["account"].is_unique
    assert len(parts) == small_posts["account"].nunique()
    pd.testing.assert_frame_equal(accounts, _tables(single[0])[0])


def test_an_interrupted_screen_resumes_without_recomputing(single, small_posts, calibration, tmp_path):
    def stop_after_three(items, *, desc="", total=None):
        for number, item in enumerate(items):
            if number == 3:
                raise KeyboardInterrupt
            yield item

    with pytest.raises(KeyboardInterrupt):
        _screen(small_posts, tmp_path, calibration, flush_rows=1, progress=stop_after_three)
    assert len(list((tmp_path / "parts").glob("part-*.parquet"))) == 3
    seen = []

    def count(items, *, desc="", total=None):
        for item in items:
            if desc == "accounts":
                seen.append(item["account"])
            yield item

    summary = _screen(small_posts, tmp_path, calibration, flush_rows=1, progress=count)
    assert summary["resumed_accounts"] == 3
    assert len(seen) == small_posts["account"].nunique() - 3
    accounts, parts, _ = _tables(tmp_path)
    assert parts["account"].is_unique
    pd.testing.assert_frame_equal(accounts, _tables(single[0])[0])


def test_a_folder_of_another_corpus_is_refused(single, small_posts, calibration):
    other = small_posts[small_posts["account"] != small_posts["account"].iloc[0]]
    with pytest.raises(ConfigError, match="another corpus_sha256"):
        _screen(other, single[0], calibration)


def test_merged_held_out_accounts_score_above_their_parts(data_dir, calibration):
    """Held-out accounts alone and merged in equal shares (as the bench plants composites)."""
    posts, _, held_out = calibration_accounts(data_dir)
    names = held_out[:12]
    alone = [screen_statistic(posts[n], calibration=calibration)["statistic"] for n in names]
    merged = []
    for a, b in zip(names[0::2], names[1::2]):
        size = min(len(posts[a]), len(posts[b]))
        both = pd.concat([posts[a].sample(size, random_state=0), posts[b].sample(size, random_state=0)])
        merged.append(screen_statistic(both, calibration=calibration)["statistic"])
    assert np.median(merged) > np.median(alone)


def test_missing_scale_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError, match=r"\[scale\]"):
        with open_client(None, 2, "1GB"):
            pass


def test_an_unreachable_scheduler_is_a_clear_error(monkeypatch):
    from attribution.screen import executor

    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", 2)
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        with open_client("tcp://127.0.0.1:9", None, None):
            pass


def test_an_unknown_cluster_spelling_is_refused():
    with pytest.raises(ConfigError, match="local, none or a scheduler address"):
        with open_client("slurm", None, None):
            pass


@pytest.mark.slow
def test_ann_neighbours_match_exact_ones_on_a_small_set():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(20, 64))
    vectors = centres[rng.integers(0, 20, 400)] + 0.1 * rng.normal(size=(400, 64))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = {tuple(p) for p in style_neighbours(vectors, k=5, exact_max=10_000)}
    approximate = {tuple(p) for p in style_neighbours(vectors, k=5, exact_max=0)}
    assert len(exact & approximate) / len(exact) >= 0.95


def test_cli_screen_writes_tables_and_summary(small_posts, data_dir, tmp_path):
    from click.testing import CliRunner

    from attribution.cli import main

    corpus = tmp_path / "posts.parquet"
    small_posts.to_parquet(corpus)
    out = tmp_path / "screen"
    result = CliRunner().invoke(
        main,
        [
            "screen",
            str(corpus),
            "--byline-col",
            "account",
            "--time-col",
            "timestamp",
            "--kind",
            "tweet",
            "--data",
            str(data_dir),
            "--out",
            str(out),
            "--workers",
            "0",
            "--no-full-test",
            "--json",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["accounts"] == small_posts["account"].nunique()
    assert summary["workers"] is None and summary["fully_tested"] == 0
    from attribution.screen.run import ALPHA

    assert summary["alpha"] == ALPHA, "the command's default --alpha is not the screen's"
    for name in ("accounts.parquet", "edges.parquet", "clusters.parquet", "overview.html", "summary.json"):
        assert (out / name).exists()


def test_small_accounts_share_a_task_and_a_large_one_has_its_own():
    frames = [
        ("a", pd.DataFrame(index=range(300))),
        ("b", pd.DataFrame(index=range(500))),
        ("c", pd.DataFrame(index=range(2500))),
        ("d", pd.DataFrame(index=range(10))),
    ]
    batches = list(executor._batches(frames, 1000))
    assert [[name for name, _ in batch] for batch in batches] == [["a", "b"], ["c"], ["d"]]


def test_the_writer_model_tells_merged_accounts_from_their_parts(data_dir, calibration):
    """The second statistic on the same held-out accounts, alone and merged in equal shares."""
    posts, _, held_out = calibration_accounts(data_dir)
    names = held_out[:12]
    alone = [writer_model_p(posts[n], calibration)["writer_p_value"] for n in names]
    merged = []
    for a, b in zip(names[0::2], names[1::2]):
        size = min(len(posts[a]), len(posts[b]), 300)
        both = pd.concat([posts[a].sample(size, random_state=0), posts[b].sample(size, random_state=0)])
        merged.append(writer_model_p(both, calibration)["writer_p_value"])
    assert np.median(merged) < np.median(alone)
    # Fine enough that a gain beyond every null draw survives Bonferroni at 0.01.
    assert 2 * calibration.writer_p_value(600, float("inf")) < 0.01


def test_the_joint_p_value_is_bonferroni_over_the_statistics_an_account_has():
    assert combined_p([0.2, 0.01]) == pytest.approx(0.02)
    assert combined_p([None, 0.03]) == pytest.approx(0.03)
    assert combined_p([0.7, 0.9]) == 1.0
    assert combined_p([None, None]) is None
