"""What a new user meets in the first hour (issue #21): each test fails on the code before the fix."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from attribution.cli import main


def _run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.mark.slow
def test_train_on_federalist_learns_only_true_single_authors(tmp_path):
    """The byline "Publius" and the joint label "Hamilton and Madison" are no authors."""
    result = _run("train", "federalist", "--config", "light", "--closed-set", "--out", str(tmp_path / "m"), "--json")
    assert result.exit_code == 0, result.output
    trained = json.loads(result.stdout)
    assert sorted(trained["classes"]) == ["Hamilton", "Jay", "Madison"]
    left_out = trained["training"]["left_out"]
    assert left_out["no_author_byline_only"] == {"Publius": 12}
    assert left_out["joint_author_labels"] == {"Hamilton and Madison": 3}
    assert trained["training"]["texts"] == 85 - 12 - 3
    said = " ".join(trained["left_out_text"])
    assert "'Publius' (12)" in said and "'Hamilton and Madison' (3)" in said
    saved = json.loads((tmp_path / "m" / "config.json").read_text())
    assert saved["training"]["kind"] == "article" and len(saved["training"]["words"]) == 70


def test_train_refuses_a_byline_only_corpus_and_says_which_column_to_use(tmp_path):
    rows = [{"text": f"Post number {i} about the weather and the news of the day.", "user": f"acct{i % 3}"} for i in range(12)]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = _run("train", str(path), "--out", str(tmp_path / "m"))
    assert result.exit_code == 1
    assert "byline but no author" in result.stderr and "--author-col" in result.stderr
