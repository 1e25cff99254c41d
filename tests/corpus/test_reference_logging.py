"""The engine's own reference corpora log their known problems once, at debug (issue #21 item 4)."""

from __future__ import annotations

import json
import logging

from attribution.corpus import load_corpus


def test_reference_corpus_problems_are_one_debug_line(data_dir, caplog):
    with caplog.at_level(logging.DEBUG, logger="attribution"):
        corpus = load_corpus("c50", data_dir=data_dir)
    assert corpus.report.problem_counts().get("near-duplicate", 0) > 0  # the problems are still in the report
    loader_lines = [r for r in caplog.records if r.name == "attribution.corpus.load"]
    assert [r.levelno for r in loader_lines] == [logging.DEBUG]
    assert "reference corpus c50" in loader_lines[0].getMessage() and "near-duplicate" in loader_lines[0].getMessage()


def test_the_users_own_problems_stay_visible(tmp_path, caplog):
    papers = load_corpus("federalist").dataset["text"][:2]
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in (papers[0], papers[1], papers[1].upper())))
    with caplog.at_level(logging.INFO, logger="attribution"):
        load_corpus(path)
    shown = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert any("row 3" in m and "near-duplicate" in m for m in shown)
