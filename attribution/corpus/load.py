"""Load any supported source into a validated corpus ``Dataset`` with a ``LoadReport``."""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

import datasets
import numpy as np
import pandas as pd

from attribution.corpus.columns import ColumnMap
from attribution.corpus.readers import PATH_COLUMN, ROW_COLUMN, read_path
from attribution.corpus.report import LoadReport
from attribution.corpus.schema import COLUMNS, FEATURES, KINDS
from attribution.corpus.text import normalise_text
from attribution.corpus.timestamps import parse_timestamps
from attribution.errors import CorpusError

log = logging.getLogger(__name__)

HUB_HOST = "huggingface.co"


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


def frame_to_corpus(
    frame: pd.DataFrame,
    report: LoadReport,
    *,
    path: str,
    columns: ColumnMap = ColumnMap(),
    kind: str | None = None,
    byline: str | None = None,
    name: str = "",
    time_zone: str | None = None,
) -> Corpus:
    """Map, validate and convert raw rows; every unusable row is named in ``report``.

    ``time_zone`` is the zone of time stamps that carry none; when it is not given they are read
    as UTC with a warning.
    """
    if frame.empty:
        dataset = datasets.Dataset.from_dict({c: [] for c in COLUMNS}, features=FEATURES)
        return Corpus(dataset, report, name)
    source = columns.resolve(frame, path)
    rows = frame[ROW_COLUMN] if ROW_COLUMN in frame else pd.Series([None] * len(frame))
    paths = frame[PATH_COLUMN] if PATH_COLUMN in frame else pd.Series([path] * len(frame), index=frame.index)
    keep = np.ones(len(frame), dtype=bool)

    def flag(mask: np.ndarray, problem: str, severity: str = "error") -> None:
        for index in np.flatnonzero(mask):
            row = rows.iloc[index]
            report.add(paths.iloc[index], None if pd.isna(row) else int(row), problem, severity)

    text = frame[source["text"]].astype("object").where(frame[source["text"]].notna(), "")
    text = text.map(lambda value: normalise_text(str(value)))
    empty = (text == "").to_numpy()
    flag(empty, "empty text")
    keep &= ~empty

    if source["time"] is not None:
        stamps, bad, naive = parse_timestamps(frame[source["time"]], assume_tz=time_zone or "UTC")
        flag(bad.to_numpy() & keep, f"unparseable time stamp in column {source['time']!r}")
        keep &= ~bad.to_numpy()
        if naive.any() and time_zone is None:
            first = int(np.flatnonzero(naive.to_numpy())[0])
            report.add(
                path,
                None if pd.isna(rows.iloc[first]) else int(rows.iloc[first]),
                f"timezone: {int(naive.sum())} time stamps carry no zone and were read as UTC",
                "warning",
            )
    else:
        stamps = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")

    def column(field_name: str, default: str | None = None) -> pd.Series:
        name_ = source[field_name]
        if name_ is None:
            return pd.Series([default] * len(frame), index=frame.index, dtype="object")
        values = frame[name_].astype("object")
        values = values.where(values.notna(), None)
        return values.map(lambda v: None if v is None or str(v).strip() == "" else str(v).strip())

    kinds = column("kind", kind or "article")
    if kind is not None:
        kinds = pd.Series([kind] * len(frame), index=frame.index, dtype="object")
    unknown_kind = (~kinds.isin(KINDS)).to_numpy() & keep
    flag(unknown_kind, f"unknown kind; expected one of {', '.join(KINDS)}")
    keep &= ~unknown_kind

    ids = column("id")
    missing_id = ids.isna()
    ids = ids.where(~missing_id, pd.Series([f"{Path(path).stem}:{r}" for r in rows], index=frame.index))
    bylines = column("byline", byline)
    if byline is not None:
        bylines = pd.Series([byline] * len(frame), index=frame.index, dtype="object")
    mapped = set(v for v in source.values() if v)
    extra = [c for c in frame.columns if c not in mapped and not c.startswith("_")]
    meta = frame[extra].astype("object").where(frame[extra].notna(), None) if extra else None
    out = pd.DataFrame(
        {
            "id": ids.astype(str),
            "text": text,
            "byline": bylines,
            "author": column("author"),
            "kind": kinds,
            "timestamp": stamps,
            "title": column("title"),
            "source": column("source", path),
            "meta": [json.dumps(r, sort_keys=True, default=str) for r in meta.to_dict("records")]
            if meta is not None
            else ["{}"] * len(frame),
        }
    )[keep]
    duplicated = out["id"].duplicated(keep="first").to_numpy()
    if duplicated.any():
        flag_idx = np.flatnonzero(keep)[duplicated]
        mask = np.zeros(len(frame), dtype=bool)
        mask[flag_idx] = True
        flag(mask, "duplicate id: the row was kept with a suffixed id", "warning")
        counts = out.groupby("id").cumcount().astype(str)
        out["id"] = np.where(duplicated, out["id"] + "#" + counts, out["id"])
    report.rows_used += len(out)
    dataset = datasets.Dataset.from_pandas(out.reset_index(drop=True), features=FEATURES, preserve_index=False)
    return Corpus(dataset, report, name)


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
    return frame_to_corpus(frame, report, path=name, columns=columns, kind=kind, name=name)


def load_file(
    path: str | Path,
    *,
    columns: ColumnMap = ColumnMap(),
    kind: str | None = None,
    byline: str | None = None,
    time_zone: str | None = None,
) -> Corpus:
    """Load a JSONL, CSV or Parquet file, or a folder of ``.txt`` files."""
    path = Path(path)
    report = LoadReport()
    frame = read_path(path, report)
    corpus = frame_to_corpus(
        frame, report, path=str(path), columns=columns, kind=kind, byline=byline, name=path.name, time_zone=time_zone
    )
    for problem in report.problems:
        log.log(logging.WARNING if problem.severity == "error" else logging.INFO, "%s", problem)
    return corpus
