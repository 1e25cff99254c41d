"""``attribution report RESULT.json``: renders a saved result; bad input gives the documented exit codes."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from attribution.cli import main

FIXTURE = Path(__file__).parents[1] / "data" / "composite_result.json"


def test_report_writes_the_page_and_prints_json(tmp_path):
    out = tmp_path / "sub" / "report.html"
    result = CliRunner().invoke(main, ["report", str(FIXTURE), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["report"] == str(out)
    assert summary["bytes"] == out.stat().st_size > 10_000
    assert summary["verdict"].startswith("Likely written by 3 different people")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert html.escape(summary["verdict"], quote=False) in page  # "p < 0.001" arrives as "p &lt; 0.001"


def test_default_output_sits_beside_the_json(tmp_path):
    saved = tmp_path / "case.json"
    shutil.copy(FIXTURE, saved)
    result = CliRunner().invoke(main, ["report", str(saved), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "case.html").is_file()


def test_broken_json_exits_1_naming_the_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"byline":\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(bad), "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 1
    assert "line 2" in result.output and "not valid JSON" in result.output
    assert not (tmp_path / "x.html").exists()


def test_result_without_required_keys_exits_1(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(empty), "--no-validate"])
    assert result.exit_code == 1
    assert "lacks byline, verdict, documents" in result.output


def test_missing_file_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
