"""Deliberately broken files: every unusable row is named with file and row, good rows kept."""

from __future__ import annotations

import pytest

from attribution.corpus import ColumnMap, load_corpus
from attribution.errors import CorpusError


def _problems(corpus) -> dict[int | None, str]:
    return {p.row: p.problem for p in corpus.report.problems}


def test_jsonl_with_empty_text_bad_json_and_bad_bytes(tmp_path):
    path = tmp_path / "byline.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "The first good article.", "author": "X"}\n'
        b'{"id": "b", "text": "", "author": "X"}\n'
        b'{"id": "c", "text": "broken json"\n'
        b'{"id": "d", "text": "Bytes \xff\xfe\x00 binary", "author": "Y"}\n'
        b'{"id": "e", "text": "The second good article.", "author": "Y"}\n'
    )
    corpus = load_corpus(path)
    assert corpus.dataset["id"] == ["a", "e"]
    problems = _problems(corpus)
    assert problems[2] == "empty text"
    assert problems[3].startswith("malformed: not valid JSON")
    assert problems[4].startswith("undecodable")
    assert corpus.report.rows_read == 5 and corpus.report.rows_used == 2
    assert all(p.path == str(path) for p in corpus.report.problems)


def test_latin1_jsonl_line_is_decoded_with_a_warning(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"id": "a", "text": "Café déjà vu, naïve résumé façade."}\n'.encode("latin-1"))
    corpus = load_corpus(path)
    assert corpus.dataset["text"] == ["Café déjà vu, naïve résumé façade."]
    assert any("encoding" in p.problem and p.severity == "warning" for p in corpus.report.problems)


def test_text_that_is_not_a_string_is_skipped_and_named(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text(
        '{"text": "A real post by the writer."}\n{"text": 42}\n{"text": ["a", "list"]}\n{"text": null}\n',
        encoding="utf-8",
    )
    corpus = load_corpus(path)
    assert corpus.dataset["text"] == ["A real post by the writer."]
    problems = _problems(corpus)
    assert problems[2] == "text is not a string: int 42 in column 'text'"
    assert problems[3].startswith("text is not a string: list")
    assert problems[4].startswith("missing text field")


def test_csv_with_bad_timestamps_and_wrong_field_count(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text(
        "user,created_at,text\n"
        "alice,2015-05-28T18:40:59Z,Lunch with the Lions club\n"
        "bob,not a date,Another tweet here\n"
        "carol,2015-05-29T09:00:00Z,too,many,fields\n"
        "dave,2015-05-30T10:00:00+02:00,Tweet from Berlin\n",
        encoding="utf-8",
    )
    corpus = load_corpus(path, kind="tweet")
    assert corpus.dataset["byline"] == ["alice", "dave"]
    problems = _problems(corpus)
    assert "unparseable time stamp" in problems[3]
    assert problems[4].startswith("malformed: 5 fields")
    assert corpus.dataset[1]["timestamp"].hour == 8  # +02:00 converted to UTC


def test_a_blank_time_stamp_keeps_the_row_and_says_so(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text(
        "user,created_at,text\nalice,2015-05-28T18:40:59Z,Lunch with the Lions club\nalice,,A post without a time\n",
        encoding="utf-8",
    )
    corpus = load_corpus(path, kind="tweet")
    assert corpus.dataset["text"] == ["Lunch with the Lions club", "A post without a time"]
    assert corpus.dataset[1]["timestamp"] is None
    assert _problems(corpus)[3] == "missing time stamp: no value in column 'created_at'; kept without a time"


def test_missing_named_column_lists_the_columns(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("body,writer\nSome text,Ann\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"no column 'text_body' for --text-col; the columns are: body, writer"):
        load_corpus(path, columns=ColumnMap(text="text_body"))
    corpus = load_corpus(path, columns=ColumnMap(text="body", author="writer"))
    assert corpus.dataset["author"] == ["Ann"]


def test_empty_file_and_binary_txt(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(CorpusError, match="empty.jsonl: the file is empty"):
        load_corpus(empty)
    folder = tmp_path / "authors"
    (folder / "Ann").mkdir(parents=True)
    (folder / "Ann" / "one.txt").write_text("A real article by Ann.", encoding="utf-8")
    (folder / "Ann" / "two.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    corpus = load_corpus(folder)
    assert corpus.dataset["author"] == ["Ann"]
    (problem,) = corpus.report.problems
    assert problem.path.endswith("two.txt") and "binary" in problem.problem
