"""Load any supported source into a validated corpus ``Dataset`` with a ``LoadReport``.

Rows are converted in batches with vectorised (Arrow) operations. Small inputs become an
in-memory ``Dataset``; inputs larger than ``STREAM_BYTES`` (or ``stream=True``) are written
batch by batch to an Arrow file in the cache folder and memory-mapped, so a corpus larger than
memory loads in bounded memory.

Checks that span batches (duplicate texts, mixed time zones) are kept as compact arrays and
reported when the last batch is done.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import datasets
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from attribution.atomic import atomic_open
from attribution.corpus.columns import ColumnMap
from attribution.corpus.readers import PATH_COLUMN, ROW_COLUMN, iter_path
from attribution.corpus.report import LoadReport
from attribution.corpus.schema import COLUMNS, FEATURES, KINDS
from attribution.corpus.text import WHITESPACE, analyse_texts, normalise_texts, screen_languages, to_string_array
from attribution.corpus.timestamps import check_zone, parse_timestamps, timestamp_zones
from attribution.errors import CorpusError

log = logging.getLogger(__name__)

HUB_HOST = "huggingface.co"

#: Texts longer than this (characters) are split into parts at paragraph or sentence ends.
#: spaCy's own limit is 1,000,000; the parts stay well under it.
MAX_TEXT_CHARS = 500_000


@dataclass(frozen=True)
class ReadOptions:
    """How raw rows become corpus rows: one value that every loader passes on unchanged."""

    columns: ColumnMap = ColumnMap()
    kind: str | None = None
    byline: str | None = None
    time_zone: str | None = None
    detect_language: bool = True
    max_chars: int = MAX_TEXT_CHARS
    #: File columns kept in ``meta`` even when they feed a field (``--metadata-col source``).
    keep_in_meta: tuple[str, ...] = ()


#: Files larger than this, or Parquet files with more rows than ``STREAM_ROWS``, are streamed to
#: a memory-mapped Arrow file instead of held in memory.
STREAM_BYTES = 512 * 1024**2
STREAM_ROWS = 250_000

#: Cache folder for streamed corpora (``$ATTRIBUTION_CACHE/corpora``).
CACHE_ENV = "ATTRIBUTION_CACHE"

#: Time-stamped corpora whose median text has at most this many words are read as posts
#: (tweets average about 13 words, news articles several hundred).
POST_MAX_MEDIAN_WORDS = 50

#: Problem rows named one by one in a summary message (the rest are counted).
_SHOWN_ROWS = 5


@dataclass
class Corpus:
    """A loaded corpus: the ``Dataset`` and the report of what was used and skipped."""

    dataset: datasets.Dataset
    report: LoadReport = field(default_factory=LoadReport)
    name: str = ""

    def __len__(self) -> int:
        return len(self.dataset)

    @property
    def texts(self) -> list[str]:
        return self.dataset["text"]


def cache_dir() -> Path:
    """Where streamed corpora are written: ``$ATTRIBUTION_CACHE`` or ``~/.cache/attribution``."""
    root = os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "attribution"
    return Path(root) / "corpora"


def _rows_text(rows: list[int | None]) -> str:
    shown = [str(r) for r in rows[:_SHOWN_ROWS] if r is not None]
    more = f" and {len(rows) - _SHOWN_ROWS} more" if len(rows) > _SHOWN_ROWS else ""
    return ("rows " + ", ".join(shown) + more) if shown else f"{len(rows)} rows"


def _json_values(values: pd.Series) -> pa.Array:
    """Each value as JSON text, vectorised for strings, numbers, booleans and time stamps."""
    n = len(values)
    if pd.api.types.is_bool_dtype(values.dtype) and not values.isna().any():
        return pc.if_else(pa.array(values.to_numpy(dtype=bool)), "true", "false")
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        array = pa.array(values, from_pandas=True)
        if pa.types.is_floating(array.type):
            finite = pc.is_finite(array)
            array = pc.if_else(finite, array, pa.scalar(None, array.type))
        return pc.fill_null(pc.cast(array, pa.string()), "null")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        array = pa.array(values, from_pandas=True)
        text = pc.replace_substring(pc.cast(array, pa.string()), " ", "T")
        return pc.fill_null(pc.binary_join_element_wise('"', text, '"', ""), "null")
    try:
        array = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, UnicodeEncodeError):
        array = None
    if array is None or (values.dtype == object and not values.map(lambda v: v is None or isinstance(v, str)).all()):
        return pa.array([json.dumps(v, default=str, ensure_ascii=False) if not _missing(v) else "null" for v in values])
    return _json_strings(array, n)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT


def _json_strings(array: pa.Array, n: int) -> pa.Array:
    """JSON string literals for an Arrow string array (RFC 8259 escapes)."""
    text = pc.replace_substring(array, "\\", "\\\\")
    text = pc.replace_substring(text, '"', '\\"')
    for char, escape in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = pc.replace_substring(text, char, escape)
    quoted = pc.fill_null(pc.binary_join_element_wise('"', text, '"', ""), "null")
    # Other control characters are rare: escape those few rows in Python.
    control = pc.fill_null(pc.match_substring_regex(array, "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"), False)
    rows = np.flatnonzero(control.to_numpy(zero_copy_only=False))
    if len(rows) == 0:
        return quoted
    values = quoted.to_pylist()
    for row in rows:
        values[row] = json.dumps(array[int(row)].as_py(), ensure_ascii=False)
    return pa.array(values, type=pa.string())


def _meta_json(frame: pd.DataFrame, names: list[str]) -> pa.Array:
    """The ``meta`` column: a JSON object of the unmapped columns, keys sorted."""
    n = len(frame)
    if not names:
        return pa.repeat(pa.scalar("{}"), n)
    parts: list = []
    for index, name in enumerate(sorted(names)):
        key = json.dumps(str(name), ensure_ascii=False)
        parts.append(("{" if index == 0 else ", ") + key + ": ")
        parts.append(_json_values(frame[name]))
    parts.append("}")
    return pc.binary_join_element_wise(*parts, "")


def _clean_strings(values: pd.Series) -> pa.Array:
    """Strings trimmed, empty ones null; non-strings written with ``str``."""
    array, _ = to_string_array(values)
    array = pc.utf8_trim(array, characters=WHITESPACE)
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


def split_long_text(text: str, max_chars: int = MAX_TEXT_CHARS) -> list[str]:
    """Parts of at most ``max_chars`` characters, cut at paragraph, line, sentence or word ends."""
    parts: list[str] = []
    while len(text) > max_chars:
        window = text[:max_chars]
        cut = -1
        for separator in ("\n\n", "\n", ". ", " "):
            cut = window.rfind(separator)
            if cut > max_chars // 2:
                cut += len(separator)
                break
        if cut <= max_chars // 2:
            cut = max_chars
        parts.append(text[:cut].strip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return [p for p in parts if p]


@dataclass
class _Duplicates:
    """Hashes of exact and near-exact text per loaded row, kept compactly across batches."""

    exact: list[np.ndarray] = field(default_factory=list)
    near: list[np.ndarray] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    paths: list[np.ndarray] = field(default_factory=list)
    path_names: dict[str, int] = field(default_factory=dict)

    def add(self, texts: pa.Array, prints: pa.Array, rows: np.ndarray, paths: list[str]) -> None:
        self.exact.append(_hash_strings(texts))
        near = _hash_strings(prints)
        # Texts that are nothing but links or symbols have no near-exact form to compare.
        near[pc.equal(pc.utf8_length(prints), 0).to_numpy(zero_copy_only=False)] = 0
        self.near.append(near)
        self.rows.append(rows)
        codes = np.array([self.path_names.setdefault(p, len(self.path_names)) for p in paths], dtype=np.int64)
        self.paths.append(codes)

    def report(self, report: LoadReport) -> None:
        if not self.exact:
            return
        exact, near = np.concatenate(self.exact), np.concatenate(self.near)
        if len(exact) == 0:
            return
        rows, codes = np.concatenate(self.rows), np.concatenate(self.paths)
        names = {code: name for name, code in self.path_names.items()}

        def where(index: int) -> str:
            row = int(rows[index])
            return f"row {row}" if row >= 0 else names[int(codes[index])]

        exact_first = _first_occurrence(exact)
        for index in np.flatnonzero(exact_first != np.arange(len(exact))):
            first = int(exact_first[index])
            report.add(
                names[int(codes[index])],
                int(rows[index]) if rows[index] >= 0 else None,
                f"duplicate: same text as {where(first)}; kept",
                "warning",
            )
        near_first = _first_occurrence(near)
        candidates = (near_first != np.arange(len(near))) & (near != 0)
        # A near-duplicate that is also an exact duplicate is reported once, as exact.
        candidates &= exact_first == np.arange(len(exact))
        for index in np.flatnonzero(candidates):
            first = int(near_first[index])
            report.add(
                names[int(codes[index])],
                int(rows[index]) if rows[index] >= 0 else None,
                f"near-duplicate: same text as {where(first)} apart from case, spacing, punctuation or links; kept",
                "warning",
            )


def _hash_strings(values: pa.Array) -> np.ndarray:
    """64-bit hashes of strings (SipHash via pandas; collisions at 1M rows: about 1 in 10^7)."""
    return pd.util.hash_array(np.asarray(values.to_numpy(zero_copy_only=False), dtype=object), categorize=False)


def _first_occurrence(hashes: np.ndarray) -> np.ndarray:
    """For each position, the position of the first equal hash."""
    order = np.argsort(hashes, kind="stable")
    sorted_hashes = hashes[order]
    starts = np.r_[True, sorted_hashes[1:] != sorted_hashes[:-1]]
    group_first = order[np.flatnonzero(starts)]
    group_of = np.cumsum(starts) - 1
    first = np.empty_like(order)
    first[order] = group_first[group_of]
    return first


@dataclass
class _Zones:
    """Time-zone spellings seen across batches: which zones, how many rows, the first rows."""

    naive_rows: list[int | None] = field(default_factory=list)
    naive_count: int = 0
    zones: dict[str, list] = field(default_factory=dict)

    def add(self, zones: pd.Series, naive: np.ndarray, rows: np.ndarray) -> None:
        for index in np.flatnonzero(naive):
            self.naive_count += 1
            if len(self.naive_rows) < _SHOWN_ROWS:
                self.naive_rows.append(int(rows[index]) if rows[index] >= 0 else None)
        named = zones[zones.notna()]
        for zone, group in named.groupby(named, sort=True):
            entry = self.zones.setdefault(zone, [0, []])
            entry[0] += len(group)
            # The batch index is positional (reset before conversion), so it indexes ``rows``.
            entry[1].extend(int(rows[p]) for p in group.index[:_SHOWN_ROWS] if rows[p] >= 0)
            del entry[1][_SHOWN_ROWS:]

    def report(self, report: LoadReport, path: str, column: str, time_zone: str | None) -> None:
        if self.naive_count and time_zone is None:
            assumed = "UTC"
            both = " alongside stamps that do" if self.zones else ""
            report.add(
                path,
                self.naive_rows[0] if self.naive_rows else None,
                f"timezone: {self.naive_count} time stamps in column {column!r} carry no zone{both} "
                f"({_rows_text(self.naive_rows) if self.naive_rows else 'first rows'}); read as {assumed}; "
                "give the zone with --time-zone",
                "warning",
            )
        if len(self.zones) > 1:
            listed = "; ".join(
                f"{zone}: {count} rows (first {_rows_text(rows)})" for zone, (count, rows) in sorted(self.zones.items())
            )
            first_rows = [rows[0] for _, rows in self.zones.values() if rows]
            report.add(
                path,
                min(first_rows) if first_rows else None,
                f"timezone: mixed zones in column {column!r}: {listed}; all converted to UTC",
                "warning",
            )


class _BatchConverter:
    """Turns raw reader batches into corpus-schema Arrow tables, naming every problem."""

    def __init__(self, report: LoadReport, *, path: str, options: ReadOptions):
        self.report = report
        self.path = path
        self.options = options
        self.source: dict[str, str | None] | None = None
        self.extra: list[str] = []
        self.seen_ids: list[np.ndarray] = []
        self.duplicates = _Duplicates()
        self.zones = _Zones()
        self.languages = 0
        self.kind: str | None = None

    def _resolve(self, frame: pd.DataFrame) -> None:
        self.source = self.options.columns.resolve(frame, self.path, self.report)
        mapped = set(v for v in self.source.values() if v) - set(self.options.keep_in_meta)
        self.extra = [c for c in frame.columns if c not in mapped and not str(c).startswith("_")]

    def convert(self, frame: pd.DataFrame) -> pa.Table | None:
        """One batch in the corpus schema, or ``None`` when nothing in it was usable."""
        if frame.empty:
            return None
        if self.source is None:
            self._resolve(frame)
        source = self.source
        frame = frame.reset_index(drop=True)
        n = len(frame)
        path = self.path
        report = self.report
        if ROW_COLUMN in frame:
            rows = pd.to_numeric(frame[ROW_COLUMN], errors="coerce").fillna(-1).to_numpy(dtype=np.int64)
        else:
            rows = np.full(n, -1, dtype=np.int64)
        paths = frame[PATH_COLUMN].astype(str).tolist() if PATH_COLUMN in frame else None

        def place(index: int) -> tuple[str, int | None]:
            return (paths[index] if paths else path), (int(rows[index]) if rows[index] >= 0 else None)

        def flag(mask: np.ndarray, problem: str | Callable[[int], str], severity: str = "error") -> None:
            """Name each masked row; ``problem`` is the message, or writes it from the row's index."""
            for index in np.flatnonzero(mask):
                report.add(*place(int(index)), problem(int(index)) if callable(problem) else problem, severity)

        for name in self.extra + [c for c in source.values() if c]:
            if name not in frame:  # a later batch (JSONL) may lack a column the first had
                frame[name] = None
        mapped = set(source.values())
        new = [c for c in frame.columns if c not in mapped and c not in self.extra and not str(c).startswith("_")]
        if new:  # ... or have one the first lacked: it goes to meta like the others
            self.extra.extend(new)
        raw_text = frame[source["text"]]
        not_text = _not_text(raw_text)
        flag(
            not_text,
            lambda i: (
                f"text is not a string: {type(raw_text.iloc[i]).__name__} {_clip(repr(raw_text.iloc[i]))} "
                f"in column {source['text']!r}"
            ),
        )
        text, repaired = to_string_array(raw_text.where(~not_text, None) if not_text.any() else raw_text)
        for index in repaired:
            report.add(*place(index), "encoding: lone surrogate code points replaced with U+FFFD", "warning")
        text = normalise_texts(text)
        # A row without the field (or with null) is a different mistake from one with an empty text.
        missing = text.is_null().to_numpy(zero_copy_only=False) & ~not_text
        flag(missing, f"missing text field: the row has no {source['text']!r} value")
        empty = pc.fill_null(pc.equal(pc.utf8_length(text), 0), False).to_numpy(zero_copy_only=False)
        flag(empty, "empty text")
        keep = ~(empty | missing | not_text)

        if source["time"] is not None:
            raw_times = frame[source["time"]]
            stamps, bad, naive = parse_timestamps(raw_times, assume_tz=self.options.time_zone or "UTC")
            bad_mask = bad.to_numpy() & keep
            flag(
                bad_mask,
                lambda i: (
                    f"unparseable time stamp: {_clip(repr(raw_times.iloc[i]))} in column {source['time']!r}; "
                    "the row was skipped"
                ),
            )
            blank = stamps.isna().to_numpy() & ~bad.to_numpy() & keep
            flag(blank, f"missing time stamp: no value in column {source['time']!r}; kept without a time", "warning")
            keep &= ~bad.to_numpy()
            self.zones.add(timestamp_zones(raw_times)[keep], naive.to_numpy() & keep, rows)
            times = pa.array(stamps, type=pa.timestamp("us", tz="UTC"), from_pandas=True)
        else:
            times = pa.nulls(n, pa.timestamp("us", tz="UTC"))

        def column(field_name: str, default: str | None = None) -> pa.Array:
            name = source[field_name]
            if name is None:
                return pa.repeat(pa.scalar(default, pa.string()), n)
            return _clean_strings(frame[name])

        if self.options.kind is not None:
            kinds = pa.repeat(pa.scalar(self.options.kind, pa.string()), n)
        elif source["kind"] is None:
            kinds = pa.repeat(pa.scalar(self._guess_kind(text, times, keep), pa.string()), n)
        else:
            kinds = pc.fill_null(column("kind"), "article")
        unknown_kind = ~pc.is_in(kinds, value_set=pa.array(KINDS)).to_numpy(zero_copy_only=False) & keep
        flag(unknown_kind, f"unknown kind; expected one of {', '.join(KINDS)}")
        keep &= ~unknown_kind

        ids = column("id")
        if ids.null_count:
            stem = Path(path).stem
            fallback = pc.binary_join_element_wise(f"{stem}:", pc.cast(pa.array(rows), pa.string()), "")
            ids = pc.if_else(pc.is_null(ids), fallback, ids)
        bylines = (
            pa.repeat(pa.scalar(self.options.byline, pa.string()), n)
            if self.options.byline is not None
            else column("byline")
        )
        table = pa.table(
            {
                "id": ids,
                "text": text,
                "byline": bylines,
                "author": column("author"),
                "kind": kinds,
                "timestamp": times,
                "title": column("title"),
                "source": column("source", path),
                "meta": _meta_json(frame, self.extra),
            },
            schema=FEATURES.arrow_schema,
        )
        table = table.filter(pa.array(keep))
        rows, kept_paths = rows[keep], ([p for p, k in zip(paths, keep) if k] if paths else None)

        def kept_place(index: int) -> tuple[str, int | None]:
            return (kept_paths[index] if kept_paths else path), (int(rows[index]) if rows[index] >= 0 else None)

        if source["id"] is not None:  # generated ids are unique by construction
            table = self._dedupe_ids(table, rows, kept_place)
        texts = table.column("text").combine_chunks()
        analysis = analyse_texts(texts)
        if self.options.detect_language:
            table = self._flag_languages(table, texts, analysis, kept_place)
        self.duplicates.add(texts, analysis.fingerprints, rows, kept_paths or [path] * len(rows))
        report.rows_used += table.num_rows
        return self._split_long(table, kept_place)

    def _guess_kind(self, text: pa.Array, times: pa.Array, keep: np.ndarray) -> str:
        """The kind of every row when no column or option names it, decided on the first batch.

        Short, time-stamped texts are posts: read as articles, a tweet file would get the article
        reference corpora and models. The guess is named in the report when it is "tweet".
        """
        if self.kind is None and keep.any():
            kept = pa.array(keep)
            words = pc.list_value_length(pc.utf8_split_whitespace(pc.filter(text, kept))).to_numpy(zero_copy_only=False)
            median = float(np.median(words))
            stamped = pc.filter(times, kept).null_count == 0
            self.kind = "tweet" if stamped and median <= POST_MAX_MEDIAN_WORDS else "article"
            if self.kind == "tweet":
                self.report.add(
                    self.path,
                    None,
                    f"kind: no kind column or --kind; read as 'tweet' (time-stamped texts of {median:.0f} words "
                    "at the median); pass --kind article if these are articles",
                    "warning",
                )
        return self.kind or "article"

    def _dedupe_ids(self, table: pa.Table, rows: np.ndarray, place) -> pa.Table:
        ids = table.column("id").to_numpy()
        hashes = _hash_strings(table.column("id").combine_chunks())
        repeated = pd.Series(hashes).duplicated().to_numpy()
        for seen in self.seen_ids:  # one sorted array per earlier batch
            found = np.searchsorted(seen, hashes)
            repeated |= seen[np.minimum(found, len(seen) - 1)] == hashes
        self.seen_ids.append(np.sort(hashes))
        if not repeated.any():
            return table
        new_ids = ids.copy()
        for index in np.flatnonzero(repeated):
            where, row = place(int(index))
            suffix = f"row{row}" if row is not None else hashlib.sha1(where.encode()).hexdigest()[:8]
            new_ids[index] = f"{ids[index]}#{suffix}"
            self.report.add(
                where, row, f"duplicate id: {ids[index]!r} is taken; the row was kept as {new_ids[index]!r}", "warning"
            )
        return table.set_column(0, "id", pa.array(new_ids, type=pa.string()))

    def _flag_languages(self, table: pa.Table, texts: pa.Array, analysis, place) -> pa.Table:
        found = screen_languages(texts, analysis)
        if not found:
            return table
        meta = table.column("meta").to_pylist()
        for index, language in found:
            self.languages += 1
            self.report.add(
                *place(index),
                f"language: looks like {language}, not English (the default models are English); kept",
                "warning",
            )
            record = json.loads(meta[index])
            record["language_flag"] = language
            meta[index] = json.dumps(record, sort_keys=True, ensure_ascii=False)
        return table.set_column(table.schema.get_field_index("meta"), "meta", pa.array(meta, type=pa.string()))

    def _split_long(self, table: pa.Table, place) -> pa.Table:
        lengths = pc.utf8_length(table.column("text")).to_numpy()
        long_rows = np.flatnonzero(lengths > self.options.max_chars)
        if len(long_rows) == 0:
            return table
        pieces = []
        start = 0
        for index in long_rows:
            index = int(index)
            pieces.append(table.slice(start, index - start))
            row = table.slice(index, 1).to_pylist()[0]
            parts = split_long_text(row["text"], self.options.max_chars)
            self.report.add(
                *place(index),
                f"long text: {len(row['text']):,} characters split into {len(parts)} parts of at most "
                f"{self.options.max_chars:,} (ids {row['id']}#part1 … #part{len(parts)})",
                "warning",
            )
            meta = json.loads(row["meta"])
            records = []
            for number, part in enumerate(parts, start=1):
                meta_part = {**meta, "parent": row["id"], "part": number, "parts": len(parts)}
                records.append(
                    {
                        **row,
                        "id": f"{row['id']}#part{number}",
                        "text": part,
                        "meta": json.dumps(meta_part, sort_keys=True),
                    }
                )
            pieces.append(pa.Table.from_pylist(records, schema=table.schema))
            start = index + 1
        pieces.append(table.slice(start))
        return pa.concat_tables(pieces)

    def finish(self) -> None:
        """Report what only the whole corpus shows: duplicates and mixed time zones."""
        self.duplicates.report(self.report)
        if self.source is not None and self.source["time"] is not None:
            self.zones.report(self.report, self.path, self.source["time"], self.options.time_zone)


