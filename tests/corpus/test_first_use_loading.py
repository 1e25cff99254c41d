"""Loading pitfalls a new user met (issue #21 item 8), on real tweets and papers."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from attribution.cli import main
from attribution.corpus import ColumnMap, load_corpus


@pytest.fixture(scope="module")
def tweet_csv(tmp_path_factory, data_dir):
    """500 real IRA tweets of two accounts as a user's CSV: account, text, posted_at (no kind column)."""
    frame = pd.read_parquet(data_dir / "tweets" / "ira_english.parquet", columns=["author", "content", "publish_date"])
    names = list(frame["author"].value_counts().index[[60, 61]])
    chosen = frame[frame["author"].isin(names)].groupby("author").head(250)
    chosen = chosen.rename(columns={"author": "account", "content": "text", "publish_date": "posted_at"})
    path = tmp_path_factory.mktemp("tweets") / "tweets.csv"
    chosen.assign(posted_at=chosen["posted_at"].astype(str)).to_csv(path, index=False)
    return path


def test_a_tweet_csv_is_read_as_tweets_with_posted_at_as_its_time_and_says_so(tweet_csv):
    corpus = load_corpus(tweet_csv)
    assert set(corpus.dataset["kind"]) == {"tweet"}
    assert all(t is not None for t in corpus.dataset["timestamp"])
    said = [p.problem for p in corpus.report.problems if p.kind == "kind"]
    assert len(said) == 1 and "read as 'tweet'" in said[0] and "--kind article" in said[0]


def test_federalist_papers_with_dates_stay_articles(tmp_path):
    papers = load_corpus("federalist").dataset.select(range(10))
    path = tmp_path / "papers.jsonl"
    path.write_text(
        "".join(json.dumps({"text": t, "date": f"1788-01-{i + 1:02d}"}) + "\n" for i, t in enumerate(papers["text"]))
    )
    corpus = load_corpus(path)
    assert set(corpus.dataset["kind"]) == {"article"}
    assert "kind" not in corpus.report.problem_counts()


def test_corpus_info_accepts_a_single_text_file_as_score_does(tmp_path):
    paper = load_corpus("federalist").dataset[9]["text"]
    path = tmp_path / "federalist-10.txt"
    path.write_text(paper, encoding="utf-8")
    result = CliRunner().invoke(main, ["corpus", "info", str(path), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["documents"] == 1 and info["words"]["total"] == len(paper.split())


def test_a_single_cp1252_text_file_is_named_as_not_utf8(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_bytes(
        "Caf\u00e9 owners met on Tuesday \u2013 they said \u201cno\u201d to the new rules.".encode("cp1252")
    )
    corpus = load_corpus(path)
    assert corpus.dataset["text"][0].startswith("Café owners")
    assert [p.kind for p in corpus.report.problems] == ["encoding"]


def test_a_jsonl_row_without_its_text_field_is_reported_as_missing_not_empty(tmp_path):
    path = tmp_path / "rows.jsonl"
    papers = load_corpus("federalist").dataset["text"][:2]
    path.write_text(
        json.dumps({"id": "a", "text": papers[0]})
        + "\n"
        + json.dumps({"id": "b", "body_text": papers[1]})
        + "\n"
        + json.dumps({"id": "c", "text": "  "})
        + "\n"
    )
    corpus = load_corpus(path, columns=ColumnMap(text="text"))
    by_row = {p.row: p.problem for p in corpus.report.problems if p.kind in ("missing text field", "empty text")}
    assert by_row == {2: "missing text field: the row has no 'text' value", 3: "empty text"}
