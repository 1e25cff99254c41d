"""A user's reference on the document path: its own null, and its own penalty per extra cluster."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.composite import article as composite
from attribution.composite import split_penalty
from attribution.composite.excerpts import excerpt_corpus
from attribution.composite.reference import clear_reference_cache, reference_from_corpus

from .test_article import byline_dataset


@pytest.fixture(scope="module")
def excerpt_reference(c50, c50_authors):
    """Excerpts of 12 reference writers (never a byline's writers)."""
    return excerpt_corpus(c50, c50_authors[0][:12], np.random.default_rng(0))


@pytest.mark.slow
def test_a_user_reference_calibrates_the_article_path(c50, c50_authors, excerpt_reference):
    docs = byline_dataset(c50, [(c50_authors[1][0], 0, 10)])
    result = composite.test_composite(
        docs, reference_corpus=excerpt_reference, rolling=False, n_subsamples=0, n_null=100
    ).to_dict()
    assert "user's reference corpus" in result["test"]["null_method"]
    assert result["test"]["measured_fpr"] is None
    assert "per document per extra cluster, the rate that best recovered" in result["methods"]["model"]
    assert result["verdict"]["level"] in {"single", "inconclusive", "composite"}


@pytest.mark.slow
def test_the_penalty_is_a_candidate_and_the_same_for_the_same_seed(excerpt_reference, tmp_path, monkeypatch):
    clear_reference_cache()
    reference = reference_from_corpus(excerpt_reference, "article")
    assert reference_from_corpus(excerpt_reference, "article") is reference  # cached
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "first"))
    first = split_penalty.tune_penalty(reference, 20, 1, composite.K_MAX, seed=0, draws=40)
    reference._cache.clear()
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "second"))  # recomputed, not read back
    assert split_penalty.tune_penalty(reference, 20, 1, composite.K_MAX, seed=0, draws=40) == first
    assert first in split_penalty.PENALTIES


@pytest.mark.slow
def test_a_chosen_penalty_is_read_back_from_disk_by_the_next_process(excerpt_reference, tmp_path, monkeypatch):
    """The same reference content (a new object, as in the next command) reads the penalty from the
    on-disk cache instead of simulating the composites again; another reference does not."""
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path))
    clear_reference_cache()
    first = split_penalty.tune_penalty(reference_from_corpus(excerpt_reference, "article"), 20, 1, 8, draws=40)
    clear_reference_cache()
    again = reference_from_corpus(excerpt_reference, "article")

    def no_simulation(*args, **kwargs):
        raise AssertionError("simulated again")

    monkeypatch.setattr(split_penalty, "simulated_composite", no_simulation)
    assert split_penalty.tune_penalty(again, 20, 1, 8, draws=40) == first
    other = reference_from_corpus(excerpt_reference.select(range(len(excerpt_reference) - 5)), "article")
    with pytest.raises(AssertionError, match="simulated again"):
        split_penalty.tune_penalty(other, 20, 1, 8, draws=40)


def test_shares_to_counts_gives_each_writer_one_and_sums_to_n():
    counts = split_penalty.shares_to_counts(np.array([0.9, 0.05, 0.05]), 20)
    assert counts.sum() == 20 and counts.min() >= 1
