"""Describe a corpus: counts per author and byline, kinds, lengths and time range."""

from __future__ import annotations

from collections import Counter

import numpy as np

from attribution.corpus.load import Corpus
from attribution.corpus.schema import row_meta

UNKNOWN = "(unknown)"


def _counts(values: list) -> dict[str, int]:
    counter = Counter(UNKNOWN if v is None else v for v in values)
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def describe_corpus(corpus: Corpus) -> dict:
    """A JSON-ready summary of ``corpus`` including its load report."""
    data = corpus.dataset
    words = np.array([len(t.split()) for t in data["text"]]) if len(data) else np.array([0])
    stamps = [t for t in data["timestamp"] if t is not None]
    labels = Counter(row_meta({"meta": m}).get("label") for m in data["meta"])
    labels.pop(None, None)
    summary = {
        "name": corpus.name,
        "documents": len(data),
        "authors": _counts(data["author"]),
        "bylines": _counts(data["byline"]),
        "kinds": _counts(data["kind"]),
        "words": {
            "total": int(words.sum()),
            "min": int(words.min()),
            "median": float(np.median(words)),
            "mean": round(float(words.mean()), 1),
            "p95": float(np.percentile(words, 95)),
            "max": int(words.max()),
        },
        "time_range": {
            "first": min(stamps).isoformat() if stamps else None,
            "last": max(stamps).isoformat() if stamps else None,
            "with_timestamp": len(stamps),
        },
        "load": corpus.report.to_dict(),
    }
    if labels:
        summary["labels"] = dict(sorted(labels.items(), key=lambda item: (-item[1], item[0])))
    return summary
