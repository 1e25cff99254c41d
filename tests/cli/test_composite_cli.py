"""``attribution composite`` through click: JSON on stdout, the HTML report, usage errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from attribution.cli import main


def write_byline(path, n: int) -> None:
    rows = [
        {"id": f"d{i}", "text": f"Document {i} says little, but says it plainly; as ever.", "byline": "Solo"}
        for i in range(n)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")


def test_too_few_documents_print_insufficient_evidence_and_a_report(tmp_path):
    corpus = tmp_path / "byline.jsonl"
    write_byline(corpus, 3)
    report = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["composite", str(corpus), "--json", "--report", str(report)])
    # Exit 1 = "the input could not give a finding" (README exit codes); JSON and report still written.
    assert result.exit_code == 1, result.output
    assert "Not enough evidence: Too few documents" in result.stderr
    payload = json.loads(result.stdout)
    assert payload["verdict"]["level"] == "insufficient_evidence"
    assert payload["test"]["p_value"] is None
    assert payload["n_documents"] == 3
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_unknown_byline_is_a_usage_error(tmp_path):
    corpus = tmp_path / "byline.jsonl"
    write_byline(corpus, 3)
    result = CliRunner().invoke(main, ["composite", str(corpus), "--byline", "Nobody"])
    assert result.exit_code == 2
    assert "'Nobody' is not in the corpus" in result.output


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["composite", "--help"])
    assert result.exit_code == 0
    assert "Example: attribution composite" in result.output


@pytest.mark.slow
def test_articles_with_a_reference_need_no_data_folder_and_use_it(tmp_path, data_dir, monkeypatch):
    from attribution.composite.excerpts import excerpt_corpus
    from attribution.composite.reference import c50_split
    from attribution.corpus import load_corpus

    c50 = load_corpus("c50", data_dir=data_dir).dataset
    reference_writers, held_out = c50_split(c50["author"])
    rng = np.random.default_rng(0)
    reference = excerpt_corpus(c50, reference_writers[:8], rng)
    byline = excerpt_corpus(c50, held_out[:1], rng).select(range(12))
    write_rows(tmp_path / "ref.jsonl", [{"id": r["id"], "text": r["text"], "author": r["author"]} for r in reference])
    write_rows(tmp_path / "byline.jsonl", [{"id": r["id"], "text": r["text"], "byline": "B"} for r in byline])
    monkeypatch.delenv("ATTRIBUTION_DATA", raising=False)
    result = CliRunner().invoke(
        main, ["composite", str(tmp_path / "byline.jsonl"), "--reference", str(tmp_path / "ref.jsonl"), "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["kind"] == "article"
    assert "user's reference corpus" in payload["test"]["null_method"]
    assert payload["test"]["p_value"] is not None


def write_rows(path, rows: list[dict]) -> None:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")


def test_the_terminal_says_which_evidence_carried_the_verdict():
    """Posts: the line on style, posting times and both was in the JSON and the report only."""
    from attribution.cli.composite import _summary

    result = {
        "verdict": {"text": "No evidence of more than one writer (p = 0.640)."},
        "test": {"evidence": "No view (style, posting behaviour, one model over both) rejects one writer (...)."},
        "methods": {},
    }
    assert _summary(result).splitlines() == [result["verdict"]["text"], result["test"]["evidence"]]


def test_the_terminal_gives_k_and_the_measured_false_alarm_rate():
    from attribution.cli.composite import _summary

    result = {
        "verdict": {"level": "composite", "text": "Likely written by 3 different people (p = 0.004)"},
        "test": {"measured_fpr": 0.0, "measured_fpr_bylines": 60, "measured_fpr_ci": [0.0, 0.06], "alpha": 0.05},
        "k": {"estimate": 3, "interval": [2, 4]},
        "methods": {},
    }
    lines = _summary(result).splitlines()
    assert lines[1] == "Writers: 3 (90% range over subsamples 2 to 4)."
    assert lines[2].startswith("Measured false-alarm rate on single writers: 0.0% (0 of 60 bylines; 95% interval")
