"""Format readers: each turns one file or folder into raw rows with their row numbers.

Readers only read; they name rows they cannot read at all (bad JSON, bad bytes, wrong field
count) in the ``LoadReport`` and leave column mapping and validation to ``load``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from attribution.corpus.report import LoadReport
from attribution.corpus.text import UndecodableError, decode_bytes
from attribution.errors import CorpusError

ROW_COLUMN = "_row"
PATH_COLUMN = "_path"

#: Files larger than this are refused with a message instead of exhausting memory.
MAX_FILE_BYTES = 4 * 1024**3


def _check_file(path: Path) -> None:
    if not path.exists():
        raise CorpusError("no such file or folder", path=path)
    if path.is_file() and path.stat().st_size == 0:
        raise CorpusError("the file is empty", path=path)
    if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
        raise CorpusError(f"the file is larger than {MAX_FILE_BYTES >> 30} GiB; split it", path=path)


def _decode_file(path: Path, report: LoadReport) -> str:
    try:
        text, encoding = decode_bytes(path.read_bytes())
    except UndecodableError as exc:
        raise CorpusError(f"cannot read as text: {exc}", path=path) from exc
    if encoding != "utf-8":
        report.add(str(path), None, f"encoding: decoded as {encoding}, not UTF-8", "warning")
    return text


def read_jsonl(path: Path, report: LoadReport) -> pd.DataFrame:
    """Read JSON Lines, one object a line; bad lines are named and skipped."""
    _check_file(path)
    records = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            report.rows_read += 1
            try:
                line, encoding = decode_bytes(raw)
            except UndecodableError as exc:
                report.add(str(path), number, f"undecodable: {exc}")
                continue
            if encoding != "utf-8":
                report.add(str(path), number, f"encoding: decoded as {encoding}, not UTF-8", "warning")
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                report.add(str(path), number, f"malformed: not valid JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                report.add(str(path), number, "malformed: a line must hold a JSON object")
                continue
            record[ROW_COLUMN] = number
            records.append(record)
    return pd.DataFrame.from_records(records) if records else pd.DataFrame({ROW_COLUMN: []})


def read_csv(path: Path, report: LoadReport) -> pd.DataFrame:
    """Read CSV with a header; rows with the wrong number of fields are named and skipped."""
    _check_file(path)
    text = _decode_file(path, report)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise CorpusError("the CSV file has no header row", path=path) from exc
    except csv.Error as exc:
        raise CorpusError(f"malformed CSV header: {exc}", path=path) from exc
    columns: dict[str, list] = {name: [] for name in header}
    rows: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.rows_read += 1
            report.add(str(path), start, f"malformed: {exc}")
            continue
        if not fields or all(not f.strip() for f in fields):
            continue
        report.rows_read += 1
        if len(fields) != len(header):
            report.add(str(path), start, f"malformed: {len(fields)} fields where the header has {len(header)}")
            continue
        for name, value in zip(header, fields):
            columns[name].append(value)
        rows.append(start)
    frame = pd.DataFrame(columns)
    frame[ROW_COLUMN] = rows
    return frame


def read_parquet(path: Path, report: LoadReport) -> pd.DataFrame:
    """Read a Parquet file; row numbers are 1-based positions in the file."""
    _check_file(path)
    try:
        frame = pq.read_table(path).to_pandas()
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise CorpusError(f"cannot read as Parquet: {exc}", path=path) from exc
    report.rows_read += len(frame)
    frame[ROW_COLUMN] = range(1, len(frame) + 1)
    return frame


def read_text_folder(path: Path, report: LoadReport) -> pd.DataFrame:
    """Read a folder of ``.txt`` files, one sub-folder per author (the author is the folder name).

    ``.txt`` files directly in ``path`` get no author. The document id is the path relative to
    ``path``.
    """
    _check_file(path)
    files = sorted(p for p in path.rglob("*.txt") if p.is_file())
    if not files:
        raise CorpusError("the folder holds no .txt files", path=path)
    records = []
    for file in files:
        report.rows_read += 1
        relative = file.relative_to(path)
        try:
            text, encoding = decode_bytes(file.read_bytes())
        except UndecodableError as exc:
            report.add(str(file), None, f"undecodable: {exc}")
            continue
        if encoding != "utf-8":
            report.add(str(file), None, f"encoding: decoded as {encoding}, not UTF-8", "warning")
        author = relative.parts[-2] if len(relative.parts) > 1 else None
        records.append(
            {"id": relative.as_posix(), "text": text, "author": author, PATH_COLUMN: str(file), ROW_COLUMN: None}
        )
    return pd.DataFrame.from_records(records) if records else pd.DataFrame({ROW_COLUMN: []})


READERS = {
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".json": read_jsonl,
    ".csv": read_csv,
    ".parquet": read_parquet,
    ".pq": read_parquet,
}


def read_path(path: Path, report: LoadReport) -> pd.DataFrame:
    """Dispatch on the file type; a folder is read as a ``.txt`` folder."""
    if path.is_dir():
        return read_text_folder(path, report)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS)) + ", or a folder of .txt files"
        raise CorpusError(f"unknown file type {path.suffix!r}; expected one of {known}", path=path)
    return reader(path, report)
