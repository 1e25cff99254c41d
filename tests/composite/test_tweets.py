"""The per-post composite test on real IRA posts: the model, the shipped null, --reference, no --data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from attribution.composite.calibration import (
    MATCHED_SHARE,
    MIN_NULL_ACCOUNTS,
    SESSION_VIEWS,
    NullComparison,
    cauchy_combination,
    compare_posts,
    compare_to_null,
    decision_p_value,
    matched_runs,
    shipped_min_p_null,
    shipped_results,
    trusted_size,
    tweet_null,
    tweet_reference,
)
from attribution.composite.interleave import merged_byline, post_purity
from attribution.composite.pools import ira_posts
from attribution.composite.posts import analyse_posts
from attribution.composite.sessions import posts_per_session
from attribution.composite.tweets import WEAK_POWER, ViewsDecision, _evidence_sentence, _measured_caveats, read_views
from attribution.composite.writer_model import VIEWS
from attribution.features.short_text import post_kinds

pytestmark = pytest.mark.slow

#: Two held-out (test split) accounts of different categories whose posts the model separates.
PAIR = ("MelvinSRoberts", "MissouriNewsUS")
SINGLES = ("TheFoundingSon", "Stanley_Cox_", "debesstrs")


@pytest.fixture(scope="module")
def posts(data_dir):
    frame = ira_posts(data_dir)
    return frame[frame["part"] == "test"]


@pytest.fixture(scope="module")
def byline(posts):
    streams = [posts[posts["writer"] == w].reset_index(drop=True) for w in PAIR]
    made = merged_byline(streams, np.array([0.5, 0.5]), 300, np.random.default_rng(7))
    assert made is not None
    return made


def test_the_merged_byline_alternates_post_by_post(byline):
    writers = byline.posts["writer"].to_numpy()
    assert set(writers) == set(PAIR)
    switches = int((writers[1:] != writers[:-1]).sum())
    assert switches >= 10, f"only {switches} changes of writer: the streams did not interleave"
    days = byline.posts.assign(day=byline.posts["timestamp"].dt.date).groupby("day")["writer"].nunique()
    assert (days == 2).sum() >= 5, "the two writers should share posting days"
    assert byline.posts["timestamp"].is_monotonic_increasing


def test_the_writer_model_finds_both_writers_post_by_post(byline):
    space, variances, _ = tweet_reference()
    texts = byline.posts["text"].tolist()
    vectors, kinds = space.transform(texts), post_kinds(texts)
    analysis = analyse_posts(vectors, byline.posts["timestamp"], variances, kinds, view="both")
    assert analysis.gain > 0
    assert post_purity(byline.posts["writer"].to_numpy(), analysis.post_labels(2)) >= 0.9
    first = byline.posts["writer"].to_numpy() == PAIR[0]
    alone = analyse_posts(vectors[first], byline.posts["timestamp"][first], variances, kinds[first], view="both")
    assert alone.gain < analysis.gain


def _write_jsonl(path, frame):
    with open(path, "w", encoding="utf-8") as handle:
        for row in frame.itertuples():
            handle.write(
                json.dumps({"text": row.text, "posted_at": row.timestamp.isoformat(), "account": row.writer}) + "\n"
            )


def _run(args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "ATTRIBUTION_DATA"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "attribution"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_cli_tests_a_users_posts_with_no_data_folder(byline, tmp_path):
    path = tmp_path / "byline.jsonl"
    _write_jsonl(path, byline.posts.assign(writer="the byline"))
    report = tmp_path / "report.html"
    result = _run(["composite", str(path), "--kind", "tweet", "--json", "-q", "--report", str(report)], tmp_path)
    assert result["n_documents"] == 300
    # Posts have no titles: the report's labels must not show a missing one as "nan".
    assert " · nan · " not in report.read_text(encoding="utf-8")
    assert result["test"]["reference"]["built"] == tweet_null()["meta"]["built"]
    assert "tune accounts" in result["test"]["null_method"]
    assert len(result["documents"]) == 300 and {d["cluster"] for d in result["documents"]} <= set(range(4))
    assert result["k"]["estimate"] == (1 if result["test"]["p_value"] > 0.05 else max(2, result["k"]["estimate"]))
    assert "the three read together" in result["test"]["evidence"]
    # The decision reads the three views by minP: at least the smallest view p, at most Bonferroni's.
    test = result["test"]
    smallest = min(test["style_p_value"], test["behaviour_p_value"], test["joint_model_p_value"])
    assert smallest - 1e-5 <= test["p_value"] <= min(1.0, 3 * smallest) + 0.01
    assert "minP" in test["combination"]
    # A split's posts state a measured rate, not the model's near-certain belief; one writer states nothing.
    assert ("confidence" in result["methods"]) == (result["k"]["estimate"] > 1)
    if result["k"]["estimate"] > 1:
        stated = [d["cluster_confidence"] for d in result["documents"]]
        assert 0 < min(stated) and max(stated) < 0.95 and "sat with their own writer" in result["methods"]["confidence"]
    # The measured error rates come from the shipped bench interleaved results, with their run.
    shipped = shipped_results("interleaved")
    assert shipped is not None, "bench_interleaved.json does not ship with the package"
    # The rates of the measured size nearest the byline's 300 posts (200).
    at_size = shipped["by_size"]["200"]
    assert result["test"]["measured_tpr"] == at_size["tpr"] and result["test"]["measured_fpr"] == at_size["fpr"]
    assert shipped["provenance"]["commit"] in result["test"]["measured_fpr_source"]
    assert "bylines of 200 posts" in result["test"]["measured_fpr_source"]
    assert result["test"]["measured_fpr_bylines"] == at_size["n"] - at_size["n_composite"]
    low, high = result["test"]["measured_fpr_ci"]
    assert low <= at_size["fpr"] <= high and high >= at_size["fpr_ci"][1]
    if at_size["tpr"] < WEAK_POWER:
        assert any("weak evidence of one writer" in c for c in result["methods"]["caveats"])


def test_reference_corpus_replaces_the_shipped_null(byline, posts, tmp_path):
    path = tmp_path / "byline.jsonl"
    _write_jsonl(path, byline.posts.assign(writer="the byline"))
    reference = tmp_path / "reference.jsonl"
    _write_jsonl(reference, posts[posts["writer"].isin(SINGLES)].groupby("writer").head(400))
    result = _run(
        [
            "composite",
            str(path),
            "--kind",
            "tweet",
            "--reference",
            str(reference),
            "--author-col",
            "account",
            "--json",
            "-q",
        ],
        tmp_path,
    )
    assert "the user's reference corpus (3 single-writer bylines)" in result["test"]["null_method"]
    assert result["test"]["n_null"] == 60


@pytest.mark.parametrize(
    ("measured", "expected"),
    [
        (None, ["not been measured"]),
        ({"tpr": 0.11, "fpr": 0.14, "posts": "1,000"}, ["(1,000 posts) this test found 11%", "called 14% composite"]),
        ({"tpr": 0.9, "fpr": 0.04}, []),
    ],
)
def test_measured_rates_become_caveats_only_when_they_warn(measured, expected):
    caveats = _measured_caveats(measured, 0.05)
    assert len(caveats) == len(expected)
    assert all(text in caveat for text, caveat in zip(expected, caveats))


def test_long_bylines_are_tested_in_chunks_the_null_measured_on_enough_accounts(posts):
    size = trusted_size()
    accounts = tweet_null()["meta"]["null_accounts_per_size"]
    assert accounts[str(size)] >= MIN_NULL_ACCOUNTS
    assert all(a < MIN_NULL_ACCOUNTS for s, a in accounts.items() if int(s) > size)
    space, variances, _ = tweet_reference()
    stream = posts[posts["writer"] == SINGLES[0]].reset_index(drop=True).iloc[: 2 * size + 100]
    vectors, kinds = space.transform(stream["text"].tolist()), post_kinds(stream["text"].tolist())
    analysis = analyse_posts(vectors, stream["timestamp"], variances, kinds, view="both")
    chunked = compare_posts(vectors, stream["timestamp"], kinds, analysis.gain, "both")
    assert chunked.chunks == 3 and chunked.size_used == size and chunked.outside is None
    assert 0.0 < chunked.p_value <= 1.0
    # A byline within the trusted size is compared whole, as before.
    short = compare_posts(vectors[:size], stream["timestamp"][:size], kinds[:size], 1.0, "both")
    assert short == compare_to_null(1.0, size, "both", posts_per_session(stream["timestamp"][:size], 20.0))


def test_the_chunk_null_resolves_p_values_to_a_thousandth_from_every_account_alike():
    """A coarse null (100 runs) let one chunk above every draw cancel a significant chunk."""
    null, meta = tweet_null()["null"], tweet_null()["meta"]
    assert all(len(null[view][str(trusted_size())]) >= 1000 for view in null)
    for size, accounts in meta["null_accounts_per_size"].items():
        runs = {len(null[view][size]) for view in null}
        # Every view has the same runs, and every account long enough gives as many as the others.
        assert runs == {meta["draws_per_size"][size]} and meta["draws_per_size"][size] % accounts == 0


def test_the_cauchy_combination_keeps_equal_p_values_and_is_finite_at_one():
    resolution = 1 / 101
    assert cauchy_combination(np.array([0.02, 0.02, 0.02]), resolution) == pytest.approx(0.02)
    assert cauchy_combination(np.array([1.0, 1.0]), resolution) == pytest.approx(1 - resolution)
    # Its known cost with Monte-Carlo p-values: a chunk at the null's floor and one above every
    # null draw cancel out (docs/decisions.md, stop 26).
    assert cauchy_combination(np.array([resolution, 1.0]), resolution) == pytest.approx(0.5)


def test_chunks_cover_every_post():
    from attribution.composite.calibration import chunk_starts

    for n, size in ((600, 500), (1000, 500), (4000, 500), (4321, 500)):
        starts = chunk_starts(n, size)
        covered = np.zeros(n, dtype=bool)
        for s in starts:
            covered[s : s + size] = True
        assert covered.all() and starts[-1] + size == n and len(starts) == -(-n // size)


def test_the_measured_rates_quoted_are_those_of_the_nearest_measured_size():
    from attribution.composite.tweets import measured_at_size

    results = {
        "tpr": 0.1,
        "provenance": {"commit": "abc"},
        "by_size": {str(s): {"tpr": s / 10000, "fpr": 0.0} for s in (200, 1000, 4000)},
    }
    assert measured_at_size(results, 300)["posts"] == "200"
    assert measured_at_size(results, 700)["tpr"] == 0.1
    assert measured_at_size(results, 2500)["posts"] == "4,000"
    assert measured_at_size(results, 50)["provenance"] == {"commit": "abc"}
    assert measured_at_size(None, 300) is None


def test_a_byline_within_the_trusted_size_quotes_the_rates_of_bylines_tested_whole():
    from attribution.composite.tweets import measured_at_size

    results = {"by_size": {str(s): {"tpr": 0.0, "fpr": s / 10000} for s in (200, 1000, 4000)}}
    assert measured_at_size(results, trusted_size() - 10)["posts"] == "200"
    assert measured_at_size(results, trusted_size() + 10)["posts"] == "1,000"


def test_the_kind_of_post_is_read_from_links_replies_and_hashtags():
    texts = [
        "@bob you are wrong",
        "Read this https://t.co/x #MAGA #tcot",
        "#ThingsILearned cats are great",
        "Plain words.",
    ]
    kinds = post_kinds(texts)
    assert kinds.tolist() == [3, 8, 1, 0]


def test_comparing_posts_within_their_kind_shrinks_a_single_accounts_split(posts):
    """A single account's posts split by kind of post; compared within kind, that split shrinks."""
    space, variances, _ = tweet_reference()
    stream = posts[posts["writer"] == SINGLES[1]].reset_index(drop=True).iloc[:400]
    texts = stream["text"].tolist()
    vectors, kinds = space.transform(texts), post_kinds(texts)
    assert len(np.unique(kinds)) >= 3, "the account should post several kinds"
    within = analyse_posts(vectors, stream["timestamp"], variances, kinds, view="style").gain
    ignoring = analyse_posts(vectors, stream["timestamp"], variances, np.zeros_like(kinds), view="style").gain
    assert within < ignoring


