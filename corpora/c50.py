"""Reuters C50 (RCV1 CCAT subset): ``c50/{train,test}/<Author>/<id>.txt`` in the data folder."""

from __future__ import annotations

import json
from pathlib import Path

import datasets

from attribution.corpora import resolve_data_dir
from attribution.corpus.load import Corpus, load_file, log_reference_problems
from attribution.corpus.report import LoadReport

SPLITS = ("train", "test")


def load_c50(data_dir: str | Path | None = None, *, split: str | None = None) -> Corpus:
    """One split, or both with ``meta.split`` telling them apart."""
    root = resolve_data_dir(data_dir, need="c50") / "c50"
    parts = []
    report = LoadReport()
    for name in SPLITS if split is None else (split,):
        corpus = load_file(root / name, log_problems=False)
        report.merge(corpus.report)

        def tag(row: dict, name: str = name) -> dict:
            row["id"] = f"{name}/{row['id']}"
            row["byline"] = row["author"]
            row["source"] = "Reuters C50"
            row["meta"] = json.dumps({"split": name})
            return row

        parts.append(corpus.dataset.map(tag, desc=f"c50 {name}"))
    dataset = parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)
    corpus = Corpus(dataset, report, "c50" if split is None else f"c50-{split}")
    log_reference_problems(corpus)
    return corpus


def load_c50_train(data_dir: str | Path | None = None) -> Corpus:
    """The 2,500 training articles (the named corpus ``c50-train``)."""
    return load_c50(data_dir, split="train")


def load_c50_test(data_dir: str | Path | None = None) -> Corpus:
    """The 2,500 test articles (the named corpus ``c50-test``)."""
    return load_c50(data_dir, split="test")
