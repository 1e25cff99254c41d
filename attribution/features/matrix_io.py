"""Feature matrices on disk: a Parquet table in long (sparse) form with names and ids in metadata.

Columns ``id`` (document id), ``feature`` (``family__name``), ``value`` (float64), one row per
non-zero cell, dictionary-encoded; the schema metadata key ``attribution.features`` holds the full
document ids, feature names, shape and config, so all-zero rows and columns survive the round trip.
A ``.csv`` path gets the same three columns as CSV, for spreadsheets (no metadata: all-zero rows
and columns are not in it, and it cannot be read back as a matrix).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from attribution.atomic import atomic_open, output_format

META_KEY = b"attribution.features"

#: File extension -> format written.
FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


def matrix_format(path: str | Path) -> str:
    """The format ``path``'s extension names; an unknown extension is refused before any work."""
    return output_format(path, FORMATS)


@contextlib.contextmanager
def _table_writer(path: str | Path, schema) -> Iterator[Callable]:
    """A ``write(table)`` function for the format of ``path``, written atomically."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    fmt = matrix_format(path)
    with atomic_open(path, "wb", encoding=None) as handle:
        if fmt == "csv":
            plain = pa.schema([("id", pa.string()), ("feature", pa.string()), ("value", pa.float64())])
            with pacsv.CSVWriter(handle, plain) as writer:
                yield lambda table: writer.write_table(table.replace_schema_metadata(None).cast(plain))
        else:
            with pq.ParquetWriter(handle, schema, compression="zstd") as writer:
                yield writer.write_table


def write_feature_matrix(
    path: str | Path,
    matrix,
    feature_names,
    document_ids,
    *,
    config: dict[str, Any] | None = None,
) -> None:
    """Write ``matrix`` (n_docs, n_features) with its names and ids to ``path`` atomically."""
    shape = sp.coo_matrix(matrix).shape
    if shape != (len(document_ids), len(feature_names)):
        raise ValueError(f"matrix shape {shape} does not match {len(document_ids)} ids x {len(feature_names)} names")
    write_feature_matrix_batches(path, [(document_ids, matrix)], feature_names, document_ids, config=config)


def read_feature_matrix(path: str | Path) -> tuple[sp.csr_matrix, list[str], list[str], dict[str, Any]]:
    """Read ``(matrix CSR, feature_names, document_ids, config)`` written by ``write_feature_matrix``."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = json.loads((table.schema.metadata or {}).get(META_KEY, b"{}"))
    if "feature_names" not in meta:
        raise ValueError(f"{path}: not a feature matrix written by attribution (no {META_KEY.decode()} metadata)")
    ids, names = meta["ids"], meta["feature_names"]
    rows = _positions(table.column("id"), ids)
    cols = _positions(table.column("feature"), names)
    values = table.column("value").to_numpy()
    matrix = sp.csr_matrix((values, (rows, cols)), shape=tuple(meta["shape"]), dtype=np.float64)
    return matrix, names, ids, meta.get("config", {})


def _positions(column, labels: list[str]) -> np.ndarray:
    """Each cell's position in ``labels``, through the column's dictionary (no per-cell strings)."""
    import pyarrow as pa

    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if not pa.types.is_dictionary(array.type):
        array = array.dictionary_encode()
    position = {label: i for i, label in enumerate(labels)}
    lookup = np.array([position[v] for v in array.dictionary.to_pylist()], dtype=np.int64)
    return lookup[array.indices.to_numpy(zero_copy_only=False)] if len(lookup) else np.zeros(0, np.int64)


def write_feature_matrix_batches(
    path: str | Path,
    batches,
    feature_names,
    document_ids,
    *,
    config: dict[str, Any] | None = None,
) -> dict[str, int]:
    """Write a matrix that arrives in row batches (``(ids, csr)`` pairs) without holding it whole.

    Same file layout as ``write_feature_matrix`` (one row group per batch); the batches' ids
    must follow ``document_ids`` in order. Returns the shape and non-zero count.
    """
    import pyarrow as pa

    names = [str(n) for n in feature_names]
    ids = [str(i) for i in document_ids]
    meta = {
        "ids": ids,
        "feature_names": names,
        "shape": [len(ids), len(names)],
        "config": config or {},
        "layout": "long",
    }
    schema = pa.schema(
        [
            ("id", pa.dictionary(pa.int32(), pa.string())),
            ("feature", pa.dictionary(pa.int32(), pa.string())),
            ("value", pa.float64()),
        ],
        metadata={META_KEY: json.dumps(meta, sort_keys=True).encode()},
    )
    name_array = pa.array(names, pa.string())
    start, nonzero = 0, 0
    with _table_writer(path, schema) as write:
        for batch_ids, matrix in batches:
            batch_ids = [str(i) for i in batch_ids]
            if batch_ids != ids[start : start + len(batch_ids)]:
                raise ValueError(f"batch ids do not follow the document ids at row {start}")
            coo = sp.coo_matrix(matrix)
            order = np.lexsort((coo.col, coo.row))
            table = pa.table(
                {
                    "id": pa.DictionaryArray.from_arrays(
                        pa.array(coo.row[order], pa.int32()), pa.array(batch_ids, pa.string())
                    ),
                    "feature": pa.DictionaryArray.from_arrays(pa.array(coo.col[order], pa.int32()), name_array),
                    "value": pa.array(coo.data[order].astype(np.float64), pa.float64()),
                },
                schema=schema,
            )
            write(table)
            start += len(batch_ids)
            nonzero += coo.nnz
    if start != len(ids):
        raise ValueError(f"the batches held {start} rows, not {len(ids)}")
    return {"documents": len(ids), "features": len(names), "nonzero": nonzero}
