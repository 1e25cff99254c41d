"""Unmasking: chunking, degrading accuracy curves, and a calibrated score on real C50 texts."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.errors import InsufficientEvidenceError
from attribution.verify.unmasking import Unmasking, chunk_words


def test_chunks_are_lower_cased_words_and_a_short_tail_joins_the_last_chunk():
    text = " ".join(f"Word{i}" for i in range(24))
    chunks = chunk_words(text, 10)
    assert [len(c) for c in chunks] == [10, 14]
    assert chunks[0][0] == "word0" and sum(chunks, []) == [f"word{i}" for i in range(24)]
    assert chunk_words("", 10) == []


def test_removing_the_strongest_words_makes_chunks_harder_to_tell_apart(c50_small):
    train, y_train, test, y_test = c50_small
    author = y_train[0]
    known = [t for t, a in zip(train, y_train) if a == author]
    other = [t for t, a in zip(train, y_train) if a != author]
    um = Unmasking(max_calibration=8, random_state=0).fit(known, other)
    curves = um.calibration_curves_
    assert curves.shape == (16, um.n_rounds) and ((curves >= 0) & (curves <= 1)).all()
    # the first round separates the chunks best; by the last round much of it is gone
    assert curves[:, 0].mean() > curves[:, -1].mean() + 0.1
    # a known text against its own author's other texts is less separable than an impostor's
    same = um.calibration_label_ == 1
    assert curves[same, 0].mean() < curves[~same, 0].mean()
    proba = um.predict_proba(test[:4])
    assert proba.shape == (4,) and ((proba >= 0) & (proba <= 1)).all()


def test_unmasking_needs_known_and_impostor_texts():
    with pytest.raises(InsufficientEvidenceError, match="at least 2 known"):
        Unmasking().fit(["one text only"], ["a", "b"])
    with pytest.raises(InsufficientEvidenceError, match="impostor"):
        Unmasking().fit(["a b c", "d e f"], ["x"])


def test_unmasking_is_deterministic_for_a_seed(c50_small):
    train, y_train, _, _ = c50_small
    known = [t for t, a in zip(train, y_train) if a == y_train[0]]
    other = [t for t, a in zip(train, y_train) if a != y_train[0]]
    first = Unmasking(max_calibration=4, random_state=3).fit(known, other).calibration_curves_
    again = Unmasking(max_calibration=4, random_state=3).fit(known, other).calibration_curves_
    np.testing.assert_array_equal(first, again)
