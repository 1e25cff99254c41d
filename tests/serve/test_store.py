"""The cases database and the job runner: every outcome lands in the case."""

from __future__ import annotations

import sqlite3

import pytest

from attribution.errors import ConfigError, InsufficientEvidenceError
from attribution.serve.jobs import JobOutcome, JobRunner
from attribution.serve.service import compare_cases
from attribution.serve.store import CaseStore

INPUTS = [{"role": "article", "name": "a.txt", "sha256": "ab" * 32, "bytes": 10, "documents": 1}]


def _case(store: CaseStore, **overrides) -> str:
    options = dict(
        kind="vet",
        title="Publius",
        byline="Publius",
        inputs=INPUTS,
        config={"seed": 0},
        versions={"attribution": "0.1.0"},
    )
    options.update(overrides)
    return store.create(**options)


def test_case_round_trip_and_listing(tmp_path):
    store = CaseStore(tmp_path / "cases.sqlite3")
    first = _case(store)
    second = _case(store, kind="score", title="second")
    store.set_progress(first, 0.5, "composite test")
    case = store.get(first)
    assert (case.status, case.progress, case.stage) == ("running", 0.5, "composite test")
    assert case.inputs == INPUTS and case.config == {"seed": 0}
    store.finish(
        first,
        result={"verdict": {"text": "one writer"}, "n_documents": 3},
        summary="one writer",
        report_html="<html>report</html>",
    )
    assert store.get(first).status == "done"
    assert store.result(first)["n_documents"] == 3
    assert store.report_html(first) == "<html>report</html>"
    assert [c.id for c in store.list()] == [second, first]
    assert [c.id for c in store.list(kind="vet")] == [first]
    # the data survive a new connection (a server restart)
    assert CaseStore(tmp_path / "cases.sqlite3").get(first).summary == "one writer"


def test_interrupted_jobs_are_marked_failed_on_restart(tmp_path):
    store = CaseStore(tmp_path / "cases.sqlite3")
    queued, running, done = _case(store), _case(store), _case(store)
    store.set_progress(running, 0.3, "working")
    store.finish(done, result={}, summary="ok")
    assert CaseStore(tmp_path / "cases.sqlite3").mark_interrupted() == 2
    assert store.get(queued).status == store.get(running).status == "failed"
    assert "interrupted" in store.get(running).error
    assert store.get(done).status == "done"


def test_unusable_database_path_is_a_config_error(tmp_path):
    bad = tmp_path / "not-a-db.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="cannot open the cases database"):
        CaseStore(bad)
    with pytest.raises(ConfigError, match="case kind 'other' is unknown"):
        _case(CaseStore(tmp_path / "ok.sqlite3"), kind="other")


def test_values_are_stored_as_parameters_not_sql(tmp_path):
    store = CaseStore(tmp_path / "cases.sqlite3")
    case_id = _case(store, title="x'); DROP TABLE cases; --")
    assert store.get(case_id).title == "x'); DROP TABLE cases; --"
    with sqlite3.connect(tmp_path / "cases.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 1


def test_runner_records_success_progress_and_failures(tmp_path):
    store = CaseStore(tmp_path / "cases.sqlite3")
    runner = JobRunner(store)
    seen = []

    def good(progress):
        progress.phase("counting", 0.0, 1.0)
        for item in progress(range(5), desc="items"):
            seen.append(item)
        return JobOutcome(result={"n": len(seen)}, summary=f"{len(seen)} items", report_html="<p>r</p>")

    def refuses(progress):
        raise InsufficientEvidenceError("only 2 documents; the composite test needs at least 6")

    def crashes(progress):
        raise RuntimeError("boom")

    ids = {name: _case(store) for name in ("good", "refuses", "crashes")}
    for name, job in (("good", good), ("refuses", refuses), ("crashes", crashes)):
        runner.submit(ids[name], job)
    for case_id in ids.values():
        runner.wait(case_id, timeout=30)
    runner.shutdown()
    assert store.get(ids["good"]).status == "done" and store.result(ids["good"]) == {"n": 5}
    refused = store.get(ids["refuses"])
    assert refused.status == "failed" and "at least 6" in refused.error
    crashed = store.get(ids["crashes"])
    assert crashed.status == "failed" and crashed.error == "internal error (RuntimeError): boom"
    # a failed job keeps its case: inputs and settings are still there
    assert crashed.inputs == INPUTS and crashed.config == {"seed": 0}


def test_compare_marks_what_differs(tmp_path):
    store = CaseStore(tmp_path / "cases.sqlite3")
    a, b = _case(store), _case(store, byline="Someone else")
    store.finish(a, result={"verdict": {"level": "single"}, "n_documents": 8}, summary="one")
    store.finish(b, result={"verdict": {"level": "composite"}, "n_documents": 8}, summary="several")
    rows = {row["field"]: row for row in compare_cases(store, [a, b])["rows"]}
    score = _case(store, kind="score")
    store.finish(
        score,
        result={
            "verdict": "Most likely Madison (p = 0.96)",
            "decision": "Madison",
            "candidates": [{"author": "Madison", "probability": 0.96}],
        },
        summary="Madison",
    )
    mixed = {row["field"]: row["values"] for row in compare_cases(store, [a, score])["rows"]}
    assert mixed["finding"] == [None, "Most likely Madison (p = 0.96)"] and mixed["top candidate"] == [None, "Madison"]
    assert rows["documents"]["same"] and rows["documents"]["values"] == [8, 8]
    assert not rows["verdict level"]["same"] and rows["verdict level"]["values"] == ["single", "composite"]
    assert not rows["byline"]["same"]
    with pytest.raises(KeyError):
        compare_cases(store, [a, "20990101-000000-000000000000"])