def test_session_views_are_compared_with_null_runs_as_dense_as_the_byline():
    null = tweet_null()
    size = str(trusted_size())
    densities = np.asarray(null["posts_per_session"][size])
    assert all(len(null["null"][view][size]) == len(densities) for view in null["null"])
    sparse, dense = np.quantile(densities, [0.1, 0.9])
    low, high = (compare_to_null(0.0, int(size), "behaviour", d) for d in (sparse, dense))
    assert low.n_null == high.n_null == round(MATCHED_SHARE * len(densities))
    # Longer sittings give the behaviour view more to split: a dense byline meets a higher null.
    assert high.quantile_95 > low.quantile_95
    assert compare_to_null(0.0, int(size), "style", sparse) == compare_to_null(0.0, int(size), "style", dense)
    assert compare_to_null(0.0, int(size), "behaviour").n_null == len(densities)  # no time stamps: every run


def test_posts_per_session_counts_timed_posts_only():
    times = pd.Series(pd.to_datetime(["2016-01-01 10:00", "2016-01-01 10:05", "2016-01-01 12:00", None], utc=True))
    assert posts_per_session(times, 20.0) == pytest.approx(1.5)
    assert np.isnan(posts_per_session(pd.Series([None, None], dtype="datetime64[ns, UTC]"), 20.0))


