"""Shared model-test data: a small C50 sample for attribution, and the composite test's
article reference (30 C50 authors) with held-out rows."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.corpus import load_corpus
from attribution.models.reference import c50_split, load_reference

N_AUTHORS, N_TRAIN, N_TEST = 6, 12, 6


def _sample(data_dir, split: str, per_author: int) -> tuple[list[str], np.ndarray]:
    dataset = load_corpus(f"c50-{split}", data_dir=data_dir).dataset
    authors = np.asarray(dataset["author"], dtype=object)
    chosen = sorted(set(authors))[:N_AUTHORS]
    texts, labels = [], []
    for author in chosen:
        idx = np.flatnonzero(authors == author)[:per_author]
        texts.extend(dataset.select(idx)["text"])
        labels.extend([author] * len(idx))
    return texts, np.asarray(labels, dtype=object)


@pytest.fixture(scope="session")
def c50_small(data_dir):
    """(train_texts, train_authors, test_texts, test_authors) for 6 authors."""
    return (*_sample(data_dir, "train", N_TRAIN), *_sample(data_dir, "test", N_TEST))


@pytest.fixture(scope="session")
def fitted_svm(c50_small):
    from attribution.models.attribute import AuthorClassifier

    texts, authors, _, _ = c50_small
    return AuthorClassifier(method="svm", n_rounds=1, random_state=0).fit(texts, authors)


@pytest.fixture(scope="session")
def c50(data_dir):
    return load_corpus("c50", data_dir=data_dir).dataset


@pytest.fixture(scope="session")
def c50_authors(c50):
    """(reference authors, held-out authors) of the fixed split."""
    return c50_split(c50["author"])


@pytest.fixture(scope="session")
def small_reference(data_dir):
    return load_reference("article", str(data_dir))


def held_out_rows(c50, author: str, start: int, stop: int) -> list[int]:
    authors = np.asarray(c50["author"])
    return [int(i) for i in np.flatnonzero(authors == author)[start:stop]]
