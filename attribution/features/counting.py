"""Fast n-gram counting and a sublinear tf-idf over per-document counters.

Counting runs in C (``Counter`` over ``map``/``slice``), not in a Python loop per n-gram: on
Reuters C50 this is several times faster than scikit-learn's ``TfidfVectorizer`` analyzers,
which matters because a warm (cached) run is dominated by these families.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

_SPACES_RE = re.compile(r"\s\s+")


def char_ngrams(text: str, low: int, high: int, *, lowercase: bool = False) -> Counter:
    """Counts of character n-grams (``low``..``high``) in ``text``, whitespace runs collapsed."""
    text = _SPACES_RE.sub(" ", text)
    if lowercase:
        text = text.lower()
    counts: Counter = Counter()
    size = len(text)
    for n in range(low, high + 1):
        if size >= n:
            counts.update(map(text.__getitem__, map(slice, range(size - n + 1), range(n, size + 1))))
    return counts


def token_ngrams(tokens: Sequence[str], low: int, high: int) -> Counter:
    """Counts of token n-grams (``low``..``high``), tokens joined by single spaces."""
    counts: Counter = Counter()
    for n in range(low, high + 1):
        if n == 1:
            counts.update(tokens)
        elif len(tokens) >= n:
            counts.update(map(" ".join, zip(*(tokens[i:] for i in range(n)))))
    return counts


class NgramTfidf:
    """Vocabulary, idf and sublinear tf-idf rows from per-document n-gram counters.

    The vocabulary keeps the ``max_features`` n-grams found in the most documents (ties broken
    alphabetically, so it is deterministic), each in at least ``min_df`` documents; columns are in
    alphabetical order. Rows are ``(1 + log tf) * idf``, l2-normalised; an empty row stays zero.
    """

    def __init__(self, *, max_features: int | None, min_df: int):
        self.max_features = max_features
        self.min_df = min_df

    def fit(self, counters: Sequence[Counter]) -> NgramTfidf:
        """Learn vocabulary and smoothed idf, ``log((1 + n) / (1 + df)) + 1``."""
        df: Counter = Counter()
        for counts in counters:
            df.update(counts.keys())
        min_df = max(1, min(int(self.min_df), len(counters)))
        kept = [(term, count) for term, count in df.items() if count >= min_df]
        if self.max_features is not None and len(kept) > self.max_features:
            kept.sort(key=lambda item: (-item[1], item[0]))
            kept = kept[: int(self.max_features)]
        kept.sort()
        self.terms_ = [term for term, _ in kept]
        self.index_ = {term: j for j, term in enumerate(self.terms_)}
        doc_freq = np.array([count for _, count in kept], dtype=np.float64)
        self.idf_ = np.log((1.0 + len(counters)) / (1.0 + doc_freq)) + 1.0
        return self

    def transform(self, counters: Iterable[Counter]) -> sp.csr_matrix:
        """(n_docs, n_terms) CSR of l2-normalised sublinear tf-idf."""
        index, keys = self.index_, self.index_.keys()
        indptr, indices, values = [0], [], []
        for counts in counters:
            present = counts.keys() & keys
            cols = np.fromiter((index[t] for t in present), dtype=np.int64, count=len(present))
            tf = np.fromiter((counts[t] for t in present), dtype=np.float64, count=len(present))
            order = np.argsort(cols)
            cols, weight = cols[order], (1.0 + np.log(tf[order])) * self.idf_[cols[order]]
            norm = np.sqrt(np.dot(weight, weight))
            if norm > 0:
                weight /= norm
            indices.append(cols)
            values.append(weight)
            indptr.append(indptr[-1] + len(cols))
        n_rows = len(indptr) - 1
        data = np.concatenate(values) if values else np.zeros(0)
        cols = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        return sp.csr_matrix((data, cols, np.array(indptr)), shape=(n_rows, len(self.terms_)), dtype=np.float64)
