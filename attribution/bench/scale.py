"""``bench scale``: peak memory and time of ``features`` and ``shifts`` at 10k, 100k and 1M tweets.

The synthetic corpora are built from the real IRA tweet set by sampling rows with replacement
(seeded): real texts, accounts and posting times, only more of them. Each stage at each size runs
in a fresh subprocess, so its peak resident memory is its own.

What a child process does, end to end, for one stage:

- ``features``: load the Parquet file streamed to a memory-mapped Arrow file, fit the ``light``
  feature union on a seeded sample of 20,000 tweets, transform every tweet (or the first
  ``transform_rows``) in batches of 10,000, writing each batch's CSR matrix to disk
  (``attribution.features.batched``, what ``attribution features --batch-rows`` runs);
- ``shifts``: load the same way and run ``analyse_shifts`` over every account.

Reported per stage and size: ``seconds``, ``peak_rss_mb`` (``VmHWM``: everything resident at
the peak, including clean file-backed pages of the memory map, which the kernel can drop) and
``peak_anon_mb`` (the largest anonymous resident memory sampled every 20 ms: what the process
itself allocated). ``rss_growth`` is log(peak ratio) / log(size ratio) between the two largest
sizes: below 1 means memory grows sub-linearly.
"""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from attribution.corpora import resolve_data_dir
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

SIZES = (10_000, 100_000, 1_000_000)
STAGES = ("features", "shifts")
COLUMNS = ("content", "author", "publish_date")
#: Rows written to the synthetic Parquet file at a time.
WRITE_ROWS = 100_000
#: A stage that runs longer than this is stopped and reported as timed out.
STAGE_TIMEOUT_S = 3600


def build_synthetic(source: Path, size: int, out: Path, *, seed: int = 0) -> Path:
    """``size`` tweets sampled with replacement from ``source`` (seeded), written in chunks."""
    table = pq.read_table(source, columns=list(COLUMNS))
    rng = np.random.default_rng(seed)
    with pq.ParquetWriter(out, table.schema) as writer:
        for start in range(0, size, WRITE_ROWS):
            rows = rng.integers(0, table.num_rows, size=min(WRITE_ROWS, size - start))
            writer.write_table(table.take(pa.array(rows)))
    return out


def status_kb(field: str) -> int:
    """One ``kB`` field of ``/proc/self/status`` (``VmHWM``, ``RssAnon`` …), 0 where absent."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class _MemorySampler:
    """Largest anonymous resident memory (``RssAnon``) of this process, sampled in a thread."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _read(self) -> int:
        return status_kb("RssAnon")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self._read())
            self._stop.wait(self.interval)

    def __enter__(self) -> _MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, self._read())


def run_stage(stage: str, path: Path, work: Path, *, seed: int = 0, transform_rows: int | None = None) -> dict:
    """Run one stage on one synthetic file in this process; return time and memory.

    ``transform_rows`` stops the features transform after that many rows (the corpus is still
    loaded whole and the fit sample drawn from all of it): on a small shared machine a full 1M
    transform takes hours, while memory, which is what this bench checks, is flat per batch.
    """
    from attribution.corpus.columns import ColumnMap
    from attribution.corpus.load import ReadOptions, load_file

    start = time.perf_counter()
    columns = ColumnMap(text="content", author="author", byline="author", time="publish_date")
    with _MemorySampler() as sampler:
        corpus = load_file(path, ReadOptions(columns=columns, kind="tweet", time_zone="UTC"), stream=True)
        loaded = time.perf_counter() - start
        if stage == "features":
            from attribution.features import build_features
            from attribution.features.batched import FIT_SAMPLE, sample_texts, transform_batches

            union = build_features("light")
            union.fit(sample_texts(corpus.dataset, FIT_SAMPLE, seed))
            fitted = time.perf_counter()
            dataset = corpus.dataset
            if transform_rows is not None and transform_rows < len(dataset):
                dataset = dataset.select(range(transform_rows))
            manifest = transform_batches(union, dataset, work / "features", key=f"{path.name}-{seed}")
            transform_s = time.perf_counter() - fitted
            detail = {
                "rows_transformed": manifest["rows"],
                "features": len(manifest["feature_names"]),
                "fit_seconds": round(fitted - start - loaded, 1),
                "transform_ms_per_row": round(1000 * transform_s / max(1, manifest["rows"]), 3),
            }
        elif stage == "shifts":
            from attribution.behaviour.shifts import analyse_shifts

            result = analyse_shifts(corpus.dataset)
            detail = {"accounts": result["summary"]["accounts"], "fitted": result["summary"]["fitted"]}
        else:
            raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
    return {
        "seconds": round(time.perf_counter() - start, 1),
        "load_seconds": round(loaded, 1),
        # VmHWM, not ru_maxrss: Linux carries the parent's peak into ru_maxrss across fork+exec.
        "peak_rss_mb": round(status_kb("VmHWM") / 1024, 1),
        "peak_anon_mb": round(sampler.peak_kb / 1024, 1),
        "documents": len(corpus),
        **detail,
    }


