"""On-disk cache for expensive per-text results (spaCy parses, sentence embeddings).

One file per text, named by the SHA-256 of the text, in a folder named by what produced it
(model name and version, and the settings that change the result). Each file carries a magic
header, the payload's length and its SHA-256: a truncated or corrupt entry is detected, logged,
deleted and recomputed, never trusted. Writes go to a temporary file that is renamed into place,
so a crash never leaves a half-written entry under the final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MAGIC = b"ATTRCACHE1\n"
_HEADER = struct.Struct(">Q32s")  # payload length, SHA-256 of the payload
ENV_VAR = "ATTRIBUTION_CACHE"


def resolve_cache_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """The cache root: ``cache_dir``, else ``$ATTRIBUTION_CACHE``, else ``~/.cache/attribution``."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "attribution"


def text_key(text: str) -> str:
    """The cache key of a text: SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def namespace(kind: str, settings: dict) -> str:
    """A folder name for one producer: ``kind`` plus a short hash of its settings (model, version …)."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{kind}-{digest}"


class DiskCache:
    """Checksummed, atomically written entries under ``root / space``; see the module docstring."""

    def __init__(self, root: str | os.PathLike | None, space: str, *, settings: dict | None = None):
        self.root = resolve_cache_dir(root)
        self.folder = self.root / space
        self.settings = settings or {}
        self.hits = self.misses = self.corrupt = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.bin"

    def get(self, key: str) -> bytes | None:
        """The payload stored under ``key``, or ``None`` when absent or corrupt (then deleted)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as exc:
            log.warning("cache entry %s unreadable (%s); recomputing", path, exc)
            self.misses += 1
            return None
        payload = _unwrap(data)
        if payload is None:
            log.warning("cache entry %s is corrupt or truncated; deleting and recomputing", path)
            self.corrupt += 1
            self.misses += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        self.hits += 1
        return payload

    def put(self, key: str, payload: bytes) -> None:
        """Store ``payload`` under ``key`` atomically; a failure to write is logged, not raised."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._write_settings()
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:8]}.", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(_wrap(payload))
                # No fsync per entry: the checksum catches what a power loss could leave behind,
                # and thousands of fsyncs would cost more than the parse being cached.
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            log.warning("could not write cache entry %s (%s); continuing without it", path, exc)

    def _write_settings(self) -> None:
        marker = self.folder / "settings.json"
        if self.settings and not marker.exists():
            from attribution.atomic import write_text

            write_text(marker, json.dumps(self.settings, sort_keys=True, indent=2, default=str) + "\n")

    def clear(self) -> None:
        """Delete every entry of this producer."""
        shutil.rmtree(self.folder, ignore_errors=True)


def _wrap(payload: bytes) -> bytes:
    return MAGIC + _HEADER.pack(len(payload), hashlib.sha256(payload).digest()) + payload


def _unwrap(data: bytes) -> bytes | None:
    start = len(MAGIC) + _HEADER.size
    if len(data) < start or not data.startswith(MAGIC):
        return None
    length, digest = _HEADER.unpack(data[len(MAGIC) : start])
    payload = data[start:]
    if len(payload) != length or hashlib.sha256(payload).digest() != digest:
        return None
    return payload


def read_vectors(store: DiskCache | None, keys: Sequence[str], out: np.ndarray, dtype: str) -> list[int]:
    """Fill rows of ``out`` from fixed-width vectors cached as ``dtype``; return the rows to compute.

    An entry of the wrong size (another model or pooling under a stale key) counts as corrupt,
    is logged and is recomputed. Without a store every row is to compute.
    """
    if store is None:
        return list(range(len(out)))
    width = out.shape[1] * np.dtype(dtype).itemsize
    missing = []
    for i, key in enumerate(keys):
        payload = store.get(key)
        if payload is not None and len(payload) == width:
            out[i] = np.frombuffer(payload, dtype=dtype)
            continue
        if payload is not None:
            store.corrupt += 1
            log.warning("cached vector of text %d has the wrong size; recomputing", i)
        missing.append(i)
    return missing
