"""``bench c50-open``: open-set attribution on C50 with 10 of the 50 authors withheld.

The model is trained on the train/ texts of 40 authors; its "unknown" threshold is learned on
an inner split of those 40 (a quarter of them withheld, and each remaining author's latest 30%
of texts by Reuters document number held out, as test/ texts are later and on partly new
topics), never on test/. The open-set score is the gap between the best two candidates' margins. Scored: the
test/ texts of all 50 authors. ``unknown_recall`` = share of the 10 withheld authors' texts
answered "unknown"; ``known_accuracy`` = share of the 40 known authors' texts answered with the
right author ("unknown" counts as wrong).

The threshold rule (``known_rejection``, 0.2): the threshold answers "unknown" for a fifth of the
inner split's correctly attributed known texts. ``tradeoff_curve`` lists, for each inner
rejection target, the threshold it gives and both keys on the inner split and on test/ (the
curve is reported, never used to choose: the rule and its 0.2 were fixed on train/ only).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

N_WITHHELD = 10


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Withhold 10 authors (seeded), train on 40, score all 50 authors' test texts."""
    from attribution.attribute.classifier import UNKNOWN, AuthorClassifier, document_number, open_set_tradeoff
    from attribution.bench.c50 import load_split
    from attribution.corpus import load_corpus

    start = time.perf_counter()
    train_texts, y_train, test_texts, y_test = load_split(data_dir)
    numbers = np.array([document_number(i) for i in load_corpus("c50-train", data_dir=data_dir).dataset["id"]])
    authors = np.unique(y_train)
    withheld = set(np.random.default_rng(seed).permutation(authors)[:N_WITHHELD])
    keep = np.array([a not in withheld for a in y_train])
    model = AuthorClassifier(method="svm", open_set=True, n_rounds=1, random_state=seed)
    model.fit([t for t, k in zip(train_texts, keep) if k], y_train[keep], order=numbers[keep], progress=progress)
    proba, open_scores = model.score_matrix(model.transform_texts(test_texts))
    labels = model.open_labels(proba, open_scores)
    closed = model.classes_[proba.argmax(axis=1)]
    is_unknown = np.array([a in withheld for a in y_test])
    known = ~is_unknown
    right = closed[known] == y_test[known]

    def on_test(threshold: float) -> dict:
        recall, accuracy = open_set_tradeoff(open_scores[known], right, open_scores[is_unknown], threshold)
        return {"unknown_recall": round(recall, 4), "known_accuracy": round(accuracy, 4)}

    curve = [{**point, **on_test(point["threshold"])} for point in model.open_set_["inner_curve"]]
    return {
        "unknown_recall": round(float((labels[is_unknown] == UNKNOWN).mean()), 4),
        "known_accuracy": round(float((labels[known] == y_test[known]).mean()), 4),
        "known_closed_accuracy": round(float((closed[known] == y_test[known]).mean()), 4),
        "known_answered_unknown": round(float((labels[known] == UNKNOWN).mean()), 4),
        "threshold": round(float(model.threshold_), 4),
        "threshold_rule": model.open_set_["rule"],
        "known_rejection": model.open_set_["known_rejection"],
        "threshold_learned_on": model.open_set_,
        "tradeoff_curve": curve,
        "withheld_authors": sorted(str(a) for a in withheld),
        "n_known_test": int(known.sum()),
        "n_unknown_test": int(is_unknown.sum()),
        "seconds": round(time.perf_counter() - start, 1),
    }
