"""Format readers: each turns one file or folder into batches of raw rows with row numbers.

Readers only read; they name rows they cannot read at all (bad JSON, bad bytes, wrong field
count, records too large) in the ``LoadReport`` and leave column mapping and validation to
``load``. Every reader yields batches of at most ``batch_rows`` rows and holds no more than one
batch (plus one record) in memory, so files larger than memory can be read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from attribution.corpus.report import LoadReport
from attribution.corpus.text import UndecodableError, decode_bytes, repair_surrogates
from attribution.errors import CorpusError

ROW_COLUMN = "_row"
PATH_COLUMN = "_path"

#: Rows per batch handed to ``load``; bounds memory for any file size.
BATCH_ROWS = 50_000

#: One record (a JSONL line, a CSV row, a ``.txt`` file) larger than this is named and skipped:
#: no single document may exhaust memory.
MAX_RECORD_BYTES = 64 * 1024**2

#: Bytes sampled to decide whether a CSV file is UTF-8 or in a legacy encoding.
_SAMPLE_BYTES = 1024**2

_SURROGATE = re.compile("[\udc80-\udcff]")
#: JSON can spell a lone UTF-16 surrogate (``"\\ud800"``), which no UTF-8 string can hold.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _repair_record(value):
    """The record with lone surrogates in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return repair_surrogates(value)
    if isinstance(value, list):
        return [_repair_record(v) for v in value]
    if isinstance(value, dict):
        return {repair_surrogates(k): _repair_record(v) for k, v in value.items()}
    return value


def _check_file(path: Path) -> None:
    if not path.exists():
        raise CorpusError("no such file or folder", path=path)
    if path.is_file() and path.stat().st_size == 0:
        raise CorpusError("the file is empty", path=path)


def _frame(records: list[dict]) -> pd.DataFrame:
    """Records as object columns: no type guessing, so ``{"text": 2016}`` stays ``"2016"`` and
    an integer beside a missing value does not turn into ``2016.0``."""
    if not records:
        return pd.DataFrame({ROW_COLUMN: []})
    names = list(dict.fromkeys(key for record in records for key in record))
    return pd.DataFrame({name: pd.Series([r.get(name) for r in records], dtype=object) for name in names})


def _read_line(handle: io.BufferedReader) -> tuple[bytes, bool]:
    """One line, at most ``MAX_RECORD_BYTES``; the flag says it was longer (rest discarded)."""
    line = handle.readline(MAX_RECORD_BYTES + 1)
    if len(line) <= MAX_RECORD_BYTES or line.endswith(b"\n"):
        return line, False
    while True:  # skip the rest of the over-long line without holding it
        rest = handle.readline(1024**2)
        if not rest or rest.endswith(b"\n"):
            return b"", True


