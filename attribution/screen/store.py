"""Screen rows streamed to Parquet part files as they finish; an interrupted screen resumes.

Each flush writes ``part-NNNNN.parquet`` atomically (a temporary file renamed into place), so a
part is either whole or absent. The accounts in the parts on disk are done; the rows buffered
when a run stops are recomputed on the next run, never written twice.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from attribution.atomic import atomic_open
from attribution.errors import CorpusError

log = logging.getLogger(__name__)


def write_table(path: Path, table: pa.Table) -> None:
    """Write a Parquet file atomically."""
    with atomic_open(path, "wb", encoding=None) as handle:
        pq.write_table(table, handle)


class PartStore:
    """Rows of one schema in numbered part files under ``folder``."""

    def __init__(self, folder: Path, schema: pa.Schema, *, flush_rows: int = 64, flush_seconds: float = 10.0):
        self.folder = Path(folder)
        self.schema = schema
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self.folder.mkdir(parents=True, exist_ok=True)
        self._buffer: list[dict] = []
        self._last = time.monotonic()
        self._next = 1 + max((int(p.stem.split("-")[1]) for p in self._parts()), default=-1)

    def _parts(self) -> list[Path]:
        return sorted(self.folder.glob("part-*.parquet"))

    def done(self) -> set[str]:
        """Keys (first column) already on disk."""
        keys: set[str] = set()
        for path in self._parts():
            try:
                column = pq.read_table(path, columns=[self.schema.names[0]]).column(0).to_pylist()
            except (pa.ArrowInvalid, OSError) as exc:
                raise CorpusError(
                    f"unreadable screen part ({exc}); delete it to recompute its accounts", path=path
                ) from exc
            keys.update(column)
        return keys

    def add(self, row: dict) -> None:
        """Buffer one row; flush when enough rows or time have gathered."""
        self._buffer.append(row)
        if len(self._buffer) >= self.flush_rows or time.monotonic() - self._last >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as the next part file."""
        self._last = time.monotonic()
        if not self._buffer:
            return
        path = self.folder / f"part-{self._next:05d}.parquet"
        write_table(path, pa.Table.from_pylist(self._buffer, schema=self.schema))
        log.debug("wrote %s (%d rows)", path.name, len(self._buffer))
        self._next += 1
        self._buffer = []

    def table(self) -> pa.Table:
        """Every row on disk, sorted by the first column."""
        parts = [pq.read_table(p, schema=self.schema) for p in self._parts()]
        table = pa.concat_tables(parts) if parts else self.schema.empty_table()
        return table.sort_by(self.schema.names[0])