def _empty_dataset() -> datasets.Dataset:
    return datasets.Dataset.from_dict({c: [] for c in COLUMNS}, features=FEATURES)


def _dataset_from_tables(tables: list[pa.Table], fingerprint: str) -> datasets.Dataset:
    if not tables:
        return _empty_dataset()
    table = pa.concat_tables(tables).combine_chunks()
    # An explicit fingerprint: otherwise ``datasets`` hashes every byte of the table.
    return datasets.Dataset(
        datasets.table.InMemoryTable(table), info=datasets.DatasetInfo(features=FEATURES), fingerprint=fingerprint
    )


def convert_batches(
    batches: Iterable[pd.DataFrame],
    report: LoadReport,
    *,
    path: str,
    options: ReadOptions = ReadOptions(),
    arrow_path: Path | None = None,
) -> datasets.Dataset:
    """Convert raw batches into a corpus ``Dataset``; memory-mapped from ``arrow_path`` if given."""
    if options.time_zone is not None:
        check_zone(options.time_zone)
    converter = _BatchConverter(report, path=path, options=options)
    if arrow_path is None:
        tables = [t for t in map(converter.convert, batches) if t is not None and t.num_rows]
        converter.finish()
        key = json.dumps([path, repr(options), report.rows_read])
        dataset = _dataset_from_tables(tables, hashlib.sha256(key.encode()).hexdigest()[:16])
    else:
        dataset = _write_arrow(map(converter.convert, batches), arrow_path)
        converter.finish()
    report.documents = len(dataset)
    return dataset


