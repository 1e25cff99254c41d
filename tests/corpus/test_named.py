"""Named corpora load from the bundled data and the shared folder with the documented counts."""

from __future__ import annotations

import pytest

from attribution.corpus import load_corpus
from attribution.corpus.info import describe_corpus
from attribution.errors import CorpusError


def test_federalist_has_85_papers_with_mosteller_wallace_labels():
    corpus = load_corpus("federalist")
    info = describe_corpus(corpus)
    assert info["documents"] == 85
    assert info["labels"] == {"Hamilton": 51, "Madison": 14, "disputed": 12, "Jay": 5, "joint": 3}
    assert info["bylines"] == {"Publius": 85}
    assert info["authors"]["(unknown)"] == 12


def test_federalist_text_is_stripped_of_salutation_and_signature():
    texts = load_corpus("federalist").texts
    assert not any(t.startswith("To the People") for t in texts)
    assert not any("PUBLIUS" in t for t in texts)
    assert all(len(t.split()) > 900 for t in texts)


def test_c50_splits(data_dir):
    train = load_corpus("c50-train", data_dir=data_dir)
    assert len(train) == 2500
    assert len(set(train.dataset["author"])) == 50
    assert train.dataset[0]["id"].startswith("train/")


def test_senate_tweets_have_utc_timestamps(data_dir):
    corpus = load_corpus("senate", data_dir=data_dir)
    assert len(corpus) == 17786
    assert corpus.report.rows_skipped == 0
    first = corpus.dataset[0]
    assert first["kind"] == "tweet" and first["byline"] == first["author"]
    assert first["timestamp"].utcoffset().total_seconds() == 0


def test_missing_data_folder_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("ATTRIBUTION_DATA", raising=False)
    with pytest.raises(CorpusError, match="--data DIR or set ATTRIBUTION_DATA"):
        load_corpus("c50")
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus("c50", data_dir=tmp_path / "nope")


def test_hub_name_fails_fast_offline(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    with pytest.raises(CorpusError, match="offline"):
        load_corpus("hf:someone/some-dataset")
