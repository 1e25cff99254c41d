"""``bench publius``: the Federalist Papers as one byline with operators {Hamilton, Madison, Jay}."""

from __future__ import annotations

from pathlib import Path

from attribution.models.publius import run_publius
from attribution.progress import ProgressFactory, no_progress


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """p-value, k, cluster -> operator mapping, disputed papers given to Madison, joint papers flagged."""
    return run_publius(data_dir, seed=seed, progress=progress)["summary"]