def iter_jsonl(path: Path, report: LoadReport, batch_rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """JSON Lines, one object a line; bad lines are named and skipped."""
    _check_file(path)
    records: list[dict] = []
    yielded = False
    with path.open("rb") as handle:
        number = 0
        while True:
            raw, too_long = _read_line(handle)
            number += 1
            if too_long:
                report.rows_read += 1
                report.add(str(path), number, f"too large: the line is over {MAX_RECORD_BYTES >> 20} MiB")
                continue
            if not raw:
                break
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
            except (json.JSONDecodeError, RecursionError) as exc:
                reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                report.add(str(path), number, f"malformed: not valid JSON ({reason})")
                continue
            if not isinstance(record, dict):
                report.add(str(path), number, "malformed: a line must hold a JSON object")
                continue
            # An escaped pair (an emoji as "\ud83d\ude0d") decodes whole; only a lone half is repaired.
            repaired = _repair_record(record) if _ESCAPED_SURROGATE.search(line) else record
            if repaired != record:
                record = repaired
                report.add(str(path), number, "encoding: lone surrogate code points replaced with U+FFFD", "warning")
            record[ROW_COLUMN] = number
            records.append(record)
            if len(records) >= batch_rows:
                yield _frame(records)
                yielded = True
                records = []
    if records or not yielded:
        yield _frame(records)


def _csv_text_stream(path: Path, report: LoadReport) -> tuple[io.TextIOBase, bool]:
    """A text stream over the CSV file and whether rows must be checked for non-UTF-8 bytes.

    UTF-8 (the usual case) is read with ``surrogateescape`` so a stray legacy byte is found and
    named per row; a file whose first MiB is not UTF-8 is decoded whole in the detected encoding.
    """
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        report.add(str(path), None, "encoding: decoded as utf-16, not UTF-8", "warning")
        return path.open(encoding="utf-16", newline=""), False
    if b"\x00" in sample:
        raise CorpusError("cannot read as text: binary data (contains NUL bytes)", path=path)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        escaped = sample.decode("utf-8", "surrogateescape")
        if any(ord(c) > 0x7F and not 0xDC80 <= ord(c) <= 0xDCFF for c in escaped):
            # Valid multi-byte UTF-8 beside stray bytes: a UTF-8 file with a few legacy rows.
            return path.open(encoding="utf-8-sig", errors="surrogateescape", newline=""), True
        try:
            _, encoding = decode_bytes(sample)
        except UndecodableError as exc:
            raise CorpusError(f"cannot read as text: {exc}", path=path) from exc
        report.add(str(path), None, f"encoding: decoded as {encoding}, not UTF-8", "warning")
        return path.open(encoding=encoding, errors="replace", newline=""), False
    return path.open(encoding="utf-8-sig", errors="surrogateescape", newline=""), True


def _redecode(fields: list[str]) -> tuple[list[str], str]:
    """Fields holding escaped non-UTF-8 bytes, decoded as cp1252 or else the detected encoding.

    A stray non-UTF-8 row in a UTF-8 file is nearly always Windows-1252 (a row pasted from a
    Windows program); one row is too short for detection to tell code pages apart.
    """
    out, encodings = [], []
    for field in fields:
        if _SURROGATE.search(field):
            raw = field.encode("utf-8", "surrogateescape")
            try:
                field, encoding = raw.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                field, encoding = decode_bytes(raw)
            encodings.append(encoding)
        out.append(field)
    return out, ", ".join(sorted(set(encodings)))


def iter_csv(path: Path, report: LoadReport, batch_rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """CSV with a header; rows with the wrong number of fields or bad bytes are named."""
    _check_file(path)
    csv.field_size_limit(MAX_RECORD_BYTES)
    stream, check_bytes = _csv_text_stream(path, report)
    with stream:
        reader = csv.reader(stream)
        try:
            header = next(reader)
        except StopIteration as exc:
            raise CorpusError("the CSV file has no header row", path=path) from exc
        except (csv.Error, UnicodeError) as exc:
            raise CorpusError(f"malformed CSV header: {exc}", path=path) from exc
        if check_bytes and _SURROGATE.search("".join(header)):
            raise CorpusError("the CSV header is not UTF-8", path=path)
        columns: dict[str, list] = {name: [] for name in header}
        rows: list[int] = []
        yielded = False
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
            if check_bytes and _SURROGATE.search("".join(fields)):
                try:
                    fields, encoding = _redecode(fields)
                except UndecodableError as exc:
                    report.add(str(path), start, f"undecodable: {exc}")
                    continue
                report.add(str(path), start, f"encoding: decoded as {encoding}, not UTF-8", "warning")
            for name, value in zip(header, fields):
                columns[name].append(value)
            rows.append(start)
            if len(rows) >= batch_rows:
                yield _csv_frame(columns, rows)
                yielded = True
                columns = {name: [] for name in header}
                rows = []
    if rows or not yielded:
        yield _csv_frame(columns, rows)


def _csv_frame(columns: dict[str, list], rows: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(columns) if columns else pd.DataFrame(index=range(len(rows)))
    frame[ROW_COLUMN] = rows
    return frame


def iter_parquet(path: Path, report: LoadReport, batch_rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """A Parquet file in record batches; row numbers are 1-based positions in the file."""
    _check_file(path)
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise CorpusError(f"cannot read as Parquet: {exc}", path=path) from exc
    start = 1
    try:
        for batch in parquet.iter_batches(batch_size=batch_rows):
            frame = batch.to_pandas()
            report.rows_read += len(frame)
            frame[ROW_COLUMN] = range(start, start + len(frame))
            start += len(frame)
            yield frame
    except CorpusError:
        raise
    except Exception as exc:
        raise CorpusError(f"cannot read as Parquet after row {start - 1}: {exc}", path=path) from exc
    if start == 1:
        yield pd.DataFrame({ROW_COLUMN: []})


def _read_text_file(file: Path, report: LoadReport, record_id: str) -> dict | None:
    """One ``.txt`` file as a record, or ``None`` when it is too large or undecodable (named)."""
    size = file.stat().st_size
    if size > MAX_RECORD_BYTES:
        report.add(str(file), None, f"too large: {size >> 20} MiB, over the {MAX_RECORD_BYTES >> 20} MiB limit")
        return None
    try:
        text, encoding = decode_bytes(file.read_bytes())
    except UndecodableError as exc:
        report.add(str(file), None, f"undecodable: {exc}")
        return None
    if encoding != "utf-8":
        report.add(str(file), None, f"encoding: decoded as {encoding}, not UTF-8", "warning")
    return {"id": record_id, "text": text, PATH_COLUMN: str(file), ROW_COLUMN: None}


def iter_text_file(path: Path, report: LoadReport, batch_rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """A single ``.txt`` file: one document without an author, its id the file name."""
    _check_file(path)
    report.rows_read += 1
    record = _read_text_file(path, report, path.name)
    yield _frame([record] if record else [])


def iter_text_folder(path: Path, report: LoadReport, batch_rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """A folder of ``.txt`` files, one sub-folder per author (the author is the folder name).

    ``.txt`` files directly in ``path`` get no author. The document id is the path relative to
    ``path``.
    """
    _check_file(path)
    files = sorted(p for p in path.rglob("*.txt") if p.is_file())
    if not files:
        raise CorpusError("the folder holds no .txt files", path=path)
    records: list[dict] = []
    for file in files:
        report.rows_read += 1
        relative = file.relative_to(path)
        record = _read_text_file(file, report, relative.as_posix())
        if record is None:
            continue
        record["author"] = relative.parts[-2] if len(relative.parts) > 1 else None
        records.append(record)
        if len(records) >= batch_rows:
            yield _frame(records)
            records = []
    yield _frame(records)


READERS = {
    ".jsonl": iter_jsonl,
    ".ndjson": iter_jsonl,
    ".json": iter_jsonl,
    ".csv": iter_csv,
    ".parquet": iter_parquet,
    ".pq": iter_parquet,
    ".txt": iter_text_file,
}


def iter_path(path: Path, report: LoadReport, batch_rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Batches of raw rows from any supported file, or a folder of ``.txt`` files."""
    if path.is_dir():
        return iter_text_folder(path, report, batch_rows)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS)) + ", or a folder of .txt files"
        raise CorpusError(f"unknown file type {path.suffix!r}; expected one of {known}", path=path)
    return reader(path, report, batch_rows)
