"""Subsample stability on the Federalist: held-out Hamilton papers (48 training papers) keep
their answer over refits, held-out Madison papers (11) less so; votes are shares; refits are seeded."""

from __future__ import annotations

import json

import numpy as np
import pytest

from attribution.attribute.classifier import AuthorClassifier
from attribution.attribute.stability import stratified_subsample, subsample_votes
from attribution.corpus import load_corpus
from attribution.errors import ConfigError, InsufficientEvidenceError


@pytest.fixture(scope="module")
def federalist_split():
    """Undisputed papers: all but 3 Hamilton and 3 Madison for fitting, those 6 as queries."""
    rows = [(r["text"], json.loads(r["meta"])["label"]) for r in load_corpus("federalist").dataset]
    known = [(t, a) for t, a in rows if a in ("Hamilton", "Madison", "Jay")]
    queries = [i for a in ("Hamilton", "Madison") for i in [j for j, (_, b) in enumerate(known) if b == a][:3]]
    fit = [i for i in range(len(known)) if i not in queries]
    texts = [known[i][0] for i in fit]
    labels = [known[i][1] for i in fit]
    return texts, labels, [known[i][0] for i in queries], [known[i][1] for i in queries]


def _delta():
    return AuthorClassifier(method="cosine_delta", open_set=False, random_state=0)


def test_the_author_with_fewer_papers_gets_less_stable_answers(federalist_split):
    texts, labels, queries, truth = federalist_split
    nsc = lambda: AuthorClassifier(method="nsc", open_set=False, random_state=0)  # noqa: E731
    classes, votes = subsample_votes(nsc, texts, labels, queries, n_rounds=8, random_state=0)
    assert list(classes) == ["Hamilton", "Jay", "Madison"]
    assert np.allclose(votes.sum(axis=1), 1.0)
    agreement = votes[np.arange(len(truth)), np.searchsorted(classes, truth)]
    hamilton, madison = agreement[:3], agreement[3:]
    assert hamilton.mean() >= 0.9, agreement
    assert madison.mean() < hamilton.mean(), agreement


def test_refits_are_seeded(federalist_split):
    texts, labels, queries, _ = federalist_split
    first = subsample_votes(_delta, texts, labels, queries[:2], n_rounds=3, random_state=1)[1]
    again = subsample_votes(_delta, texts, labels, queries[:2], n_rounds=3, random_state=1)[1]
    assert np.array_equal(first, again)


def test_subsample_keeps_every_author_and_no_duplicates():
    labels = np.array(["a"] * 10 + ["b"] * 3 + ["c"] * 2, dtype=object)
    rows = stratified_subsample(labels, 0.8, np.random.default_rng(0))
    assert len(set(rows)) == len(rows)
    kept = labels[rows]
    assert (kept == "a").sum() == 8 and (kept == "b").sum() == 2 and (kept == "c").sum() == 2


def test_bad_settings_are_refused(federalist_split):
    texts, labels, queries, _ = federalist_split
    with pytest.raises(ConfigError):
        subsample_votes(_delta, texts, labels, queries, share=1.0)
    with pytest.raises(InsufficientEvidenceError):
        subsample_votes(_delta, texts[:3], ["x", "y", "y"], queries)
