"""``train-style-encoder`` and ``bench style`` on bad input: a clear message and exit 1, no traceback."""

from __future__ import annotations

from click.testing import CliRunner

from attribution.cli import main


def test_training_without_the_corpora_says_where_they_were_looked_for(tmp_path):
    result = CliRunner().invoke(main, ["train-style-encoder", "--data", str(tmp_path / "none"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "head.npz").exists()


def test_the_style_bench_names_the_missing_folder(tmp_path):
    result = CliRunner().invoke(main, ["bench", "style", "--data", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert "no 'tweets'" in result.output
