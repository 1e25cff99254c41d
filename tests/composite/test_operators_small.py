"""Operators with few reference documents: matched, scored out of fold, and given a prior that
their neighbours cannot zero out."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from attribution.composite.operator_evidence import OperatorEvidence
from attribution.composite.operators import OperatorMatcher, OutOfFold, out_of_fold
from attribution.composite.word_view import WordTester

from .conftest import held_out_rows


def _texts(c50, authors: list[str], counts: list[int]) -> tuple[list[str], list[str]]:
    texts, names = [], []
    for author, count in zip(authors, counts):
        rows = held_out_rows(c50, author, 0, count)
        texts += [c50[i]["text"] for i in rows]
        names += [author] * count
    return texts, names


@pytest.mark.slow
def test_a_writer_with_five_texts_beside_two_with_thirty_keeps_its_documents(c50, c50_authors, small_reference):
    """Out of fold, the closeness term keeps the small writer from being outvoted by class size."""
    authors = c50_authors[1][3:6]
    texts, names = _texts(c50, authors, [5, 30, 30])
    matcher = OperatorMatcher(profile=small_reference.profile, seed=0).fit(texts, names)
    scored = out_of_fold(matcher, texts, names)
    predicted, truth = scored.predicted, np.asarray(names, dtype=object)
    assert np.mean(predicted[truth == authors[0]] == authors[0]) >= 0.6
    assert np.mean(predicted == truth) >= 0.9


@pytest.mark.slow
def test_a_three_document_operator_is_scored_out_of_fold(c50, c50_authors, small_reference):
    texts, names = _texts(c50, c50_authors[1][3:6], [3, 10, 10])
    matcher = OperatorMatcher(profile=small_reference.profile, seed=0).fit(texts, names)
    scored = out_of_fold(matcher, texts, names)
    assert scored.proba.shape == (23, 3) and np.allclose(scored.proba.sum(axis=1), 1.0)


def test_neighbours_leave_each_document_out_and_stop_at_the_set_size():
    rng = np.random.default_rng(0)
    counts = rng.poisson(20, size=(8, 70)).astype(float)
    counts[4:, :10] += 30  # two groups of four
    tester = WordTester(counts=counts, totals=counts.sum(axis=1), reference=None, m=3, n_null=0, seed=0)
    around = tester.neighbours(3)
    assert around.shape == (8, 3)
    assert all(i not in row for i, row in enumerate(around))
    assert all(set(row) <= set(range(4)) for row in around[:4]) and all(
        set(row) <= set(range(4, 8)) for row in around[4:]
    )
    pair = WordTester(counts=counts[:2], totals=counts[:2].sum(axis=1), reference=None, m=3, n_null=0, seed=0)
    assert pair.neighbours().tolist() == [[1], [0]]


def _evidence(proba: np.ndarray, neighbours: np.ndarray, conformal: np.ndarray | None = None) -> OperatorEvidence:
    names = ["A", "B"]
    reference = np.array(["A"] * 10 + ["B"] * 10, dtype=object)
    oof = OutOfFold(reference, np.eye(2)[[0] * 10 + [1] * 10], np.ones((20, 2)), names)
    n = len(proba)
    conformal = np.ones((n, 2)) if conformal is None else conformal
    best = proba.argmax(axis=1)
    return OperatorEvidence(
        matcher=SimpleNamespace(classes_=names),
        proba=proba,
        conformal=conformal,
        out_of_fold_documents=0,
        alpha=0.05,
        oof=oof,
        explained_p=1.0,
        gate_p=1.0,
        unexplained=0,
        single={},
        present=np.array([True, True]),
        presence_p=np.zeros(2),
        given=np.bincount(best, minlength=2).astype(float),
        k_operators=2,
        k_unknown=0,
        unknown_labels=np.zeros(0, dtype=int),
        k_draws=np.array([2]),
        neighbours=neighbours,
    )


def test_a_document_surrounded_by_another_operator_keeps_its_own_strong_evidence():
    # Document 0 is clearly A's; its five neighbours are all matched to B.
    proba = np.array([[0.999, 0.001]] + [[0.1, 0.9]] * 5 + [[0.8, 0.2]] * 4)
    neighbours = np.array([[1, 2, 3, 4, 5]] + [[0, 1, 2, 3, 4]] * 9)
    evidence = _evidence(proba, neighbours)
    prior = evidence.neighbourhood_shares()
    assert prior[0, 0] > 0.1  # five neighbours alone would give A a share of 0
    assert evidence.labels[0] == 0


def test_neighbours_no_operator_explains_leave_the_byline_prior():
    proba = np.array([[0.7, 0.3]] * 4 + [[0.2, 0.8]] * 4)
    conformal = np.ones((8, 2))
    conformal[4:] = 0.01  # documents 4-7 lie outside both operators' spread
    neighbours = np.array([[4, 5, 6]] * 8)
    evidence = _evidence(proba, neighbours, conformal)
    prior = evidence.neighbourhood_shares()
    assert np.allclose(prior, prior[0]) and np.allclose(prior[0], evidence.shares(), atol=1e-6)
