"""Features for corpora larger than memory: fit on a seeded sample, transform in batches.

The fitted union is applied batch by batch; each batch's CSR matrix is written atomically as
its own part file, so memory is bounded by one batch and an interrupted run resumes from the
parts already written (a part is trusted only if its checksum matches the manifest).

Layout of ``out_dir``::

    manifest.json        written last: key, feature names, rows, parts with sha256
    part-00000.npz       CSR of rows [0, batch_size)
    part-00000.ids.json  their document ids
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import datasets
import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from attribution.atomic import write_bytes
from attribution.progress import ProgressFactory, no_progress
from attribution.report.jsonio import dumps, write_json

log = logging.getLogger(__name__)

#: Rows transformed and written at a time.
BATCH_ROWS = 10_000

#: Texts the union is fitted on (vocabularies, z-score statistics); a seeded sample.
FIT_SAMPLE = 20_000

MANIFEST = "manifest.json"


def iter_batches(dataset: datasets.Dataset, batch_size: int = BATCH_ROWS, columns=("id", "text")) -> Iterator[dict]:
    """Column batches of a corpus ``Dataset`` holding at most ``batch_size`` rows in memory.

    A dataset backed by one Arrow file (a streamed corpus) is read from the file with ordinary
    reads rather than through the memory map, so pages already processed do not stay in this
    process's resident memory.
    """
    files = [f["filename"] for f in dataset.cache_files]
    if len(files) == 1 and dataset._indices is None and len(dataset) == _rows_in(files[0]):
        with pa.OSFile(files[0], "rb") as source, pa.ipc.open_stream(source) as reader:
            pending: list[pa.RecordBatch] = []
            count = 0
            for batch in reader:
                pending.append(batch.select(list(columns)))
                count += batch.num_rows
                while count >= batch_size:
                    table = pa.Table.from_batches(pending)
                    yield table.slice(0, batch_size).to_pydict()
                    rest = table.slice(batch_size)
                    pending, count = rest.to_batches(), rest.num_rows
            if count:
                yield pa.Table.from_batches(pending).to_pydict()
        return
    yield from dataset.select_columns(list(columns)).iter(batch_size=batch_size)


def _rows_in(filename: str) -> int:
    with pa.memory_map(filename) as source:
        return pa.ipc.open_stream(source).read_all().num_rows


def sample_texts(dataset: datasets.Dataset, n: int = FIT_SAMPLE, seed: int = 0) -> list[str]:
    """A seeded sample of ``n`` texts (all of them when the corpus is smaller), in corpus order."""
    if len(dataset) <= n:
        return list(dataset["text"])
    rows = np.sort(np.random.default_rng(seed).choice(len(dataset), size=n, replace=False))
    return dataset.select(rows)["text"]


def transform_in_batches(
    union, dataset: datasets.Dataset, batch_size: int = BATCH_ROWS, progress: ProgressFactory = no_progress
):
    """``(ids, csr)`` for each batch of ``dataset``, transformed by the fitted ``union``."""
    total = -(-len(dataset) // batch_size)
    for batch in progress(iter_batches(dataset, batch_size), desc="features", total=total):
        yield batch["id"], sp.csr_matrix(union.transform(batch["text"]), dtype=np.float64)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _part_ok(out_dir: Path, part: dict) -> bool:
    """A part is reused only if both its files exist and match the recorded checksums."""
    matrix, ids = out_dir / part["matrix"], out_dir / part["ids"]
    try:
        return _digest(matrix.read_bytes()) == part["matrix_sha256"] and _digest(ids.read_bytes()) == part["ids_sha256"]
    except OSError:
        return False


def transform_batches(
    union,
    dataset: datasets.Dataset,
    out_dir: str | Path,
    *,
    key: str,
    batch_size: int = BATCH_ROWS,
    progress: ProgressFactory = no_progress,
) -> dict:
    """Transform ``dataset`` with a fitted ``union`` into part files under ``out_dir``.

    ``key`` identifies the corpus, config and fit; parts from a run with the same key are
    checked and reused, anything else in the folder is ignored. Returns the manifest.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress_path = out_dir / "progress.json"
    done: dict[int, dict] = {}
    if progress_path.exists():
        try:
            state = json.loads(progress_path.read_text())
            if state.get("key") == key:
                done = {p["index"]: p for p in state["parts"] if _part_ok(out_dir, p)}
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("%s: unreadable progress file; starting again", progress_path)
    parts: list[dict] = []
    rows = 0
    total = -(-len(dataset) // batch_size)
    for index, batch in enumerate(progress(iter_batches(dataset, batch_size), desc="features", total=total)):
        rows += len(batch["id"])
        if index in done and done[index]["rows"] == len(batch["id"]):
            parts.append(done[index])
            continue
        matrix = sp.csr_matrix(union.transform(batch["text"]), dtype=np.float64)
        buffer = io.BytesIO()
        sp.save_npz(buffer, matrix, compressed=False)
        ids = dumps(batch["id"]).encode()
        part = {
            "index": index,
            "rows": matrix.shape[0],
            "matrix": f"part-{index:05d}.npz",
            "ids": f"part-{index:05d}.ids.json",
            "matrix_sha256": _digest(buffer.getvalue()),
            "ids_sha256": _digest(ids),
        }
        write_bytes(out_dir / part["matrix"], buffer.getvalue())
        write_bytes(out_dir / part["ids"], ids)
        parts.append(part)
        write_json(progress_path, {"key": key, "parts": parts})
    manifest = {
        "key": key,
        "rows": rows,
        "batch_size": batch_size,
        "feature_names": [str(n) for n in union.get_feature_names_out()],
        "parts": parts,
    }
    write_json(out_dir / MANIFEST, manifest)
    return manifest


def read_parts(out_dir: str | Path) -> tuple[sp.csr_matrix, list[str], list[str]]:
    """The whole matrix, ids and feature names from a finished ``transform_batches`` folder."""
    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / MANIFEST).read_text())
    matrices, ids = [], []
    for part in manifest["parts"]:
        matrices.append(sp.load_npz(out_dir / part["matrix"]))
        ids.extend(json.loads((out_dir / part["ids"]).read_text()))
    return sp.vstack(matrices, format="csr"), ids, manifest["feature_names"]
