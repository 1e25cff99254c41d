"""The shipped document references (articles; posts in runs of 20) as plain arrays: what the
document null needs, not the texts.

The null draws single-author sets from the reference's additive counts and fits nothing at test
time, so the counts, the fitted vocabulary, idf and mean, the token lengths and the function-word
counts are all it reads. Shipping them instead of the Reuters and IRA texts lets a plain
``pip install`` run the document test with no data folder, with the same numbers as a
reference built from the corpus. Arrays and JSON only, never pickle.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from attribution.atomic import atomic_open
from attribution.composite.null import ReferenceSet
from attribution.composite.represent import CharProfile
from attribution.errors import ModelError

FORMAT = "attribution-document-reference/1"


def _encode_indices(counts: sparse.csr_matrix) -> np.ndarray:
    """Column indices as differences within each row (first one raw): small, so they compress."""
    deltas = np.diff(counts.indices.astype(np.int64), prepend=0)
    starts = counts.indptr[:-1][np.diff(counts.indptr) > 0]
    deltas[starts] = counts.indices[starts]
    return deltas.astype(np.uint16 if counts.shape[1] <= np.iinfo(np.uint16).max else np.uint32)


def _decode_indices(deltas: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    sums = np.cumsum(deltas.astype(np.int64))
    first = np.repeat(indptr[:-1], np.diff(indptr))
    return sums - (sums[first] - deltas[first].astype(np.int64))


def save_reference(reference: ReferenceSet, path: str | Path, meta: dict) -> None:
    """Write ``reference`` (with its word counts) and ``meta`` to ``path`` (.npz), atomically."""
    counts = reference.counts.tocsr().copy()
    counts.sort_indices()
    values = counts.data
    if not np.all(values == np.round(values)) or values.min(initial=0) < 0:
        raise ValueError("reference counts must be non-negative integers")
    value_type = np.uint8 if values.max(initial=0) <= np.iinfo(np.uint8).max else np.uint32
    word_counts, word_totals = reference.word_counts
    description = {
        "format": FORMAT,
        "name": reference.name,
        "kind": reference.kind,
        "shape": list(counts.shape),
        **meta,
    }
    with atomic_open(Path(path), "wb") as handle:
        np.savez_compressed(
            handle,
            terms=np.asarray(reference.profile.terms(), dtype=str),
            idf=reference.profile.idf_,
            mean=reference.profile.mean_,
            indptr=counts.indptr.astype(np.int64),
            indices=_encode_indices(counts),
            values=values.astype(value_type),
            tokens=reference.tokens.astype(np.int64),
            authors=np.asarray(reference.authors, dtype=str),
            word_counts=np.asarray(word_counts).astype(np.uint32),
            word_totals=np.asarray(word_totals, dtype=np.float64),
            meta=np.frombuffer(json.dumps(description).encode(), dtype=np.uint8),
        )


def read_reference(path: str | Path) -> tuple[ReferenceSet, dict]:
    """The reference and its description from a file written by ``save_reference``."""
    try:
        with np.load(path, allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode())
            if meta.get("format") != FORMAT:
                raise ModelError(f"{path}: reference format {meta.get('format')!r}, expected {FORMAT}")
            indptr = arrays["indptr"]
            counts = sparse.csr_matrix(
                (arrays["values"].astype(np.float64), _decode_indices(arrays["indices"], indptr), indptr),
                shape=tuple(meta["shape"]),
            )
            profile = CharProfile.from_arrays(arrays["terms"].tolist(), arrays["idf"], arrays["mean"])
            reference = ReferenceSet(
                name=meta["name"],
                kind=meta["kind"],
                profile=profile,
                counts=counts,
                tokens=arrays["tokens"].astype(np.float64),
                authors=arrays["authors"],
                function_words=(arrays["word_counts"].astype(np.float64), arrays["word_totals"]),
            )
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"{path}: not a readable document reference ({exc})") from exc
    return reference, meta
