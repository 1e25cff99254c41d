"""Same seed, same bytes: two fresh processes, each with its own empty caches, agree exactly.

An in-process repeat would reuse cached nulls and parses, so nondeterminism in null sampling,
set ordering or hashing could not show; separate processes with separate caches can show it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"


def _byline(path: Path) -> None:
    """Ten Federalist papers (Hamilton and Madison) under one byline, as a user's JSONL."""
    rows = [json.loads(line) for line in (ROOT / "corpora" / "federalist" / "papers.jsonl").open(encoding="utf-8")]
    chosen = [r for r in rows if r["author_label"] == "HAMILTON"][:5] + [
        r for r in rows if r["author_label"] == "MADISON"
    ][:5]
    path.write_text(
        "".join(json.dumps({"text": r["text"], "byline": "Publius"}) + "\n" for r in chosen), encoding="utf-8"
    )


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "c50").is_dir(), reason="needs ../shared/corpora")
def test_same_seed_same_json_in_fresh_processes(tmp_path):
    byline = tmp_path / "byline.jsonl"
    _byline(byline)
    runs = []
    for name in ("first", "second"):
        home = tmp_path / name
        home.mkdir()
        env = {
            **os.environ,
            "HOME": str(home),
            "ATTRIBUTION_CACHE": str(home / "cache"),
            "HF_DATASETS_CACHE": str(home / "hf"),
            "PYTHONHASHSEED": "random",
            "HF_HUB_OFFLINE": "1",
        }
        runs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "attribution",
                    "composite",
                    str(byline),
                    "--data",
                    str(SHARED),
                    "--seed",
                    "3",
                    "--json",
                    "-q",
                ],
                cwd=home,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    outputs = [run.communicate(timeout=900) for run in runs]
    for run, (_, err) in zip(runs, outputs):
        assert run.returncode == 0, err.decode()[-2000:]
    first, second = (out for out, _ in outputs)
    result = json.loads(first)
    assert result["test"]["p_value"] is not None and len(result["documents"]) == 10
    assert first == second
