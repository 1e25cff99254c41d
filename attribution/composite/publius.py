"""The Publius case: the 85 Federalist Papers under one byline, operators from undisputed papers."""

from __future__ import annotations

import json
import time

from attribution.composite.article import test_composite
from attribution.corpus import load_corpus
from attribution.progress import ProgressFactory, no_progress

OPERATORS = ("Hamilton", "Madison", "Jay")
#: A joint paper counts as flagged when it sits between clusters or no operator is this sure of it.
SPLIT_PROBABILITY = 0.6
#: Jay counts as found when this many of his 5 papers share a cluster of their own.
JAY_TOGETHER = 4


def _main_cluster(clusters: list[int]) -> int:
    """The cluster holding most of the given documents."""
    return max(set(clusters), key=clusters.count)


def jay_found(docs: list[dict], labels: list[str]) -> bool:
    """At least ``JAY_TOGETHER`` of Jay's papers in one cluster, not Hamilton's nor Madison's main one."""
    by_label = {name: [d["cluster"] for d, label in zip(docs, labels) if label == name] for name in OPERATORS}
    jay = _main_cluster(by_label["Jay"])
    together = by_label["Jay"].count(jay) >= JAY_TOGETHER
    return together and jay not in (_main_cluster(by_label["Hamilton"]), _main_cluster(by_label["Madison"]))


def single_writer_p(writer: str, *, seed: int = 0) -> float:
    """In-genre negative control: the composite test's p-value, operators as in the case, on one writer's
    undisputed papers alone as the byline (H0 true, so it should stay "one writer")."""
    corpus = load_corpus("federalist")
    labels = [json.loads(m)["label"] for m in corpus.dataset["meta"]]
    operators = corpus.dataset.select([i for i, label in enumerate(labels) if label in OPERATORS])
    byline = corpus.dataset.select([i for i, label in enumerate(labels) if label == writer])
    result = test_composite(byline, operators=operators, seed=seed, n_subsamples=0, rolling=False)
    return result.to_dict()["test"]["p_value"]


def run_publius(*, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Composite test of "Publius" with {Hamilton, Madison, Jay}; the result and a summary.

    Everything it reads ships with the package: the papers and the article reference."""
    corpus = load_corpus("federalist")
    labels = [json.loads(m)["label"] for m in corpus.dataset["meta"]]
    operators = corpus.dataset.select([i for i, label in enumerate(labels) if label in OPERATORS])
    started = time.perf_counter()
    result = test_composite(corpus, operators=operators, seed=seed, progress=progress).to_dict()
    seconds = time.perf_counter() - started
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
        "p_style": result["test"]["style_p_value"],
        "style_views": result["test"].get("style_views"),
        "style_null_sets": result["test"]["n_null"],
        "operator_p_value": result["test"]["operator_p_value"],
        "k": result["k"]["estimate"],
        "k_interval": result["k"]["interval"],
        "k_style_only": result["k"]["style_only"]["estimate"],
        "jay_found": jay_found(docs, labels),
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
        "seconds": round(seconds, 1),
    }
    return {"summary": summary, "result": result}
