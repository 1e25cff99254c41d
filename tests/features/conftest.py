"""Real texts for the feature tests: Federalist papers and a C50 sample, plus degenerate texts."""

from __future__ import annotations

import pytest

from attribution.corpus import load_corpus

#: Texts every extractor must survive with finite values.
DEGENERATE = ["", "word", "   ", "!!!", "A."]


@pytest.fixture(scope="session")
def federalist_texts() -> list[str]:
    return load_corpus("federalist").texts[:20]


@pytest.fixture(scope="session")
def c50_texts(data_dir) -> list[str]:
    texts = load_corpus("c50-train", data_dir=data_dir).texts
    return texts[::250][:10]


@pytest.fixture(scope="session")
def degenerate_texts() -> list[str]:
    return list(DEGENERATE)
