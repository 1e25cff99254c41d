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
    "screen-scale": "attribution.bench.screen_scale",
    "short_docs": "attribution.bench.short_docs",
    "senators": "attribution.bench.senators",
    "style": "attribution.bench.style",
}


def load_bench(name: str) -> ModuleType:
    """Import the benchmark module for ``name``."""
    return importlib.import_module(BENCHES[name])


def provenance() -> dict[str, str | None]:
    """What produced a bench result: package version, source commit (None outside a git checkout;
    ``+dirty`` with uncommitted changes), finishing time (UTC) and machine."""
    import datetime
    import os
    import platform
    import subprocess
    from pathlib import Path

    from attribution import __version__

    source = Path(__file__).resolve().parents[2]
    commit = None
    try:
        commit = (
            subprocess.run(
                ["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
            or None
        )
        dirty = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        if commit and dirty:
            commit += "+dirty"
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {
        "attribution": __version__,
        "commit": commit,
        "finished_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
