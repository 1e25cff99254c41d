"""Benchmark name -> module; each module has ``run(data_dir, *, seed, progress) -> dict``."""

from __future__ import annotations

import importlib
from types import ModuleType

BENCHES = {
    "corpus": "attribution.bench.corpus_load",
    "composite": "attribution.bench.composite",
    "publius": "attribution.bench.publius",
    "serve": "attribution.bench.serve",
    "features": "attribution.bench.features",
    "coordination": "attribution.bench.coordination",
    "shifts": "attribution.bench.shifts",
    "scale": "attribution.bench.scale",
    "c50": "attribution.bench.c50",
    "c50-open": "attribution.bench.c50_open",
    "federalist": "attribution.bench.federalist",
    "verify": "attribution.bench.verify",
    "interleaved": "attribution.bench.interleaved",
    "first-use": "attribution.bench.first_use",
    "screen": "attribution.bench.screen",
}


def load_bench(name: str) -> ModuleType:
    """Import the benchmark module for ``name``."""
    return importlib.import_module(BENCHES[name])
