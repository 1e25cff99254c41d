"""Untrusted files: a tampered model folder fails with a clear error and runs nothing; report HTML
built from a corpus that carries ``<script>`` has no script from the corpus."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import zipfile

import pytest

from attribution.corpus import load_corpus
from attribution.errors import ModelError

from tests.reliability import payloads

persistence = pytest.importorskip("attribution.models.persistence")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    """A real AuthorClassifier (light features, logreg) saved the normal way."""
    from attribution.models.attribute import AuthorClassifier

    data = load_corpus("federalist").dataset
    rows = [i for i, a in enumerate(data["author"]) if a in ("Hamilton", "Madison")][:24]
    subset = data.select(rows)
    model = AuthorClassifier(config="light", method="logreg", open_set=False, cv=2, random_state=0)
    model.fit(subset["text"], subset["author"])
    folder = tmp_path_factory.mktemp("model") / "good"
    persistence.save_model(model, folder)
    return folder


@pytest.fixture
def folder(saved_model, tmp_path, monkeypatch):
    """A fresh copy of the saved model folder, and a marker path payloads would write."""
    copy = tmp_path / "model"
    copy.mkdir()
    for name in ("config.json", "model.skops"):
        (copy / name).write_bytes((saved_model / name).read_bytes())
    monkeypatch.setenv(payloads.MARKER_ENV, str(tmp_path / "PWNED"))
    return copy


def _marker(folder) -> bool:
    return (folder.parent / "PWNED").exists()


def _replace_model(folder, data: bytes, *, fix_checksum: bool) -> None:
    """Swap model.skops; with ``fix_checksum`` also update config.json, as an attacker could."""
    (folder / "model.skops").write_bytes(data)
    if fix_checksum:
        config = json.loads((folder / "config.json").read_text())
        config["model_sha256"] = hashlib.sha256(data).hexdigest()
        (folder / "config.json").write_text(json.dumps(config))


def test_the_untampered_model_loads(saved_model):
    model = persistence.load_model(saved_model)
    assert list(model.classes_) == ["Hamilton", "Madison"]


def test_a_changed_byte_is_refused_by_checksum(folder):
    data = bytearray((folder / "model.skops").read_bytes())
    data[len(data) // 2] ^= 0xFF
    _replace_model(folder, bytes(data), fix_checksum=False)
    with pytest.raises(ModelError, match=r"model\.skops: sha256 .* does not match config\.json.*refusing to load"):
        persistence.load_model(folder)


def test_a_class_outside_the_allow_list_is_refused_before_it_is_built(folder):
    import skops.io as sio

    _replace_model(folder, sio.dumps({"classifier": payloads.Evil()}), fix_checksum=True)
    with pytest.raises(ModelError, match=r"refusing to load types outside the allow-list: .*payloads\.Evil"):
        persistence.load_model(folder)
    assert not _marker(folder)


def test_a_dangerous_function_reference_is_refused(folder):
    import skops.io as sio

    _replace_model(folder, sio.dumps({"hook": os.system}), fix_checksum=True)
    with pytest.raises(ModelError, match=r"outside the allow-list: .*system"):
        persistence.load_model(folder)


def test_a_pickle_in_place_of_the_model_is_never_unpickled(folder):
    bomb = pickle.dumps(payloads.PickleBomb())
    _replace_model(folder, bomb, fix_checksum=True)
    with pytest.raises(ModelError, match=r"model\.skops: not a readable skops file"):
        persistence.load_model(folder)
    # A zip that looks like skops but hides a pickle inside is refused too.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schema.json", json.dumps({"__class__": "dict", "__module__": "builtins",
                                                    "__loader__": "DictNode", "content": {"x": {"__class__": "PickleBomb",
                                                    "__module__": "tests.reliability.payloads", "__loader__": "ReduceNode",
                                                    "__id__": 1}}, "__id__": 0, "protocol": 2}))
        archive.writestr("payload.pkl", bomb)
    _replace_model(folder, buffer.getvalue(), fix_checksum=True)
    with pytest.raises(ModelError):
        persistence.load_model(folder)
    assert not _marker(folder)


def test_a_damaged_config_is_a_clear_error(folder):
    (folder / "config.json").write_bytes(pickle.dumps(payloads.PickleBomb()))
    with pytest.raises(ModelError, match=r"config\.json: not valid JSON"):
        persistence.load_model(folder)
    (folder / "config.json").unlink()
    with pytest.raises(ModelError, match=r"config\.json: missing"):
        persistence.load_model(folder)
    assert not _marker(folder)
