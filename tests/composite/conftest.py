"""Composite-test data: the article reference (30 C50 authors) and rows of the held-out authors."""

from __future__ import annotations

import numpy as np
import pytest

from attribution.composite.reference import c50_split, load_reference


@pytest.fixture(scope="session")
def c50_authors(c50):
    """(reference authors, held-out authors) of the fixed split."""
    return c50_split(c50["author"])


@pytest.fixture(scope="session")
def small_reference(data_dir):
    return load_reference("article")


def held_out_rows(c50, author: str, start: int, stop: int) -> list[int]:
    authors = np.asarray(c50["author"])
    return [int(i) for i in np.flatnonzero(authors == author)[start:stop]]
