"""Faults: a run killed mid-write leaves no half-written output, and a re-run resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from attribution.atomic import write_text
from attribution.corpus import load_corpus
from attribution.features import build_features
from attribution.features.batched import read_parts, transform_batches

REPO = Path(__file__).resolve().parents[2]

#: The child fits the light union on the Federalist Papers and writes parts of 10 rows; on its
#: fifth file write it writes half the bytes and kills itself with SIGKILL (no clean-up runs).
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import attribution.features.batched as batched
    from attribution.corpus import load_corpus
    from attribution.features import build_features

    real = batched.write_bytes
    calls = {"n": 0}

    def dying_write(path, data):
        calls["n"] += 1
        if calls["n"] == 5:
            from attribution.atomic import atomic_open
            with atomic_open(path, "wb", encoding=None) as handle:
                handle.write(data[: len(data) // 2])
                handle.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        real(path, data)

    batched.write_bytes = dying_write
    dataset = load_corpus("federalist").dataset
    union = build_features("light").fit(dataset["text"])
    batched.transform_batches(union, dataset, sys.argv[1], key="federalist-light", batch_size=10)
    """
)


@pytest.mark.slow
def test_killed_feature_run_leaves_whole_parts_and_resumes(tmp_path):
    out = tmp_path / "features"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.run([sys.executable, "-c", CHILD, str(out)], env=env, capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert not (out / "manifest.json").exists()
    state = json.loads((out / "progress.json").read_text())
    assert [p["index"] for p in state["parts"]] == [0, 1]  # parts 0 and 1 finished before the kill
    # Nothing visible is half-written: every part file is whole (the torn write is a hidden temp file).
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == [
        "part-00000.ids.json",
        "part-00000.npz",
        "part-00001.ids.json",
        "part-00001.npz",
        "progress.json",
    ]

    dataset = load_corpus("federalist").dataset
    union = build_features("light").fit(dataset["text"])
    calls = []
    original = union.transform

    def counting(texts):
        calls.append(len(texts))
        return original(texts)

    union.transform = counting
    manifest = transform_batches(union, dataset, out, key="federalist-light", batch_size=10)
    assert calls == [10, 10, 10, 10, 10, 10, 5]  # parts 0 and 1 reused, 2..8 computed
    assert manifest["rows"] == 85
    matrix, ids, names = read_parts(out)
    assert ids == dataset["id"] and matrix.shape == (85, len(names))
    expected = original(dataset["text"])
    assert np.allclose(matrix.toarray(), expected.toarray())


def test_a_tampered_part_is_recomputed_not_trusted(tmp_path):
    dataset = load_corpus("federalist").dataset.select(range(30))
    union = build_features("light").fit(dataset["text"])
    transform_batches(union, dataset, tmp_path, key="k", batch_size=10)
    part = tmp_path / "part-00001.npz"
    part.write_bytes(part.read_bytes()[:-7] + b"garbage")
    calls = []
    original = union.transform
    union.transform = lambda texts: calls.append(len(texts)) or original(texts)
    transform_batches(union, dataset, tmp_path, key="k", batch_size=10)
    assert calls == [10]  # only the tampered part
    matrix, _, _ = read_parts(tmp_path)
    assert np.allclose(matrix.toarray(), original(dataset["text"]).toarray())
    # A different key (other corpus or config) never reuses parts.
    calls.clear()
    transform_batches(union, dataset, tmp_path, key="other", batch_size=10)
    assert calls == [10, 10, 10]


def test_interrupted_atomic_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "result.json"
    write_text(target, "old")

    class Boom(Exception):
        pass

    def chunks():
        yield "new half"
        raise Boom

    from attribution.atomic import atomic_open

    with pytest.raises(Boom):
        with atomic_open(target) as handle:
            for chunk in chunks():
                handle.write(chunk)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


#: The child parses 12 texts through the spaCy parse cache and is killed (SIGKILL) on the sixth
#: entry, after its temporary file is written and before it is renamed into place.
PARSE_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import attribution.features.cache as cache
    from attribution.corpus import load_corpus
    from attribution.features.nlp import parse_texts

    real_replace = os.replace
    calls = {"n": 0}

    def dying_replace(src, dst):
        if str(dst).endswith(".bin"):
            calls["n"] += 1
            if calls["n"] == 6:
                os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)

    cache.os.replace = dying_replace
    texts = [t[:600] for t in load_corpus("federalist").dataset["text"][:12]]
    for _ in parse_texts(texts, cache_dir=sys.argv[1]):
        pass
    """
)


@pytest.mark.slow
def test_parse_cache_survives_a_kill_mid_write_and_resumes(tmp_path):
    from attribution.features.nlp import parse_texts

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.run([sys.executable, "-c", PARSE_CHILD, str(tmp_path)], env=env, capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL, child.stderr
    entries = sorted(tmp_path.rglob("*.bin"))
    assert len(entries) == 5  # five whole entries; the sixth is only a hidden temporary file
    assert len([p for p in tmp_path.rglob("*.tmp")]) == 1

    texts = [t[:600] for t in load_corpus("federalist").dataset["text"][:12]]
    stats: dict = {}
    resumed = dict(parse_texts(texts, cache_dir=tmp_path, stats=stats))
    assert stats == {"hits": 5, "misses": 7, "corrupt": 0}  # resumed from the cache, nothing trusted blindly
    fresh = dict(parse_texts(texts, cache=False))
    for i in range(12):
        assert [(t.text, t.tag_, t.dep_) for t in resumed[i]] == [(t.text, t.tag_, t.dep_) for t in fresh[i]]
    again: dict = {}
    for _ in parse_texts(texts, cache_dir=tmp_path, stats=again):
        pass
    assert again["hits"] == 12
