"""A release larger than the real one: new accounts, each a real account's whole stream.

``resample_streams`` draws real accounts (seeded; every account once per round, in a fresh
random order each round, so each stream is copied about ``posts / release posts`` times) and
gives each copy a new account id (``resampled-000000`` …), keeping every post's real text and
real time stamp, until ``posts`` posts; the last copy is cut to fit. ``resampled_release``
writes that corpus as Parquet in chunks (never the whole corpus in one frame) into the corpus
cache, keyed by the source file, the size and the seed, and reuses it when it is already there.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from attribution.atomic import atomic_open
from attribution.corpus.load import cache_dir
from attribution.errors import ConfigError

log = logging.getLogger(__name__)

#: Version of the construction: part of the cache key, so a change never reuses an old file.
VERSION = 1
#: Columns of the source (IRA release) read, and their names in the resampled corpus.
COLUMNS = {"author": "account", "content": "text", "publish_date": "timestamp"}
#: Posts written per Parquet row group.
CHUNK_POSTS = 500_000
PREFIX = "resampled-"


def _streams(accounts: pa.ChunkedArray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(account names sorted, rows of the source by account then row, start of each account's rows)."""
    codes = pc.dictionary_encode(accounts).combine_chunks()
    names = np.asarray(codes.dictionary.to_pylist(), dtype=object)
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(names), np.int64)
    rank[order] = np.arange(len(names))
    code = rank[codes.indices.to_numpy(zero_copy_only=False)]
    rows = np.argsort(code, kind="stable")
    starts = np.searchsorted(code[rows], np.arange(len(names) + 1))
    return names[order].tolist(), rows, starts


def resample_streams(source: pa.Table, posts: int, *, seed: int = 0) -> Iterator[pa.Table]:
    """Chunks (``account, text, timestamp``) of ``posts`` posts made of copies of ``source``'s accounts.

    ``source`` has ``account, text, timestamp``. Each new account is one source account's stream,
    rows in their source order; chunks hold whole accounts of about ``CHUNK_POSTS`` posts.
    """
    if posts < 1:
        raise ConfigError(f"posts must be at least 1, got {posts!r}")
    names, rows, starts = _streams(source.column("account"))
    if not names:
        raise ConfigError("the source corpus has no posts to resample")
    rng = np.random.default_rng([seed, 2310])
    taken: list[np.ndarray] = []
    ids: list[np.ndarray] = []
    made = size = account = 0
    width = max(6, len(str(posts)))

    def chunk() -> pa.Table:
        table = source.select(["text", "timestamp"]).take(pa.array(np.concatenate(taken)))
        return table.add_column(0, "account", pa.array(np.concatenate(ids)))

    while made < posts:
        for k in rng.permutation(len(names)):
            stream = rows[starts[k] : starts[k + 1]][: posts - made]
            taken.append(stream)
            ids.append(np.full(len(stream), f"{PREFIX}{account:0{width}d}", dtype=object))
            account += 1
            made += len(stream)
            size += len(stream)
            if size >= CHUNK_POSTS or made >= posts:
                yield chunk()
                taken, ids, size = [], [], 0
            if made >= posts:
                return


def _source_table(path: Path) -> pa.Table:
    table = pq.read_table(path, columns=list(COLUMNS))
    table = table.rename_columns([COLUMNS[c] for c in table.column_names])
    stamps = table.column("timestamp")
    if not pa.types.is_timestamp(stamps.type) or stamps.type.tz is None:
        stamps = stamps.cast(pa.timestamp("us")).cast(pa.timestamp("us", tz="UTC"))
    return table.set_column(table.column_names.index("timestamp"), "timestamp", stamps)


def cache_path(source: Path, posts: int, seed: int) -> Path:
    """Where the resampled corpus of ``source``, ``posts`` and ``seed`` is cached."""
    stat = source.stat()
    key = json.dumps({"source": str(source.resolve()), "bytes": stat.st_size, "mtime": stat.st_mtime_ns, "v": VERSION})
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_dir() / f"{source.stem}-resampled-{posts}-seed{seed}-{digest}.parquet"


def resampled_release(source: str | Path, posts: int, *, seed: int = 0) -> Path:
    """The Parquet file of ``posts`` resampled posts of ``source`` (built once, then read from the cache)."""
    source = Path(source)
    path = cache_path(source, posts, seed)
    if path.exists():
        log.info("resampled corpus from the cache: %s", path)
        return path
    log.info("building the resampled corpus of %d posts: %s", posts, path)
    table = _source_table(source)
    schema = pa.schema(
        [("account", pa.string()), ("text", table.schema.field("text").type), table.schema.field("timestamp")]
    )
    with atomic_open(path, "wb", encoding=None) as handle, pq.ParquetWriter(handle, schema) as writer:
        for part in resample_streams(table, posts, seed=seed):
            writer.write_table(part.cast(schema))
    return path
