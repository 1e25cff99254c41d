"""``attribution features``: writes the matrix with names and ids; grouping; config errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from attribution.cli import main
from attribution.corpus import load_corpus
from attribution.features import build_features
from attribution.features.matrix_io import read_feature_matrix


@pytest.mark.slow
def test_features_command_writes_the_light_matrix(tmp_path):
    out = tmp_path / "features.parquet"
    result = CliRunner().invoke(main, ["features", "federalist", "--config", "light", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 85 and summary["families"]["mfw"] == 300
    matrix, names, ids, config = read_feature_matrix(out)
    corpus = load_corpus("federalist")
    expected = build_features("light").fit_transform(corpus.texts)
    assert ids == corpus.dataset["id"] and config["name"] == "light"
    assert matrix.shape == expected.shape == (85, len(names)) == (85, summary["features"])
    assert np.allclose(matrix.toarray(), expected.toarray())


@pytest.mark.slow
def test_features_command_groups_tweets(tmp_path, data_dir):
    out = tmp_path / "senate.parquet"
    args = [
        "features",
        "senate",
        "--data",
        str(data_dir),
        "--config",
        "light",
        "--group-by",
        "account",
        "--out",
        str(out),
        "--json",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    matrix, names, ids, _ = read_feature_matrix(out)
    assert matrix.shape[0] == 90 and all("/account/" in i for i in ids)
    assert json.loads(result.stdout)["grouping"]["by"] == "account"


def test_features_command_rejects_an_unknown_config(tmp_path):
    result = CliRunner().invoke(
        main, ["features", "federalist", "--config", "nope", "--out", str(tmp_path / "x.parquet")]
    )
    assert result.exit_code == 2 and "no such preset" in result.output
