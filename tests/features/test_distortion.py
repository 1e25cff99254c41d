"""The ``distort`` family: DV-MA text distortion, then character n-grams."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from attribution.features import FAMILIES, build_features
from attribution.features.distortion import DistortedCharNgrams, distort_text, frequent_words


def test_distort_text_masks_rare_words_and_digits_keeps_punctuation():
    keep = {"the", "of", "said"}
    assert distort_text("The price of Gold rose 12.5%, he said.", keep) == "The ***** of **** **** ##.#%, ** said."


def test_frequent_words_are_case_folded_and_ranked_deterministically():
    assert frequent_words(["b a A", "c b a"], 2) == ["a", "b"]
    assert frequent_words(["y x", "x y"], 1) == ["x"]


def test_family_is_registered_and_hides_topic_words(c50_texts, degenerate_texts):
    assert FAMILIES["distort"][0] is DistortedCharNgrams
    union = build_features({"name": "t", "families": {"distort": {"n_words": 50, "max_features": 2000}}})
    X = union.fit_transform(c50_texts)
    names = [n.split("__", 1)[1] for n in union.get_feature_names_out()]
    assert sp.isspmatrix_csr(X) and X.shape == (len(c50_texts), len(names)) and np.isfinite(X.data).all()
    assert np.allclose(sp.linalg.norm(X, axis=1), 1.0)
    family = union.transformer_list[0][1]
    assert len(family.keep_words_) == 50 and "the" in family.keep_words_
    vocabulary = set(family.keep_words_)
    # No n-gram holds a letter run that belongs to a masked word: every 5-letter lower-case
    # run in a feature must come from an unmasked word.
    for name in names:
        for run in __import__("re").findall(r"[a-z]{5}", name):
            assert any(run in word for word in vocabulary), (name, run)
    Y = union.transform(degenerate_texts)
    assert Y.shape == (len(degenerate_texts), len(names)) and np.isfinite(Y.data).all()