def test_the_decision_statistics_null_is_each_run_read_as_a_byline():
    """``min_p_null`` gives each null run the p-values a byline with its gains and posts per
    session would get against the other runs (``matched_runs`` for the session views), and the
    decision then holds alpha on the null's own runs."""
    null = tweet_null()
    size = trusted_size()
    gains = {view: np.asarray(null["null"][view][str(size)]) for view in VIEWS}
    densities = np.asarray(null["posts_per_session"][str(size)])
    smallest = []
    for run in range(len(densities)):
        p = []
        for view in VIEWS:
            others = np.delete(gains[view], run)
            if view in SESSION_VIEWS:
                others = matched_runs(others, np.delete(densities, run), densities[run])
            p.append((1 + np.sum(others >= gains[view][run])) / (1 + len(others)))
        smallest.append(min(p))
    assert np.array_equal(np.sort(smallest), shipped_min_p_null(size))
    decided = np.array(
        [
            decision_p_value(
                {view: compare_to_null(gains[view][run], size, view, densities[run]) for view in VIEWS},
                shipped_min_p_null(size),
            )
            for run in range(len(densities))
        ]
    )
    assert 0.03 <= np.mean(decided <= 0.05) <= 0.07


def test_the_decision_pays_for_three_views_at_most_as_bonferroni_would():
    reference = shipped_min_p_null(trusted_size())
    resolution = 1 / (1 + len(reference))

    def views(style, behaviour, joint):
        return {
            view: NullComparison(p_value=p, size_used=trusted_size(), n_null=999, quantile_95=1.0, outside=None)
            for view, p in (("style", style), ("behaviour", behaviour), ("both", joint))
        }

    for smallest in (0.002, 0.01, 0.03, 0.2):
        p = decision_p_value(views(smallest, 0.9, 0.6), reference)
        assert smallest <= p <= min(1.0, 3 * smallest) + resolution
    # Without time stamps the style view stands alone.
    untimed = pd.Series([pd.NaT] * 3, dtype="datetime64[ns, UTC]")
    alone = read_views(views(0.02, 0.9, 0.9), untimed)
    assert alone.p_value == 0.02 and alone.views == ("style",)
    # Views compared at different sizes (few timed posts in a long byline): Bonferroni, which holds anyway.
    timed = pd.Series(pd.to_datetime(["2016-01-01 10:00"] * 3, utc=True))
    mixed = views(0.01, 0.9, 0.9)
    mixed["behaviour"] = NullComparison(p_value=0.9, size_used=1000, n_null=70, quantile_95=1.0, outside=None)
    assert read_views(mixed, timed).p_value == pytest.approx(0.03) and "Bonferroni" in read_views(mixed, timed).rule