def _child(stage: str, path: Path, work: Path, seed: int, transform_rows: int | None = None) -> dict:
    """Run ``run_stage`` in a fresh interpreter (clean peak memory); parse its JSON line."""
    env = {**os.environ, "ATTRIBUTION_CACHE": str(work / "cache")}
    command = [
        sys.executable,
        "-m",
        "attribution.bench.scale",
        stage,
        str(path),
        str(work),
        str(seed),
        str(transform_rows or 0),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=STAGE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {STAGE_TIMEOUT_S} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1], "returncode": done.returncode}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _growth(results: dict, sizes: list[int], key: str) -> float | None:
    if len(sizes) < 2:
        return None
    small, large = results.get(str(sizes[-2]), {}), results.get(str(sizes[-1]), {})
    if key not in small or key not in large:
        return None
    return round(math.log(large[key] / small[key]) / math.log(sizes[-1] / sizes[-2]), 3)


def run(
    data_dir: str | Path | None,
    *,
    seed: int = 0,
    progress: ProgressFactory = no_progress,
    sizes: tuple[int, ...] | None = None,
    stages: tuple[str, ...] = STAGES,
    transform_rows: int | None = None,
) -> dict:
    """Build each synthetic size, run each stage in a child process, report time and memory.

    ``sizes`` defaults to ``SIZES``; ``transform_rows`` caps the rows the features stage
    transforms (see ``run_stage``). On the command line: ``bench scale --sizes --transform-rows``.
    """
    source = resolve_data_dir(data_dir, need="tweets") / "tweets" / "ira_english.parquet"
    chosen = sorted(sizes or SIZES)
    results: dict[str, dict] = {stage: {} for stage in stages}
    with tempfile.TemporaryDirectory(prefix="attribution-scale-") as tmp:
        for size in progress(chosen, desc="sizes"):
            work = Path(tmp) / str(size)
            work.mkdir()
            path = build_synthetic(source, size, work / f"tweets-{size}.parquet", seed=seed)
            for stage in stages:
                results[stage][str(size)] = _child(stage, path, work / stage, seed, transform_rows)
                log.info("scale %s %d: %s", stage, size, json.dumps(results[stage][str(size)]))
    growth = {
        stage: {key: _growth(results[stage], chosen, key) for key in ("peak_rss_mb", "peak_anon_mb", "seconds")}
        for stage in stages
    }
    return {
        "sizes": chosen,
        "source": "IRA English tweets, rows sampled with replacement (seeded)",
        "features_config": "light (fit on a seeded 20,000-tweet sample, transform in batches of 10,000)",
        "transform_rows_cap": transform_rows,
        "results": results,
        "growth_exponent": growth,
        "sublinear_memory": {
            stage: all(v is not None and v < 1 for v in (growth[stage]["peak_rss_mb"], growth[stage]["peak_anon_mb"]))
            for stage in stages
        },
        "cpu_count": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> None:
    """Child entry point: ``python -m attribution.bench.scale STAGE PATH WORK SEED``."""
    import logging

    logging.disable(logging.WARNING)
    stage, path, work, seed, rows = argv or sys.argv[1:]
    result = run_stage(stage, Path(path), Path(work), seed=int(seed), transform_rows=int(rows) or None)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
