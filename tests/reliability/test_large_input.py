"""Large input: streamed loading gives the same corpus memory-mapped; batched features give the
same matrix as the in-memory path."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
from click.testing import CliRunner

from attribution.cli import main
from attribution.corpus import ColumnMap, load_corpus, readers
from attribution.features.batched import iter_batches
from attribution.features.matrix_io import read_feature_matrix


def _tweets(data_dir, n=3000):
    table = pq.read_table(data_dir / "tweets" / "ira_english.parquet", columns=["content", "author", "publish_date"])
    return table.slice(100_000, n)


def test_streamed_load_equals_in_memory_load_and_is_memory_mapped(data_dir, tmp_path, monkeypatch):
    path = tmp_path / "tweets.parquet"
    pq.write_table(_tweets(data_dir), path)
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(readers, "BATCH_ROWS", 700)  # several batches
    columns = ColumnMap(text="content", author="author", byline="author", time="publish_date")
    memory = load_corpus(path, columns=columns, kind="tweet", stream=False)
    streamed = load_corpus(path, columns=columns, kind="tweet", stream=True)
    assert memory.dataset.cache_files == []
    (cache_file,) = streamed.dataset.cache_files
    assert cache_file["filename"].startswith(str(tmp_path / "cache" / "corpora"))
    assert streamed.dataset.to_pandas().equals(memory.dataset.to_pandas())
    assert streamed.report.to_dict() == memory.report.to_dict()
    assert memory.report.rows_used == 3000
    ids = [i for batch in iter_batches(streamed.dataset, batch_size=1000) for i in batch["id"]]
    assert ids == memory.dataset["id"]


def test_batched_features_command_equals_the_in_memory_matrix(data_dir, tmp_path):
    path = tmp_path / "tweets.parquet"
    pq.write_table(_tweets(data_dir, 400), path)
    common = ["features", str(path), "--text-col", "content", "--byline-col", "author", "--config", "light", "--json"]
    whole = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "whole.parquet")])
    batched = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "batched.parquet"), "--batch-rows", "64"])
    assert whole.exit_code == 0 and batched.exit_code == 0, whole.output + batched.output
    assert json.loads(batched.stdout)["batch_rows"] == 64
    a, names_a, ids_a, _ = read_feature_matrix(tmp_path / "whole.parquet")
    b, names_b, ids_b, _ = read_feature_matrix(tmp_path / "batched.parquet")
    assert names_a == names_b and ids_a == ids_b
    assert np.allclose(a.toarray(), b.toarray())
    assert pq.ParquetFile(tmp_path / "batched.parquet").num_row_groups == 7  # 400 rows in batches of 64