def test_a_chunked_byline_is_placed_chunk_by_chunk():
    """Each chunk's smallest view p is placed among the null's minP (the statistic the null holds),
    then the chunks are joined; a long byline with untimed posts (chunks not on the same posts)
    falls back to Bonferroni over the views' joined p-values."""
    size = trusted_size()
    reference = shipped_min_p_null(size)
    resolution = 1 / (1 + len(reference))
    chunk_p = {"style": (0.004, 0.6), "behaviour": (0.5, 0.02), "both": (0.3, 0.9)}

    def chunked(view):
        joined = cauchy_combination(np.asarray(chunk_p[view]), resolution)
        return NullComparison(
            p_value=joined,
            size_used=size,
            n_null=999,
            quantile_95=1.0,
            outside=None,
            chunks=2,
            chunk_p_values=chunk_p[view],
        )

    nulls = {view: chunked(view) for view in VIEWS}
    placed = [(1 + np.searchsorted(reference, p, side="right")) * resolution for p in (0.004, 0.02)]
    timed = pd.Series(pd.to_datetime(["2016-01-01 10:00"] * 3, utc=True))
    decision = read_views(nulls, timed)
    assert decision.p_value == pytest.approx(cauchy_combination(np.asarray(placed), resolution))
    assert "in each chunk" in decision.rule
    # The chunks' own smallest p-values carry it: at the first chunk's 0.004, the joined p stays small.
    assert decision.p_value < 0.05
    partly = pd.Series(pd.to_datetime(["2016-01-01 10:00", None, "2016-01-01 11:00"], utc=True))
    fallback = read_views(nulls, partly)
    assert "Bonferroni" in fallback.rule
    assert fallback.p_value == pytest.approx(min(1.0, 3 * min(n.p_value for n in nulls.values())))
    with pytest.raises(ValueError, match="different chunks"):
        decision_p_value({**nulls, "both": replace(nulls["both"], chunk_p_values=(0.3, 0.9, 0.5))}, reference)


