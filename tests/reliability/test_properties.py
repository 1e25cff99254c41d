"""Property-based tests: text normalisation and the loaders hold for any input hypothesis finds."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution.corpus import load_corpus
from attribution.corpus.text import WHITESPACE, normalise_text, normalise_texts
from attribution.errors import CorpusError

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Any text, including controls, combining marks, CR/LF mixes, NUL and lone surrogates.
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60) | st.text(
    alphabet=st.sampled_from(list("ab \r\n\t\x00\u0301\u00e9e\u2028\x1c\ud800 ")), max_size=30
)
#: Text that can be stored in UTF-8 (what a file can hold).
storable = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


@given(any_text)
@settings(max_examples=300, deadline=None)
def test_normalise_text_is_idempotent_and_clean(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "\r" not in once and "\x00" not in once
    assert once == once.strip(WHITESPACE) == once.strip()
    assert unicodedata.is_normalized("NFC", once)
    once.encode("utf-8")  # always storable: lone surrogates were replaced


@given(st.lists(storable, max_size=20))
@settings(max_examples=100, deadline=None)
def test_vectorised_normalisation_equals_the_scalar_form(texts):
    column = normalise_texts(pa.array(texts, type=pa.string())).to_pylist()
    assert column == [normalise_text(t) for t in texts]


record = st.fixed_dictionaries(
    {"text": storable | st.none() | st.integers(), "author": storable | st.none()},
    optional={"title": storable, "extra": st.integers() | st.floats(allow_nan=True) | st.booleans() | storable},
)


@given(st.lists(record, min_size=1, max_size=15))
@SETTINGS
def test_jsonl_loader_uses_every_good_row_and_names_the_rest(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("jsonl") / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    corpus = load_corpus(path, detect_language=False)
    # A number where the text should be is skipped and named, never read as the text "0".
    expected = [normalise_text(r["text"]) if isinstance(r["text"], str) else "" for r in records]
    good = [i + 1 for i, text in enumerate(expected) if text]
    assert corpus.dataset["text"] == [expected[i - 1] for i in good]
    assert corpus.report.rows_read == len(records) and corpus.report.rows_used == len(good)
    skipped = sorted(p.row for p in corpus.report.problems if p.severity == "error")
    assert skipped == [i + 1 for i, text in enumerate(expected) if not text]
    for row, meta in zip(good, corpus.dataset["meta"]):
        source = records[row - 1]
        decoded = json.loads(meta)  # meta is always valid JSON
        if "extra" in source:
            value = source["extra"]
            if isinstance(value, float) and value != value:
                assert decoded["extra"] is None
            else:
                assert decoded["extra"] == value


@given(st.lists(st.tuples(storable, storable), min_size=1, max_size=15))
@SETTINGS
def test_csv_loader_round_trips_any_field(tmp_path_factory, rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["author", "text"])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    if "\x00" in buffer.getvalue():  # a NUL byte marks a file as binary, by design
        with pytest.raises(CorpusError, match="binary data"):
            load_corpus(path, detect_language=False)
        return
    corpus = load_corpus(path, detect_language=False)
    # csv normalises line ends inside quoted fields only as the file holds them; the loader then
    # normalises text the one way every source is normalised.
    kept = [(a, normalise_text(t)) for a, t in rows if normalise_text(t) and (a.strip() or t.strip())]
    assert corpus.dataset["text"] == [t for _, t in kept]
    assert corpus.report.rows_used == len(kept)
    assert corpus.report.rows_read == corpus.report.rows_used + corpus.report.rows_skipped
