"""The Publius case: the 85 Federalist Papers under one byline, operators from undisputed papers."""

from __future__ import annotations

import json
from pathlib import Path

from attribution.corpus import load_corpus
from attribution.models.composite import test_composite
from attribution.progress import ProgressFactory, no_progress

OPERATORS = ("Hamilton", "Madison", "Jay")
#: A joint paper counts as flagged when it sits between clusters or no operator is this sure of it.
SPLIT_PROBABILITY = 0.6


def run_publius(data_dir: str | Path | None = None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Composite test of "Publius" with {Hamilton, Madison, Jay}; the result and a summary."""
    corpus = load_corpus("federalist")
    labels = [json.loads(m)["label"] for m in corpus.dataset["meta"]]
    operators = corpus.dataset.select([i for i, label in enumerate(labels) if label in OPERATORS])
    result = test_composite(
        corpus, operators=operators, data_dir=None if data_dir is None else str(data_dir), seed=seed, progress=progress
    ).to_dict()
    docs = result["documents"]
    disputed = [d for d, label in zip(docs, labels) if label == "disputed"]
    joint = [d for d, label in zip(docs, labels) if label == "joint"]
    flagged = [
        d["id"]
        for d in joint
        if d["between_clusters"] or max((d["operator_probabilities"] or {"": 0.0}).values()) < SPLIT_PROBABILITY
    ]
    summary = {
        "p_value": result["test"]["p_value"],
        "style_p_value": result["test"]["style_p_value"],
        "operator_p_value": result["test"]["operator_p_value"],
        "k": result["k"]["estimate"],
        "k_interval": result["k"]["interval"],
        "k_style_only": result["k"]["style_only"]["estimate"],
        "operators_present": [n for n, v in result["operators"]["presence"].items() if v["present"]],
        "out_of_fold_documents": result["operators"]["out_of_fold_documents"],
        "level": result["verdict"]["level"],
        "mapping": {str(c["cluster"]): c["operator"] for c in result["clusters"]},
        "disputed_to_madison": sum(d["operator"] == "Madison" for d in disputed),
        "disputed": len(disputed),
        "disputed_assignments": {d["id"]: d["operator"] for d in disputed},
        "joint_flagged": len(flagged),
        "joint": len(joint),
        "joint_flagged_ids": flagged,
        "operators_explained_p": result["operators"]["explained"]["p_value"],
        "single_operator_p": result["operators"]["single_operator"]["p_value"],
    }
    return {"summary": summary, "result": result}
