"""The optional metadata evidence family: read after the verdict, tested by shuffling sessions."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from attribution.composite.metadata import MISSING, metadata_evidence, metadata_values
from attribution.errors import ConfigError


def _sessions(n_units: int, size: int) -> np.ndarray:
    return np.repeat(np.arange(n_units), size)


def test_writers_who_post_from_different_clients_differ_and_shuffled_clients_do_not():
    rng = np.random.default_rng(0)
    unit_labels = np.tile([0, 1], 30)  # 60 sessions, alternating writers
    unit_of_post = _sessions(60, 3)
    own = np.where(unit_labels[unit_of_post] == 0, "Twitter for iPhone", "TweetDeck")
    # Each writer mostly on its own client, sometimes on the web.
    values = np.where(rng.random(len(own)) < 0.8, own, "Twitter Web Client").astype(object)
    found = metadata_evidence(values, unit_of_post, unit_labels, "source")
    assert found["p_value"] <= 0.01
    assert next(iter(found["by_writer"]["0"])) == "Twitter for iPhone"
    assert next(iter(found["by_writer"]["1"])) == "TweetDeck"
    assert "not part of the verdict" in found["sentence"]
    shuffled = metadata_evidence(rng.permutation(values), unit_of_post, unit_labels, "source")
    assert shuffled["p_value"] > 0.05


def test_one_writer_found_leaves_nothing_to_compare():
    values = np.array(["web", "phone"] * 10, dtype=object)
    found = metadata_evidence(values, _sessions(10, 2), np.zeros(10, dtype=int), "source")
    assert found["p_value"] is None and "no split" in found["sentence"]


def test_a_split_the_test_did_not_find_significant_is_named_as_such():
    unit_labels = np.tile([0, 1], 20)
    values = np.where(unit_labels[_sessions(40, 2)] == 0, "web", "phone").astype(object)
    found = metadata_evidence(values, _sessions(40, 2), unit_labels, "source", rejected=False)
    assert found["p_value"] <= 0.01 and "did not find significant" in found["sentence"]


def test_missing_values_are_named_and_a_column_with_none_is_refused(caplog):
    meta = [json.dumps({"source": "web"}), json.dumps({}), None, json.dumps({"source": "phone"})]
    with caplog.at_level(logging.WARNING):
        values = metadata_values(meta, "source", "byline.jsonl")
    assert list(values) == ["web", MISSING, MISSING, "phone"]
    assert "rows 2, 3" in caplog.text and "byline.jsonl" in caplog.text
    with pytest.raises(ConfigError, match="no post has a value in column 'client'"):
        metadata_values(meta, "client", "byline.jsonl")


def test_a_column_that_feeds_a_field_is_kept_in_meta_when_asked(tmp_path):
    from attribution.corpus import load_corpus

    path = tmp_path / "posts.csv"
    path.write_text(
        "text,created_at,source,client\n"
        "first post here,2016-01-01T10:00:00Z,Twitter for iPhone,a\n"
        "second post here,2016-01-01T11:00:00Z,TweetDeck,b\n",
        encoding="utf-8",
    )
    plain = load_corpus(path, kind="tweet", detect_language=False)
    kept = load_corpus(path, kind="tweet", detect_language=False, keep_in_meta=("source",))
    meta = kept.dataset["meta"]
    # "source" feeds the corpus field of that name; kept, it is in meta too, beside unmapped "client".
    assert list(metadata_values(meta, "source")) == ["Twitter for iPhone", "TweetDeck"]
    assert list(metadata_values(meta, "client")) == ["a", "b"]
    with pytest.raises(ConfigError):
        metadata_values(plain.dataset["meta"], "source")
