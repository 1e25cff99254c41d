"""One test per class of bad input: the message names file and row, every good row is used."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from attribution.cli import main
from attribution.cli.common import command_options
from attribution.corpus import ColumnMap, load_corpus, readers
from attribution.corpus.load import ReadOptions, load_file
from attribution.errors import CorpusError, InsufficientEvidenceError
from tests.reliability.conftest import problems_by_row

GOOD = [
    "The committee met on Tuesday and agreed that the budget would be published before the end of the month.",
    "Our reporters spoke with several people who were at the scene and they all described the same events.",
    "It is not clear when the new rules will come into force but officials said they expect it this year.",
]


def _jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_empty_file_and_empty_texts(tmp_path, assert_all_good_rows_used):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CorpusError, match=r"empty\.csv: the file is empty"):
        load_corpus(empty)
    path = _jsonl(
        tmp_path / "texts.jsonl",
        [
            {"id": "a", "text": GOOD[0]},
            {"id": "b", "text": "   \n\t "},
            {"id": "c", "text": None},
            {"id": "d", "text": GOOD[1]},
        ],
    )
    corpus = load_corpus(path)
    assert_all_good_rows_used(corpus, ["a", "d"])
    assert problems_by_row(corpus)[2] == ["empty text"]
    assert problems_by_row(corpus)[3] == ["missing text field: the row has no 'text' value"]  # null, not ""
    assert corpus.report.to_dict()["problem_counts"]["empty text"] == 1


def test_binary_files_are_refused_or_named(tmp_path, assert_all_good_rows_used):
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    with pytest.raises(CorpusError, match=r"image\.csv: cannot read as text: binary data"):
        load_corpus(binary)
    lines = tmp_path / "mixed.jsonl"
    lines.write_bytes(
        (json.dumps({"id": "a", "text": GOOD[0]}) + "\n").encode()
        + b"\x00\x01\x02\xff\xfe binary junk\n"
        + (json.dumps({"id": "c", "text": GOOD[1]}) + "\n").encode()
    )
    corpus = load_corpus(lines)
    assert_all_good_rows_used(corpus, ["a", "c"])
    assert problems_by_row(corpus)[2] == ["undecodable: binary data (contains NUL bytes)"]


def test_non_utf8_rows_are_decoded_and_named(tmp_path, assert_all_good_rows_used):
    path = tmp_path / "mixed_encoding.csv"
    path.write_bytes(
        b"id,text\n"
        + f"a,{GOOD[0]}\n".encode()
        + "b,Le café était fermé à midi et nous avons déjeuné dehors.\n".encode("cp1252")
        + "c,Naïve “quotes” in UTF-8 stay as they are.\n".encode()
    )
    corpus = load_corpus(path, detect_language=False)
    assert_all_good_rows_used(corpus, ["a", "b", "c"])
    assert corpus.dataset["text"][1] == "Le café était fermé à midi et nous avons déjeuné dehors."
    assert corpus.dataset["text"][2] == "Naïve “quotes” in UTF-8 stay as they are."
    (problem,) = [p for p in corpus.report.problems if p.problem.startswith("encoding")]
    assert problem.row == 3 and problem.path == str(path) and "not UTF-8" in problem.problem
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes("id,text\nx,Ärger über Öl und Süßes\n".encode("cp1252"))
    corpus = load_corpus(legacy, detect_language=False)
    assert corpus.dataset["text"] == ["Ärger über Öl und Süßes"]
    assert any("encoding: decoded as" in p.problem and p.row is None for p in corpus.report.problems)


def test_lone_surrogates_in_json_are_repaired_and_named(tmp_path, assert_all_good_rows_used):
    path = tmp_path / "surrogate.jsonl"
    # Row 1: an emoji as json.dumps writes it, an escaped pair of surrogates: whole, no caveat.
    path.write_text(
        json.dumps({"id": "a", "text": GOOD[0] + " \U0001f60d"})
        + "\n"
        + '{"id": "b", "text": "broken \\ud800 pair in the text"}\n',
        encoding="utf-8",
    )
    corpus = load_corpus(path)
    assert_all_good_rows_used(corpus, ["a", "b"])
    assert corpus.dataset["text"][0].endswith(" \U0001f60d")
    assert corpus.dataset["text"][1] == "broken \ufffd pair in the text"
    assert problems_by_row(corpus)[2] == ["encoding: lone surrogate code points replaced with U+FFFD"]
    assert 1 not in problems_by_row(corpus)


def test_very_long_document_is_split_into_parts(tmp_path, assert_all_good_rows_used):
    paragraph = " ".join(GOOD) + "\n\n"
    long_text = paragraph * 400  # about 120,000 characters
    path = _jsonl(tmp_path / "long.jsonl", [{"id": "short", "text": GOOD[0]}, {"id": "book", "text": long_text}])
    corpus = load_file(path, ReadOptions(max_chars=50_000))
    ids = corpus.dataset["id"]
    assert ids[0] == "short" and ids[1:] == ["book#part1", "book#part2", "book#part3"]
    assert corpus.report.rows_used == 2 and corpus.report.documents == 4
    assert all(len(t) <= 50_000 for t in corpus.dataset["text"])
    # Nothing lost: the parts hold every word of the original.
    assert " ".join(corpus.dataset["text"][1:]).split() == long_text.split()
    (problem,) = [p for p in corpus.report.problems if p.problem.startswith("long text")]
    assert problem.row == 2 and "split into 3 parts of at most 50,000" in problem.problem
    assert json.loads(corpus.dataset["meta"][2]) == {"parent": "book", "part": 2, "parts": 3}


def test_record_over_the_size_limit_is_skipped_in_bounded_memory(tmp_path, monkeypatch, assert_all_good_rows_used):
    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", 4096)
    path = _jsonl(
        tmp_path / "huge_line.jsonl",
        [{"id": "a", "text": GOOD[0]}, {"id": "b", "text": "x" * 20_000}, {"id": "c", "text": GOOD[1]}],
    )
    corpus = load_corpus(path)
    assert_all_good_rows_used(corpus, ["a", "c"])
    assert problems_by_row(corpus)[2] == ["too large: the line is over 0 MiB"] or problems_by_row(corpus)[2][
        0
    ].startswith("too large")


def test_non_english_rows_are_flagged_kept_and_counted(tmp_path, assert_all_good_rows_used):
    records = [
        {"id": "en1", "text": GOOD[0]},
        {
            "id": "de",
            "text": "Die Regierung hat am Dienstag beschlossen, dass der Haushalt nicht vor dem Ende des Monats veröffentlicht wird.",
        },
        {"id": "ru", "text": "Правительство во вторник решило, что бюджет будет опубликован до конца месяца."},
        {"id": "en2", "text": GOOD[1]},
        {
            "id": "es",
            "text": "El comité se reunió el martes y acordó que el presupuesto se publicaría antes de que termine el mes.",
        },
        {"id": "tag", "text": "#MAGA 🇺🇸🇺🇸"},
    ]
    path = _jsonl(tmp_path / "languages.jsonl", records)
    corpus = load_corpus(path)
    assert_all_good_rows_used(corpus, [r["id"] for r in records])  # flagged rows are kept
    flagged = {p.row: p.problem for p in corpus.report.problems if p.problem.startswith("language")}
    assert set(flagged) == {2, 3, 5}
    assert "looks like German, not English" in flagged[2]
    assert "Cyrillic" in flagged[3] and "Spanish" in flagged[5]
    assert corpus.report.to_dict()["problem_counts"]["language"] == 3
    assert json.loads(corpus.dataset["meta"][1])["language_flag"] == "German"
    assert all(p.severity == "warning" for p in corpus.report.problems)


def test_exact_and_near_duplicates_name_both_rows(tmp_path, assert_all_good_rows_used):
    records = [
        {"id": "a", "text": GOOD[0]},
        {"id": "b", "text": GOOD[1]},
        {"id": "c", "text": GOOD[0]},  # exact copy of row 1
        {"id": "d", "text": GOOD[1].upper().replace(" ", "  ") + " https://t.co/xyz"},  # near copy of row 2
        {"id": "e", "text": GOOD[2]},
    ]
    path = _jsonl(tmp_path / "dupes.jsonl", records)
    corpus = load_corpus(path)
    assert_all_good_rows_used(corpus, ["a", "b", "c", "d", "e"])
    problems = problems_by_row(corpus)
    assert problems[3] == ["duplicate: same text as row 1; kept"]
    assert problems[4][0].startswith("near-duplicate: same text as row 2 apart from case, spacing")
    assert corpus.report.to_dict()["problem_counts"] == {"duplicate": 1, "near-duplicate": 1}


def test_duplicates_across_batches_are_found(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BATCH_ROWS", 2)
    records = [{"id": str(i), "text": GOOD[i % 3]} for i in range(7)]
    corpus = load_corpus(_jsonl(tmp_path / "batches.jsonl", records))
    assert len(corpus) == 7
    dupes = {p.row: p.problem for p in corpus.report.problems if p.problem.startswith("duplicate")}
    assert dupes == {
        4: "duplicate: same text as row 1; kept",
        5: "duplicate: same text as row 2; kept",
        6: "duplicate: same text as row 3; kept",
        7: "duplicate: same text as row 1; kept",
    }


def test_duplicate_ids_are_renamed_and_named(tmp_path, assert_all_good_rows_used):
    path = _jsonl(tmp_path / "ids.jsonl", [{"id": "x", "text": GOOD[0]}, {"id": "x", "text": GOOD[1]}])
    corpus = load_corpus(path)
    assert_all_good_rows_used(corpus, ["x", "x#row2"])
    assert problems_by_row(corpus)[2] == ["duplicate id: 'x' is taken; the row was kept as 'x#row2'"]


def test_missing_unparseable_and_mixed_time_stamps(tmp_path, assert_all_good_rows_used):
    path = tmp_path / "times.csv"
    path.write_text(
        "id,user,created_at,text\n"
        f"a,ann,2015-05-28T18:40:59Z,{GOOD[0]}\n"
        f"b,ann,2015-05-28 19:00:00,{GOOD[1]}\n"
        f"c,bob,2015-05-29T09:00:00+02:00,{GOOD[2]}\n"
        "d,bob,,A tweet with no time stamp at all is kept.\n"
        "e,bob,yesterday-ish,This one has a time stamp nobody can read.\n"
        "f,ann,2015-05-30T10:00:00-05:00,Another good tweet from a third zone.\n",
        encoding="utf-8",
    )
    corpus = load_corpus(path, kind="tweet", detect_language=False)
    assert_all_good_rows_used(corpus, ["a", "b", "c", "d", "f"])
    problems = problems_by_row(corpus)
    assert problems[6] == ["unparseable time stamp: 'yesterday-ish' in column 'created_at'; the row was skipped"]
    zone = [p for p in corpus.report.problems if p.problem.startswith("timezone: mixed")]
    assert len(zone) == 1
    assert "+02:00: 1 rows (first rows 4)" in zone[0].problem and "-05:00: 1 rows (first rows 7)" in zone[0].problem
    assert "UTC: 1 rows (first rows 2)" in zone[0].problem
    naive = [p for p in corpus.report.problems if "carry no zone" in p.problem]
    assert len(naive) == 1 and naive[0].row == 3 and "read as UTC" in naive[0].problem
    assert corpus.dataset["timestamp"][3] is None
    assert corpus.dataset["timestamp"][2].hour == 7  # +02:00 converted to UTC
    # Naming the zone removes the naive warning and reads naive stamps in it.
    named = load_corpus(path, kind="tweet", time_zone="Europe/Moscow", detect_language=False)
    assert not any("carry no zone" in p.problem for p in named.report.problems)
    assert named.dataset["timestamp"][1].hour == 16  # 19:00 in Moscow (UTC+3) is 16:00 UTC


def test_unknown_column_names(tmp_path, assert_all_good_rows_used):
    path = tmp_path / "columns.csv"
    path.write_text(f"Doc_ID,Prose,Writer,Mood\n1,{GOOD[0]},Ann,calm\n2,{GOOD[1]},Bob,angry\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"no text column found \(columns: Doc_ID, Prose, Writer, Mood\)"):
        load_corpus(path)
    with pytest.raises(CorpusError, match=r"no column 'prose_text' for --text-col.*did you mean 'Prose'"):
        load_corpus(path, columns=ColumnMap(text="prose_text"))
    case = tmp_path / "case.csv"
    case.write_text(f"TEXT,Author,Mood\n{GOOD[0]},Ann,calm\n{GOOD[1]},Bob,angry\n", encoding="utf-8")
    corpus = load_corpus(case)
    assert_all_good_rows_used(corpus, ["case:2", "case:3"])
    assert corpus.dataset["author"] == ["Ann", "Bob"]
    messages = [p.problem for p in corpus.report.problems]
    assert "columns: using column 'TEXT' for text" in messages
    assert "columns: Mood match no corpus field; kept in meta" in messages
    assert json.loads(corpus.dataset["meta"][0]) == {"Mood": "calm"}


def test_too_few_documents_says_not_enough_evidence():
    """The CLI boundary turns ``InsufficientEvidenceError`` into a plain message and exit 1."""

    @click.command()
    @command_options
    def tiny(out) -> None:
        raise InsufficientEvidenceError("byline 'X' has 2 documents; the composite test needs at least 6")

    result = CliRunner().invoke(tiny, [])
    assert result.exit_code == 1
    assert result.stderr.startswith("Not enough evidence: byline 'X' has 2 documents")
    assert "Traceback" not in result.output


def test_too_few_documents_for_the_composite_test(tmp_path):
    """Two documents: no p-value, a plain "not enough evidence" on stderr, exit 1; JSON still printed."""
    path = _jsonl(
        tmp_path / "two.jsonl",
        [{"id": "a", "text": GOOD[0], "byline": "X"}, {"id": "b", "text": GOOD[1], "byline": "X"}],
    )
    result = CliRunner().invoke(main, ["composite", str(path), "--json"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Not enough evidence: Too few documents to test (at least 5 are needed)")
    assert "Traceback" not in result.output
    payload = json.loads(result.stdout)
    assert payload["verdict"]["level"] == "insufficient_evidence"
    assert payload["test"]["p_value"] is None and payload["n_documents"] == 2
    assert payload["load"]["rows_used"] == 2


def test_corpus_info_reports_every_count(tmp_path):
    path = _jsonl(
        tmp_path / "report.jsonl",
        [{"id": "a", "text": GOOD[0]}, {"id": "b", "text": ""}, {"id": "c", "text": GOOD[0]}],
    )
    result = CliRunner().invoke(main, ["corpus", "info", str(path), "--json"])
    assert result.exit_code == 0, result.output
    load = json.loads(result.stdout)["load"]
    assert (load["rows_read"], load["rows_used"], load["rows_skipped"], load["documents"]) == (3, 2, 1, 2)
    assert load["problem_counts"] == {"duplicate": 1, "empty text": 1}


def test_many_caveats_of_one_kind_show_three_then_a_count(tmp_path, caplog):
    """Caveats on kept rows: the first three of a kind as warnings, the rest only with -v (debug),
    and one warning that counts them."""
    import logging

    path = tmp_path / "surrogates.jsonl"
    path.write_text(
        "".join(f'{{"id": "r{i}", "text": "broken \\ud800 pair number {i} in a longer text"}}\n' for i in range(6)),
        encoding="utf-8",
    )
    with caplog.at_level(logging.DEBUG, logger="attribution"):
        load_corpus(path, detect_language=False)
    encoding = [r for r in caplog.records if "lone surrogate" in r.getMessage()]
    assert [r.levelno for r in encoding] == [logging.WARNING] * 3 + [logging.DEBUG] * 3
    counted = [r for r in caplog.records if "more caveats of this kind" in r.getMessage()]
    assert len(counted) == 1 and counted[0].levelno == logging.WARNING and ": 3 more caveats" in counted[0].getMessage()
