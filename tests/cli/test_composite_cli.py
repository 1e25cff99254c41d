"""``attribution composite`` through click: JSON on stdout, the HTML report, usage errors."""

from __future__ import annotations

import json

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
