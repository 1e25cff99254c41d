"""``bench publius``: the Federalist Papers as one byline with operators {Hamilton, Madison, Jay}."""

from __future__ import annotations

from pathlib import Path

from attribution.composite.publius import run_publius, single_writer_p
from attribution.progress import ProgressFactory, no_progress


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """p-value, k, cluster -> operator mapping, disputed papers given to Madison, joint papers flagged, and
    the in-genre negative controls (Hamilton's and Madison's undisputed papers alone as the byline).
    ``data_dir`` is not read: the papers and the article reference ship with the package."""
    summary = run_publius(seed=seed, progress=progress)["summary"]
    summary["hamilton_only_p"] = single_writer_p("Hamilton", seed=seed)
    summary["madison_only_p"] = single_writer_p("Madison", seed=seed)
    return summary
