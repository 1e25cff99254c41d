"""Untrusted files: a tampered model folder fails with a clear error and runs nothing; report HTML
built from a corpus that carries ``<script>`` has no script from the corpus."""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import pickle
import zipfile
from html.parser import HTMLParser

import pytest

from attribution.attribute import persistence  # noqa: E402
from attribution.corpus import load_corpus
from attribution.errors import ModelError
from tests.reliability import payloads

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    """A real AuthorClassifier (light features, logreg) saved the normal way."""
    from attribution.attribute.classifier import AuthorClassifier

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
    for path in saved_model.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
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
        archive.writestr(
            "schema.json",
            json.dumps(
                {
                    "__class__": "dict",
                    "__module__": "builtins",
                    "__loader__": "DictNode",
                    "content": {
                        "x": {
                            "__class__": "PickleBomb",
                            "__module__": "tests.reliability.payloads",
                            "__loader__": "ReduceNode",
                            "__id__": 1,
                        }
                    },
                    "__id__": 0,
                    "protocol": 2,
                }
            ),
        )
        archive.writestr("payload.pkl", bomb)
    _replace_model(folder, buffer.getvalue(), fix_checksum=True)
    with pytest.raises(ModelError):
        persistence.load_model(folder)
    assert not _marker(folder)


def test_a_pickled_array_in_the_vocabulary_is_never_unpickled(folder):
    import numpy as np

    buffer = io.BytesIO()
    np.savez(buffer, names=np.array([payloads.PickleBomb()], dtype=object))
    data = buffer.getvalue()
    (folder / "vocab.npz").write_bytes(data)
    with pytest.raises(ModelError, match=r"vocab\.npz: sha256 does not match"):
        persistence.load_model(folder)
    config = json.loads((folder / "config.json").read_text())
    config["vocab_sha256"] = hashlib.sha256(data).hexdigest()  # the attacker fixes the checksum too
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match=r"vocab\.npz: not a readable array archive"):
        persistence.load_model(folder)
    assert not _marker(folder)


def test_score_with_a_tampered_model_exits_1_and_scores_nothing(folder, tmp_path):
    from click.testing import CliRunner

    from attribution.cli import main

    article = tmp_path / "article.txt"
    article.write_text("A short article to score.", encoding="utf-8")
    data = bytearray((folder / "model.skops").read_bytes())
    data[100] ^= 0x01
    (folder / "model.skops").write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["score", str(article), "--model", str(folder), "--json"])
    assert result.exit_code == 1, result.output
    assert "does not match config.json" in result.stderr and "refusing to load it" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output


def test_a_damaged_config_is_a_clear_error(folder):
    (folder / "config.json").write_bytes(pickle.dumps(payloads.PickleBomb()))
    with pytest.raises(ModelError, match=r"config\.json: not valid JSON"):
        persistence.load_model(folder)
    (folder / "config.json").unlink()
    with pytest.raises(ModelError, match=r"config\.json: missing"):
        persistence.load_model(folder)
    assert not _marker(folder)


# --- Report HTML from a poisoned corpus -----------------------------------------------------

XSS = "<script>alert(1)</script>"


class _Tags(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _poisoned_corpus(path, n=12):
    papers = load_corpus("federalist").dataset
    rows = []
    for i in range(n):
        text = papers[i]["text"][:3000]
        if i == 0:
            text = f'{XSS} {text} <img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a>'
        rows.append(
            {
                "id": f"doc{i}" + (XSS if i == 1 else ""),
                "text": text,
                "byline": f"Publius{XSS}",
                "title": f"Paper {i} {XSS}",
            }
        )
    rows.append({"id": f"empty{XSS}", "text": "", "byline": f"Publius{XSS}"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_report_from_a_corpus_with_script_runs_nothing_from_it(tmp_path):
    from attribution.composite.article import test_composite
    from attribution.report.html import write_report

    corpus = load_corpus(_poisoned_corpus(tmp_path / "poisoned.jsonl"))
    result = test_composite(corpus, seed=0, n_null=20).to_dict()
    page = write_report(tmp_path / "report.html", result).read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    assert not [t for t, _ in parser.tags if t in ("script", "iframe", "object", "embed", "img", "base")]
    assert not [(t, a) for t, attrs in parser.tags for a, _ in attrs if a.lower().startswith("on")]
    assert not [v for _, attrs in parser.tags for _, v in attrs if v and "javascript:" in v.lower()]
    # The corpus text is there, shown as text: in titles, ids, the byline and the load problems.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f"Paper 3 {XSS}" in html.unescape(page)
    assert "empty text" in page


def test_serve_refuses_a_tampered_model_before_listening(folder, tmp_path, monkeypatch):
    """The CLI path: `attribution serve --model DIR` with a hostile model exits 1 with the reason."""
    import skops.io as sio
    import uvicorn
    from click.testing import CliRunner

    from attribution.cli import main

    def never(*args, **kwargs):
        raise AssertionError("the server must not start with a refused model")

    monkeypatch.setattr(uvicorn, "run", never)
    _replace_model(folder, sio.dumps({"classifier": payloads.Evil()}), fix_checksum=True)
    result = CliRunner().invoke(main, ["serve", "--model", str(folder), "--db", str(tmp_path / "cases.sqlite3")])
    assert result.exit_code == 1, result.output
    assert "refusing to load types outside the allow-list" in result.stderr and "payloads.Evil" in result.stderr
    assert "Traceback" not in result.output
    assert not _marker(folder)
