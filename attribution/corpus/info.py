"""Describe a corpus: counts per author and byline, kinds, lengths and time range.

Computed on the Arrow columns (no per-row Python), so a memory-mapped corpus of a million
tweets is described in seconds.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from attribution.corpus.load import Corpus

UNKNOWN = "(unknown)"


def _column(data, name: str) -> pa.ChunkedArray:
    """One column of a corpus ``Dataset`` as Arrow, honouring any indices mapping."""
    return data.select_columns([name]).with_format("arrow")[:][name]


def _counts(values: pa.ChunkedArray) -> dict[str, int]:
    counter: Counter = Counter()
    for item in pc.value_counts(values).to_pylist():
        counter[UNKNOWN if item["values"] is None else item["values"]] += item["counts"]
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _labels(meta: pa.ChunkedArray) -> Counter:
    """``meta.label`` counts; only rows whose JSON mentions a label are decoded."""
    marked = pc.filter(meta, pc.fill_null(pc.match_substring(meta, '"label"'), False))
    labels = Counter(json.loads(m).get("label") for m in marked.to_pylist())
    labels.pop(None, None)
    return labels


def describe_corpus(corpus: Corpus) -> dict:
    """A JSON-ready summary of ``corpus`` including its load report."""
    data = corpus.dataset
    if len(data):
        words = pc.list_value_length(pc.utf8_split_whitespace(_column(data, "text"))).to_numpy()
    else:
        words = np.array([0])
    stamps = _column(data, "timestamp")
    span = pc.min_max(stamps).as_py() if len(data) else {"min": None, "max": None}
    labels = _labels(_column(data, "meta")) if len(data) else Counter()
    summary = {
        "name": corpus.name,
        "documents": len(data),
        "authors": _counts(_column(data, "author")),
        "bylines": _counts(_column(data, "byline")),
        "kinds": _counts(_column(data, "kind")),
        "words": {
            "total": int(words.sum()),
            "min": int(words.min()),
            "median": float(np.median(words)),
            "mean": round(float(words.mean()), 1),
            "p95": float(np.percentile(words, 95)),
            "max": int(words.max()),
        },
        "time_range": {
            "first": span["min"].isoformat() if span["min"] is not None else None,
            "last": span["max"].isoformat() if span["max"] is not None else None,
            "with_timestamp": len(stamps) - stamps.null_count,
        },
        "load": corpus.report.to_dict(),
    }
    if labels:
        summary["labels"] = dict(sorted(labels.items(), key=lambda item: (-item[1], item[0])))
    return summary
