"""A small real sample for the model tests: 6 C50 authors, 12 train and 6 test texts each."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.corpus import load_corpus

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
