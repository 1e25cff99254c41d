"""Term-frequency weighting of the n-gram families: sublinear (1 + log count) or binary (presence)."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.features import build_features
from attribution.features.counting import NgramTfidf, token_ngrams
from attribution.features.text import words


def _union(tf: str, family: str = "word"):
    return build_features({"families": {family: {"ngram_range": [1, 1], "min_df": 1, "max_features": None, "tf": tf}}})


def test_binary_rows_are_idf_over_present_terms_l2_normalised(c50_texts):
    union = _union("binary")
    X = union.fit_transform(c50_texts).toarray()
    idf = union.transformer_list[0][1].tfidf_.idf_
    for row in X[:3]:
        present = row > 0
        expected = idf[present] / np.linalg.norm(idf[present])
        assert np.allclose(row[present], expected)


def test_binary_ignores_repetition_and_sublinear_does_not(c50_texts):
    text = c50_texts[0]
    repeated = text + (" " + words(text)[5]) * 12
    binary, sublinear = _union("binary"), _union("sublinear")
    binary.fit(c50_texts)
    sublinear.fit(c50_texts)
    assert np.allclose(binary.transform([text]).toarray(), binary.transform([repeated]).toarray())
    assert not np.allclose(sublinear.transform([text]).toarray(), sublinear.transform([repeated]).toarray())


def test_the_attribution_preset_weighs_ngrams_by_presence():
    from attribution.features import load_feature_config

    config = load_feature_config("attribution")
    assert [config.families[name].get("tf") for name in ("char", "word", "distort")] == ["binary"] * 3


@pytest.mark.parametrize("family", ["char", "word", "distort"])
def test_an_unknown_weighting_is_refused_with_the_family_named(family, c50_texts):
    with pytest.raises(ValueError, match=f"{family}: tf must be one of sublinear, binary, got 'log'"):
        _union("log", family).fit(c50_texts)


def test_ngram_tfidf_refuses_an_unknown_weighting():
    with pytest.raises(ValueError, match="tf must be one of"):
        NgramTfidf(max_features=None, min_df=1, tf="raw")


def test_ngram_tfidf_binary_by_hand():
    counts = [token_ngrams(["a", "a", "b"], 1, 1), token_ngrams(["b", "c"], 1, 1)]
    rows = NgramTfidf(max_features=None, min_df=1, tf="binary").fit_transform(counts).toarray()
    idf_a, idf_b = np.log(3 / 2) + 1, 1.0  # smoothed idf: a in 1 of 2 documents, b in both
    expected = np.array([idf_a, idf_b, 0.0]) / np.hypot(idf_a, idf_b)
    assert np.allclose(rows[0], expected)
