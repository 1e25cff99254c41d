"""``bench federalist``: the disputed Federalist Papers, trained on the undisputed papers only.

Training set: the 51 Hamilton, 14 Madison and 5 Jay papers. Scored: the 12 disputed papers
(49-58, 62, 63) and the 3 joint papers (18-20). The historical consensus since Mosteller &
Wallace (1964) gives all 12 disputed papers to Madison; bitig reports 11 of 11 on its split.
The main model is the calibrated linear SVM (``attribution`` preset, open set on); the stylo
baselines are reported beside it.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import numpy as np

from attribution.corpus import load_corpus
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

BASELINES = ("delta", "cosine_delta", "nsc")


def _papers(model, texts, rows) -> list[dict]:
    ranked = model.rank(*model.score_matrix(model.transform_texts(texts)), top=len(model.classes_))
    out = []
    for row, result in zip(rows, ranked):
        out.append(
            {
                "paper": row["paper"],
                "prediction": result["prediction"],
                "top_candidate": result["top_candidate"],
                "probabilities": {c["author"]: c["probability"] for c in result["candidates"]},
            }
        )
    return out


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Train on undisputed papers; attribute the disputed and the joint papers."""
    from attribution.models.attribute import AuthorClassifier

    start = time.perf_counter()
    dataset = load_corpus("federalist").dataset
    rows = [{"text": r["text"], "paper": json.loads(r["meta"])["paper"], "label": json.loads(r["meta"])["label"]} for r in dataset]
    train = [r for r in rows if r["label"] in ("Hamilton", "Madison", "Jay")]
    disputed = [r for r in rows if r["label"] == "disputed"]
    joint = [r for r in rows if r["label"] == "joint"]

    model = AuthorClassifier(method="svm", open_set=True, n_rounds=3, random_state=seed)
    model.fit([r["text"] for r in train], [r["label"] for r in train], progress=progress)
    disputed_papers = _papers(model, [r["text"] for r in disputed], disputed)
    joint_papers = _papers(model, [r["text"] for r in joint], joint)
    to_madison = sum(p["top_candidate"] == "Madison" for p in disputed_papers)

    baselines = {}
    for method in BASELINES:
        base = AuthorClassifier(method=method, open_set=False, random_state=seed)
        base.fit([r["text"] for r in train], [r["label"] for r in train])
        proba = base.predict_proba([r["text"] for r in disputed])
        madison = list(base.classes_).index("Madison")
        baselines[method] = {
            "disputed_to_madison": int((base.classes_[proba.argmax(axis=1)] == "Madison").sum()),
            "madison_probability": {str(r["paper"]): round(float(p), 4) for r, p in zip(disputed, proba[:, madison])},
        }
    return {
        "disputed": len(disputed_papers),
        "disputed_to_madison": int(to_madison),
        "disputed_papers": disputed_papers,
        "joint_papers": joint_papers,
        "open_set": model.open_set_,
        "model": {"method": "svm", "features": model.feature_config_["name"], "calibration": "temperature"},
        "train": {label: sum(r["label"] == label for r in train) for label in ("Hamilton", "Madison", "Jay")},
        "baselines": baselines,
        "published": {"Mosteller & Wallace 1964": "12 of 12 to Madison", "bitig": "11 of 11 on its split"},
        "seconds": round(time.perf_counter() - start, 1),
    }
