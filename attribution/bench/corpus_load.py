"""``bench corpus``: load time and row accounting for every corpus the data folder holds."""

from __future__ import annotations

import time
from pathlib import Path

from attribution.corpus import load_corpus
from attribution.progress import ProgressFactory, no_progress

NAMES = ("federalist", "c50-train", "c50-test", "senate", "ira")


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Load each corpus once; report documents, skipped rows and seconds."""
    results = {}
    for name in progress(NAMES, desc="corpora"):
        start = time.perf_counter()
        corpus = load_corpus(name, data_dir=data_dir)
        results[name] = {
            "documents": len(corpus),
            "rows_skipped": corpus.report.rows_skipped,
            "seconds": round(time.perf_counter() - start, 2),
        }
    return {"corpora": results}