def _write_arrow(tables: Iterable[pa.Table | None], arrow_path: Path) -> datasets.Dataset:
    """Write tables one by one to an Arrow file (atomically) and memory-map it."""
    with atomic_open(arrow_path, "wb", encoding=None) as sink, pa.ipc.new_stream(sink, FEATURES.arrow_schema) as writer:
        for table in tables:
            if table is not None and table.num_rows:
                writer.write_table(table)
    return datasets.Dataset.from_file(str(arrow_path))


def _hub_reachable(timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((HUB_HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def load_hub(name: str, *, split: str = "train", columns: ColumnMap = ColumnMap(), kind: str | None = None) -> Corpus:
    """Load a Hugging Face hub dataset by name; offline, fail fast with a clear message."""
    offline = os.environ.get("HF_DATASETS_OFFLINE") == "1" or os.environ.get("HF_HUB_OFFLINE") == "1"
    if offline or not _hub_reachable():
        reason = "HF_DATASETS_OFFLINE/HF_HUB_OFFLINE is set" if offline else f"{HUB_HOST} cannot be reached"
        raise CorpusError(
            f"cannot load hub dataset {name!r}: offline ({reason}). Download it on a machine with a "
            "network and pass the local file or folder instead.",
            path=name,
        )
    try:
        frame = datasets.load_dataset(name, split=split).to_pandas()
    except Exception as exc:  # the hub raises many error types
        raise CorpusError(f"cannot load hub dataset: {exc}", path=name) from exc
    report = LoadReport(rows_read=len(frame))
    frame[ROW_COLUMN] = range(1, len(frame) + 1)
    return Corpus(
        convert_batches([frame], report, path=name, options=ReadOptions(columns=columns, kind=kind)), report, name
    )


def _stream_target(path: Path, options: ReadOptions) -> Path:
    """The cache file for a streamed corpus, keyed by file identity and load options."""
    stat = path.stat()
    key = json.dumps(
        {"path": str(path.resolve()), "size": stat.st_size, "mtime": stat.st_mtime_ns, "options": repr(options)},
        sort_keys=True,
    )
    return cache_dir() / f"{path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.arrow"


def _parquet_rows(path: Path) -> int:
    """Rows in a Parquet file from its footer, 0 for anything else."""
    if path.suffix.lower() not in (".parquet", ".pq"):
        return 0
    try:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    except Exception:  # a damaged file: the reader names the problem
        return 0


def log_reference_problems(corpus: Corpus) -> None:
    """One debug line for the problems of a corpus the engine itself reads (C50, IRA …).

    Near-duplicates in the reference data are not the user's to fix; the user's own corpus gets
    its problems logged one by one (``load_file``).
    """
    counts = corpus.report.problem_counts()
    if counts:
        listed = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        log.debug(
            "reference corpus %s: %d known problems (%s), kept as they are; `attribution corpus info %s` lists them",
            corpus.name,
            sum(counts.values()),
            listed,
            corpus.name,
        )


def _not_text(values: pd.Series) -> np.ndarray:
    """Rows whose text field holds a number, list or mapping (JSONL, Parquet): read as ``str(value)``
    they would be scored as text the user never wrote, so they are skipped and named instead."""
    if values.dtype != object:
        return values.notna().to_numpy() if not pd.api.types.is_string_dtype(values) else np.zeros(len(values), bool)
    return np.fromiter(
        (not (v is None or isinstance(v, str) or (isinstance(v, float) and v != v)) for v in values),
        dtype=bool,
        count=len(values),
    )


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


#: Caveats on single kept rows shown one by one per kind (as warnings); the rest are counted.
SHOWN_ROW_CAVEATS = 3


def _log_problems(path: Path, report: LoadReport) -> None:
    """Errors and caveats on a whole file (an encoding guessed, a column chosen) as warnings, so
    ``-q`` still shows them; of the caveats on kept rows, the first few of each kind as warnings,
    the rest at debug (``-v``) and counted in one warning."""
    shown: Counter = Counter()
    for problem in report.problems[:50]:
        if problem.severity == "error" or problem.row is None:
            log.warning("%s", problem)
            continue
        shown[problem.kind] += 1
        log.log(logging.WARNING if shown[problem.kind] <= SHOWN_ROW_CAVEATS else logging.DEBUG, "%s", problem)
    if len(report.problems) > 50:
        log.warning("%s: %d more problems; see the load report", path, len(report.problems) - 50)
    caveats = Counter(p.kind for p in report.problems if p.severity == "warning" and p.row is not None)
    for kind, count in sorted(caveats.items()):
        if count > SHOWN_ROW_CAVEATS:
            log.warning(
                "%s: %d more caveats of this kind on kept rows (%s); the load report lists them (and -v shows them)",
                path,
                count - SHOWN_ROW_CAVEATS,
                kind,
            )


def load_file(
    path: str | Path, options: ReadOptions = ReadOptions(), *, stream: bool | None = None, log_problems: bool = True
) -> Corpus:
    """Load a JSONL, CSV or Parquet file, a ``.txt`` file, or a folder of ``.txt`` files.

    ``stream`` writes the corpus batch by batch to a memory-mapped Arrow file in the cache
    folder; by default it is on for files over ``STREAM_BYTES``. ``log_problems=False`` leaves
    the problems to the caller (named corpora summarise theirs with ``log_reference_problems``).
    """
    path = Path(path)
    report = LoadReport()
    if stream is None:
        stream = path.is_file() and (path.stat().st_size > STREAM_BYTES or _parquet_rows(path) > STREAM_ROWS)
    arrow_path = _stream_target(path, options) if stream else None
    dataset = convert_batches(iter_path(path, report), report, path=str(path), options=options, arrow_path=arrow_path)
    if log_problems:
        _log_problems(path, report)
    return Corpus(dataset, report, path.name)
