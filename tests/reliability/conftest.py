"""Helpers for the bad-input tests: every good row must reach the corpus."""

from __future__ import annotations

import pytest


def problems_by_row(corpus) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for problem in corpus.report.problems:
        found.setdefault(problem.row, []).append(problem.problem)
    return found


@pytest.fixture
def assert_all_good_rows_used():
    """Check that exactly ``ids`` were loaded and the report's counts add up."""

    def check(corpus, ids: list[str]) -> None:
        assert corpus.dataset["id"] == ids
        report = corpus.report
        errors = sum(1 for p in report.problems if p.severity == "error" and p.row is not None)
        assert report.rows_used == len(ids) or report.documents == len(ids)
        assert report.rows_read == report.rows_used + report.rows_skipped
        assert report.rows_skipped >= errors
        info = report.to_dict()
        assert info["rows_used"] == report.rows_used and info["rows_skipped"] == report.rows_skipped

    return check
