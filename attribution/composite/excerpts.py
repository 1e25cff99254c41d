"""Short excerpts of whole documents: contiguous spans of 100-400 words, at most one per document.

The shipped excerpt pool (the null for bylines of short documents) and ``bench short_docs``
cut them the same way, so the pool's units have the length of the collections it is measured on.
"""

from __future__ import annotations

import re

import datasets
import numpy as np

from attribution.corpus.schema import COLUMNS, FEATURES

#: Words per excerpt (inclusive range).
WORDS = (100, 400)
_WORD = re.compile(r"\S+")


def cut_excerpt(text: str, rng: np.random.Generator) -> str | None:
    """One contiguous span of ``WORDS`` words of ``text``, whitespace kept (None if too short)."""
    spans = [m.span() for m in _WORD.finditer(text)]
    if len(spans) < WORDS[0]:
        return None
    length = min(int(rng.integers(WORDS[0], WORDS[1] + 1)), len(spans))
    start = int(rng.integers(len(spans) - length + 1))
    return text[spans[start][0] : spans[start + length - 1][1]]


def excerpt_corpus(dataset: datasets.Dataset, writers: list[str], rng: np.random.Generator) -> datasets.Dataset:
    """One excerpt per document of ``writers`` (``byline`` = ``author`` = the writer)."""
    wanted = set(writers)
    columns: dict[str, list] = {c: [] for c in COLUMNS}
    for row in dataset:
        if row["author"] not in wanted:
            continue
        text = cut_excerpt(row["text"], rng)
        if text is None:
            continue
        for column in COLUMNS:
            columns[column].append(row[column])
        columns["text"][-1] = text
        columns["byline"][-1] = row["author"]
    return datasets.Dataset.from_dict(columns, features=FEATURES)
