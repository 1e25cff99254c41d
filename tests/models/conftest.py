"""The product's article reference (30 C50 authors), built once per session, and held-out rows."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.corpus import load_corpus
from attribution.models.reference import c50_split, load_reference


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
