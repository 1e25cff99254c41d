"""Corpus stage: load any source into the one document schema, validate, describe, group."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from attribution.corpus.columns import ColumnMap
from attribution.corpus.load import Corpus, ReadOptions, load_file, load_hub
from attribution.corpus.report import LoadReport, RowProblem
from attribution.corpus.schema import COLUMNS, FEATURES, Document, documents_to_dataset, row_meta
from attribution.errors import CorpusError

HUB_PREFIX = "hf:"
#: Entry-point group of named corpora (``pyproject.toml``); loaded only when named.
CORPUS_ENTRY_POINTS = "attribution.corpora"

__all__ = [
    "COLUMNS",
    "FEATURES",
    "ColumnMap",
    "Corpus",
    "CorpusError",
    "Document",
    "LoadReport",
    "ReadOptions",
    "RowProblem",
    "documents_to_dataset",
    "load_corpus",
    "row_meta",
]


def named_loaders() -> dict[str, EntryPoint]:
    """Corpus name -> the entry point of its loader ``(data_dir) -> Corpus``."""
    return {point.name: point for point in entry_points(group=CORPUS_ENTRY_POINTS)}


def load_corpus(
    spec: str | Path,
    *,
    data_dir: str | Path | None = None,
    columns: ColumnMap = ColumnMap(),
    kind: str | None = None,
    byline: str | None = None,
    time_zone: str | None = None,
    detect_language: bool = True,
    stream: bool | None = None,
    keep_in_meta: tuple[str, ...] = (),
) -> Corpus:
    """Load a corpus by name (``federalist``, ``c50``, ``c50-train``, ``c50-test``, ``ira``,
    ``senate``), by path (JSONL, CSV, Parquet, folder of ``.txt``), or from the hub (``hf:NAME``).

    ``time_zone`` is the zone of time stamps that name none (default: read as UTC, with a
    warning); ``detect_language`` flags non-English rows; ``stream`` memory-maps the corpus from
    an Arrow file (default: for files over 512 MiB); ``keep_in_meta`` names file columns kept in
    ``meta`` even when they feed a field.
    """
    text = str(spec)
    loaders = named_loaders()
    if text in loaders:
        return loaders[text].load()(data_dir)
    if text.startswith(HUB_PREFIX):
        return load_hub(text[len(HUB_PREFIX) :], columns=columns, kind=kind)
    path = Path(text).expanduser()
    if path.exists():
        options = ReadOptions(
            columns=columns,
            kind=kind,
            byline=byline,
            time_zone=time_zone,
            detect_language=detect_language,
            keep_in_meta=keep_in_meta,
        )
        return load_file(path, options, stream=stream)
    names = ", ".join(sorted(loaders))
    raise CorpusError(
        f"no such file or folder, and not a known corpus name ({names}); "
        f"for a hub dataset write {HUB_PREFIX}OWNER/NAME",
        path=text,
    )
