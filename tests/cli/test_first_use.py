"""What a new user meets in the first hour (issue #21): each test fails on the code before the fix."""

from __future__ import annotations

import csv
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
    rows = [
        {"text": f"Post number {i} about the weather and the news of the day.", "user": f"acct{i % 3}"}
        for i in range(12)
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = _run("train", str(path), "--out", str(tmp_path / "m"))
    assert result.exit_code == 1
    assert "byline but no author" in result.stderr and "--author-col" in result.stderr


@pytest.fixture(scope="module")
def federalist_model(tmp_path_factory) -> str:
    """A light closed-set model of Hamilton, Madison and Jay, trained through the CLI."""
    folder = tmp_path_factory.mktemp("model") / "federalist"
    result = _run("train", "federalist", "--config", "light", "--closed-set", "--out", str(folder), "--quiet")
    assert result.exit_code == 0, result.output
    return str(folder)


@pytest.fixture(scope="module")
def reuters_article(data_dir) -> str:
    """A modern Reuters article: by none of the Federalist authors, and of another genre."""
    return str(sorted((data_dir / "c50" / "test" / "AaronPressman").glob("*.txt"))[0])


@pytest.fixture
def terminal(monkeypatch):
    """Make the CLI believe stderr is a terminal (CliRunner's streams are not)."""
    monkeypatch.setattr("attribution.cli.bars.stderr_is_terminal", lambda: True)


def test_score_shows_progress_on_a_terminal_only(federalist_model, reuters_article, terminal, monkeypatch):
    shown = _run("score", reuters_article, "--model", federalist_model)
    assert shown.exit_code == 0, shown.output
    assert "loading the model" in shown.stderr and "scoring 1 text(s)" in shown.stderr
    quiet = _run("score", reuters_article, "--model", federalist_model, "-q")
    assert "scoring" not in quiet.stderr and "loading the model" not in quiet.stderr
    monkeypatch.setattr("attribution.cli.bars.stderr_is_terminal", lambda: False)
    piped = _run("score", reuters_article, "--model", federalist_model)
    assert "scoring" not in piped.stderr
    assert piped.stdout == shown.stdout  # the bars never touch stdout


def test_score_gives_the_web_pages_caveats(federalist_model, reuters_article, tmp_path):
    cp1252 = tmp_path / "note.txt"
    cp1252.write_bytes(
        "Caf\u00e9 owners met on Tuesday \u2013 they said \u201cno\u201d to the new parking rules.".encode("cp1252")
    )
    result = _run("score", reuters_article, str(cp1252), "--model", federalist_model, "--json", "-q")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    notes = {r["id"]: {n["check"]: n for n in r["trust"]["notes"]} for r in answer["results"]}
    article, note = notes[reuters_article], notes[str(cp1252)]
    assert article["genre"]["level"] != "ok" and "outside the training texts' usual range" in article["genre"]["text"]
    assert note["length"]["level"] == "warning" and note["encoding"]["level"] == "caution"
    assert "not UTF-8" in note["encoding"]["text"]
    assert "unknown" in answer["question"] and "verify" in answer["question"]
    text = _run("score", str(cp1252), "--model", federalist_model, "-q").stdout
    assert "trust: low" in text and "not UTF-8" in text and "Below about 150 words" in text


@pytest.mark.slow
def test_verify_says_why_it_may_disagree_with_score(reuters_article):
    """Against Madison with only Hamilton and Jay as impostors, an unrelated article is no 'same author'."""
    result = _run(
        "verify", reuters_article, "--candidate-corpus", "federalist", "--candidate", "Madison", "--json", "-q"
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["impostor_writers"] == 2  # Hamilton, Jay: not "Publius", not "Hamilton and Madison"
    row = answer["results"][0]
    assert row["verdict"] != "same author"
    notes = {n["check"]: n for n in row["trust"]["notes"]}
    assert notes["impostors"]["level"] == "warning" and notes["genre"]["level"] != "ok"
    assert "score" in answer["question"] and "impostor pool" in answer["question"]


def test_score_writes_csv_and_json_by_extension_and_refuses_others(federalist_model, reuters_article, tmp_path):
    as_csv, as_json = tmp_path / "scores.csv", tmp_path / "scores.json"
    result = _run("score", reuters_article, "--model", federalist_model, "--out", str(as_csv), "-q")
    assert result.exit_code == 0, result.output
    assert f"wrote {as_csv}" in result.stdout
    rows = list(csv.DictReader(as_csv.open()))
    assert len(rows) == 3 and {r["author"] for r in rows} == {"Hamilton", "Madison", "Jay"}
    assert abs(sum(float(r["probability"]) for r in rows) - 1) < 0.01
    result = _run("score", reuters_article, "--model", federalist_model, "--out", str(as_json), "--json", "-q")
    assert json.loads(as_json.read_text())["results"] == json.loads(result.stdout)["results"]
    assert json.loads(result.stdout)["written"] == [str(as_json)]
    refused = _run("score", reuters_article, "--model", federalist_model, "--out", str(tmp_path / "scores.xlsx"))
    assert refused.exit_code == 2 and ".json or .csv" in refused.stderr
    assert not (tmp_path / "scores.xlsx").exists()


def test_features_writes_csv_for_a_csv_name_and_refuses_an_unknown_one(tmp_path):
    path = tmp_path / "features.csv"
    result = _run("features", "federalist", "--config", "light", "--out", str(path), "-q")
    assert result.exit_code == 0, result.output
    with path.open() as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["id", "feature", "value"]
        first = next(reader)
    assert first[0] == "federalist-01" and "__" in first[1] and float(first[2]) != 0
    refused = _run("features", "federalist", "--out", str(tmp_path / "features.xls"))
    assert refused.exit_code == 2 and ".parquet or .csv" in refused.stderr


def test_a_guessed_encoding_and_skipped_rows_are_shown_with_quiet(tmp_path):
    """-q hides progress, not what loading changed: a latin-1 file decoded by a guess and a row whose
    text is a number (once read as the text "42") are named on stderr."""
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text,author\nCaf\u00e9 d\u00e9j\u00e0 vu: na\u00efve r\u00e9sum\u00e9.,Ann\n".encode("latin-1"))
    numbers = tmp_path / "numbers.jsonl"
    numbers.write_text('{"text": "A post by Ann.", "author": "Ann"}\n{"text": 42, "author": "Ann"}\n')
    for path, expected in ((latin, "not UTF-8"), (numbers, "row 2: text is not a string: int 42")):
        result = _run("features", str(path), "--config", "light", "--out", str(tmp_path / "f.csv"), "-q")
        assert result.exit_code == 0, result.output
        assert expected in result.stderr, result.stderr


@pytest.mark.slow
def test_composite_names_what_it_wrote_and_keeps_reference_noise_out(tmp_path, data_dir):
    """Twelve undisputed papers under one byline: --report and --out paths are printed on stdout,
    and the near-duplicates of the C50 reference (33 INFO lines before) are not on stderr."""
    from attribution.corpus import load_corpus

    papers = load_corpus("federalist").dataset
    chosen = [r for r in papers if r["author"] == "Hamilton"][:6] + [r for r in papers if r["author"] == "Madison"][:6]
    byline = tmp_path / "byline.jsonl"
    byline.write_text(
        "".join(json.dumps({"id": r["id"], "text": r["text"], "byline": "Publius"}) + "\n" for r in chosen)
    )
    report, table = tmp_path / "report.html", tmp_path / "documents.csv"
    result = _run("composite", str(byline), "--data", str(data_dir), "--report", str(report), "--out", str(table))
    assert result.exit_code in (0, 1), result.output
    assert f"wrote {report}" in result.stdout and f"wrote {table}" in result.stdout
    assert "near-duplicate" not in result.stderr and len(result.stderr.splitlines()) <= 3, result.stderr
    rows = list(csv.DictReader(table.open()))
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in chosen)
    assert report.read_text().lstrip().lower().startswith("<!doctype html")
