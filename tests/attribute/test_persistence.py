"""Model folders: round trip without pickle; tampered, damaged or unknown-type files are refused."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from attribution.attribute.persistence import CONFIG_FILE, MODEL_FILE, VOCAB_FILE, load_model, save_model
from attribution.errors import ModelError

CALLS: list[str] = []


class Booby:
    """A type outside the allow-list; loading must never construct it."""

    def __setstate__(self, state):
        CALLS.append("setstate")
        self.__dict__.update(state)


@pytest.fixture(scope="module")
def saved(fitted_svm, tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    save_model(fitted_svm, folder)
    return folder


def test_round_trip_gives_identical_probabilities(saved, fitted_svm, c50_small):
    loaded = load_model(saved)
    test = c50_small[2]
    np.testing.assert_array_equal(loaded.predict_proba(test), fitted_svm.predict_proba(test))
    assert loaded.threshold_ == fitted_svm.threshold_
    config = json.loads((saved / CONFIG_FILE).read_text())
    assert config["feature_names"] == fitted_svm.feature_names_
    assert config["model"]["classes"] == list(fitted_svm.classes_)
    assert {"scikit-learn", "skops", "attribution"} <= set(config["versions"])
    assert not any(p.suffix in (".pkl", ".pickle", ".joblib") for p in saved.iterdir())


def _copy(saved, tmp_path):
    folder = tmp_path / "copy"
    folder.mkdir()
    for name in (CONFIG_FILE, MODEL_FILE, VOCAB_FILE):
        (folder / name).write_bytes((saved / name).read_bytes())
    return folder


def test_tampered_model_file_is_refused(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    data = bytearray((folder / MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256 .* does not match"):
        load_model(folder)
    (tmp_path / "vocab").mkdir()
    folder = _copy(saved, tmp_path / "vocab")
    (folder / VOCAB_FILE).write_bytes((folder / VOCAB_FILE).read_bytes() + b"x")
    with pytest.raises(ModelError, match="vocab.npz: sha256 does not match"):
        load_model(folder)


def test_unknown_type_is_refused_before_anything_runs(saved, tmp_path, fitted_svm):
    import skops.io as sio

    folder = _copy(saved, tmp_path)
    # A model file that holds a type outside the allow-list, with a matching checksum: only
    # the allow-list stands between it and construction.
    data = sio.dumps({"model": fitted_svm.estimator_, "payload": Booby()})
    (folder / MODEL_FILE).write_bytes(data)
    config = json.loads((folder / CONFIG_FILE).read_text())
    config["model_sha256"] = hashlib.sha256(data).hexdigest()
    (folder / CONFIG_FILE).write_text(json.dumps(config))
    with pytest.raises(ModelError, match="outside the allow-list: .*Booby"):
        load_model(folder)
    assert CALLS == []


def test_damaged_or_missing_folders_fail_clearly(saved, tmp_path):
    with pytest.raises(ModelError, match="no such model folder"):
        load_model(tmp_path / "nothing")
    folder = _copy(saved, tmp_path)
    (folder / CONFIG_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON"):
        load_model(folder)
    (folder / CONFIG_FILE).write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ModelError, match="not an attribution model config"):
        load_model(folder)
    (tmp_path / "second").mkdir()
    folder = _copy(saved, tmp_path / "second")
    (folder / MODEL_FILE).unlink()
    with pytest.raises(ModelError, match="missing"):
        load_model(folder)


def test_folders_saved_before_the_package_split_still_load(saved, tmp_path, fitted_svm, c50_small):
    """model.skops records each class's module; folders saved when the model code lived in
    ``attribution.models`` name those modules, and load as the classes they became."""
    import io
    import zipfile

    from attribution.attribute.persistence import LEGACY_MODULES

    folder = _copy(saved, tmp_path)
    source, out = zipfile.ZipFile(io.BytesIO((folder / MODEL_FILE).read_bytes())), io.BytesIO()
    with source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "schema.json":
                text = content.decode("utf-8")
                for old, new in LEGACY_MODULES.items():
                    text = text.replace(f'"{new}"', f'"{old}"')
                content = text.encode("utf-8")
            target.writestr(info, content)
    data = out.getvalue()
    assert b'"attribution.models.attribute"' in data
    (folder / MODEL_FILE).write_bytes(data)
    config = json.loads((folder / CONFIG_FILE).read_text())
    config["model_sha256"] = hashlib.sha256(data).hexdigest()
    (folder / CONFIG_FILE).write_text(json.dumps(config))
    loaded = load_model(folder)
    assert type(loaded) is type(fitted_svm)
    test = c50_small[2]
    np.testing.assert_array_equal(loaded.predict_proba(test), fitted_svm.predict_proba(test))