def test_the_evidence_sentence_never_contradicts_its_numbers():
    def nulls(style, behaviour, joint=0.5):
        return {
            view: NullComparison(p_value=p, size_used=500, n_null=999, quantile_95=1.0, outside=None)
            for view, p in (("style", style), ("behaviour", behaviour), ("both", joint))
        }

    def sentence(views, p_value, timed=True):
        rule = ViewsDecision(p_value, "minP", VIEWS) if timed else ViewsDecision(p_value, "style alone", ("style",))
        return _evidence_sentence(views, rule, 0.05)

    # Style alone below alpha, but not once three views are read: not rejected, and said so.
    text = sentence(nulls(0.03, 0.8), 0.06)
    assert "Style alone falls below alpha" in text and "not rejected" in text
    assert sentence(nulls(0.01, 0.8), 0.02).startswith("One writer is rejected on style (")
    assert sentence(nulls(0.9, 0.004), 0.008).startswith("One writer is rejected on posting behaviour (")
    assert sentence(nulls(0.9, 0.8, 0.003), 0.007).startswith("One writer is rejected on one model over both (")
    assert sentence(nulls(0.4, 0.6), 0.8).startswith("No view (style, posting behaviour")
    # No time stamps: style alone decides, and the sentence names no other view.
    text = sentence(nulls(0.01, 0.9, 0.9), 0.01, timed=False)
    assert text.startswith("One writer is rejected on style (") and "behaviour" not in text
    # Chunked: each chunk's smallest p can carry it while every view's joined p stays above alpha.
    chunked = {view: replace(comparison, chunks=3) for view, comparison in nulls(0.059, 0.059, 0.059).items()}
    text = sentence(chunked, 0.038)
    assert text.startswith("One writer is rejected by the views read together chunk by chunk")
    assert "no view's own p falls below alpha" in text


def test_a_metadata_column_is_evidence_of_its_own_and_leaves_the_verdict_alone(byline, tmp_path):
    # A personal account posting from a phone; a news-feed-like one posting through a tool. The
    # column is named "source", as in the senators' file: the loader maps it onto a corpus field.
    clients = {PAIR[0]: "Twitter for iPhone", PAIR[1]: "dlvr.it"}
    path = tmp_path / "byline.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for row in byline.posts.itertuples():
            record = {"text": row.text, "posted_at": row.timestamp.isoformat(), "source": clients[row.writer]}
            handle.write(json.dumps(record) + "\n")
    report = tmp_path / "report.html"
    plain = _run(["composite", str(path), "--kind", "tweet", "--json", "-q"], tmp_path)
    read = _run(
        [
            "composite",
            str(path),
            "--kind",
            "tweet",
            "--metadata-col",
            "source",
            "--json",
            "-q",
            "--report",
            str(report),
        ],
        tmp_path,
    )
    assert plain["test"]["metadata"] is None
    assert read["test"]["p_value"] == plain["test"]["p_value"] and read["k"] == plain["k"]
    metadata = read["test"]["metadata"]
    assert metadata["column"] == "source" and metadata["values"] == 2
    # The model's best split of this pair lines up with the clients, whether or not the test
    # rejected one writer (the split is found at purity >= 0.9 above).
    assert metadata["p_value"] <= 0.05, metadata
    assert ("did not find significant" in metadata["sentence"]) == (read["k"]["estimate"] == 1)
    # The report's line names the clients of each side of the split.
    page = report.read_text(encoding="utf-8")
    assert "Metadata" in page and all(value in page for side in metadata["by_writer"].values() for value in side)
