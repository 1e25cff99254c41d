"""``bench verify``: General Impostors on balanced C50 same/different-author pairs.

The 50 authors are split (seeded) into 25 impostor authors, whose train/ texts form the impostor
pool, and 25 candidates. For each candidate the known side is its 50 train/ texts; questioned are
20 of its own test/ texts (same author) and 20 test/ texts of other candidates (different
author): 1,000 pairs, balanced. A different-author text's real author is never in the impostor
pool, as in real use. ``nearest_writer`` repeats the test with the different-author texts taken
from each candidate's nearest fellow candidate instead, without and with that colleague's train/
texts among the impostors. Calibration uses train/ texts only (see ``attribution.verify.impostors``): the
candidate's own pairs and pairs among the impostor authors (``reference_pairs``, computed once).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

N_CANDIDATES = 25
PER_SIDE = 20
PUBLISHED = {"PAN 2020-21 winners (longer fanfiction pairs)": {"auc": 0.97}}


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """1,000 balanced pairs; AUC, c@1, Brier and accuracy of the calibrated same-author score."""
    from attribution.attribute.calibration import geometric_pool
    from attribution.bench.c50 import load_split
    from attribution.features import build_features
    from attribution.verify.impostors import VERIFY_CONFIG, GeneralImpostors, feature_views
    from attribution.verify.unmasking import Unmasking

    start = time.perf_counter()
    train_texts, y_train, test_texts, y_test = load_split(data_dir)
    rng = np.random.default_rng(seed)
    authors = rng.permutation(np.unique(y_train))
    candidates, impostor_authors = authors[:N_CANDIDATES], authors[N_CANDIDATES:]
    union = build_features(VERIFY_CONFIG, progress=progress)
    X_train = union.fit_transform(train_texts)
    X_test = union.transform(test_texts)
    pool = np.isin(y_train, impostor_authors)
    labels, proba, raw, answers, unmasked = [], [], [], [], []
    impostor_texts = [t for t, in_pool in zip(train_texts, pool) if in_pool]
    # the impostor authors' own calibration pairs do not depend on the candidate: computed once
    views = feature_views(union.get_feature_names_out())
    reference = GeneralImpostors(random_state=seed).reference_pairs(X_train[pool], y_train[pool], views=views)
    nearest = _nearest_writers(X_train, y_train, candidates)
    hard_rng = np.random.default_rng([seed, 2])  # its own stream: the main pairs stay as they were
    hard_other, listed_same, listed_other = [], [], []
    for author in progress(candidates, desc="candidates", total=len(candidates)):
        gi = GeneralImpostors(random_state=seed).fit(
            X_train[y_train == author], X_train[pool], y_train[pool], views=views, reference=reference
        )
        own = rng.permutation(np.flatnonzero(y_test == author))[:PER_SIDE]
        others = np.flatnonzero(np.isin(y_test, candidates) & (y_test != author))
        other = rng.choice(others, PER_SIDE, replace=False)
        questioned = np.r_[own, other]
        r = gi.raw_scores(X_test[questioned])
        p = gi._calibrate(r)
        raw.extend(r)
        proba.extend(p)
        hard = hard_rng.permutation(np.flatnonzero(y_test == nearest[author]))[:PER_SIDE]
        hard_other.extend(gi.predict_proba(X_test[hard]))
        # the advice put to the test: the same pairs with the colleague's train/ texts among the impostors
        listed = pool | (y_train == nearest[author])
        gi_listed = GeneralImpostors(random_state=seed).fit(
            X_train[y_train == author], X_train[listed], y_train[listed], views=views, reference=reference
        )
        listed_same.extend(gi_listed.predict_proba(X_test[own]))
        listed_other.extend(gi_listed.predict_proba(X_test[hard]))
        answers.extend(gi.answers(p))
        known_texts = [t for t, a in zip(train_texts, y_train) if a == author]
        um = Unmasking(random_state=seed).fit(known_texts, impostor_texts)
        unmasked.extend(um.predict_proba([test_texts[i] for i in questioned]))
        labels.extend([1] * len(own) + [0] * len(other))
        log.info("verify: %s done (%d pairs so far)", author, len(labels))
    labels, proba, raw, answers, unmasked = map(np.asarray, (labels, proba, raw, answers, unmasked))
    # log-linear pooling of two binary probabilities = the mean of their log-odds
    pooled = geometric_pool([np.c_[proba, 1 - proba], np.c_[unmasked, 1 - unmasked]], floor=1e-6)[:, 0]
    gain, gain_low, gain_high = _auc_gain(labels, proba, pooled, seed=seed)
    return {
        **pair_scores(labels, proba, answers),
        "auc_raw": round(float(roc_auc_score(labels, raw)), 4),
        "unanswered": int((answers == 0.5).sum()),
        "n_pairs": int(len(labels)),
        "n_same": int(labels.sum()),
        "n_different": int((1 - labels).sum()),
        "nearest_writer": {
            **_nearest_writer_summary(proba[labels == 1], np.asarray(hard_other), proba[labels == 0], nearest),
            "colleague_in_pool": _hard_pair_scores(np.asarray(listed_same), np.asarray(listed_other)),
        },
        "unmasking": {
            "auc": round(float(roc_auc_score(labels, unmasked)), 4),
            "auc_pooled_with_gi": round(float(roc_auc_score(labels, pooled)), 4),
            "brier": round(float(((unmasked - labels) ** 2).mean()), 4),
            "auc_gain_pooled_vs_gi": gain,
            "auc_gain_ci95": [gain_low, gain_high],
            "adds": bool(gain_low > 0),
            "method": "Koppel & Schler unmasking: 60-word chunks, 250 MFW, 8 rounds dropping 3+3 features, 4-fold CV; "
            "logistic calibration of the curve on train-only pairs",
        },
        "method": "General Impostors (rank variant: the most similar known text vs each impostor), two views averaged: char 2-3-grams "
        "(10,000) and word 1-2-grams (10,000), each 100 iterations x 50% features, 100 nearest impostors; class-balanced Platt calibration on train-only pairs: the candidate's and "
        "400 of 20 impostor authors standing in as candidates",
        "published": PUBLISHED,
        "seconds": round(time.perf_counter() - start, 1),
    }


def pair_scores(labels: np.ndarray, proba: np.ndarray, answers: np.ndarray) -> dict:
    """AUC, c@1, Brier and accuracy at 0.5 of calibrated same-author probabilities."""
    from attribution.verify.impostors import c_at_1

    return {
        "auc": round(float(roc_auc_score(labels, proba)), 4),
        "c_at_1": round(c_at_1(labels, answers), 4),
        "brier": round(float(((proba - labels) ** 2).mean()), 4),
        "accuracy_at_0.5": round(float(((proba > 0.5) == (labels == 1)).mean()), 4),
    }


def _nearest_writers(X, authors: np.ndarray, candidates: np.ndarray) -> dict:
    """Each candidate's nearest fellow candidate: cosine of their train/ centroids."""
    centroids = np.vstack([np.asarray(X[authors == a].mean(axis=0)).ravel() for a in candidates])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    similarity = centroids @ centroids.T
    np.fill_diagonal(similarity, -np.inf)
    return {a: candidates[j] for a, j in zip(candidates, similarity.argmax(axis=1))}


def _hard_pair_scores(same: np.ndarray, hard: np.ndarray) -> dict:
    """AUC and the share answered "same author" of own texts and of the nearest colleague's."""
    labels = np.r_[np.ones(len(same)), np.zeros(len(hard))]
    return {
        "auc": round(float(roc_auc_score(labels, np.r_[same, hard])), 4),
        "different_called_same": round(float((hard > 0.5).mean()), 4),
        "same_called_same": round(float((same > 0.5).mean()), 4),
        "n_pairs": int(len(labels)),
    }


def _nearest_writer_summary(same: np.ndarray, hard: np.ndarray, random_other: np.ndarray, nearest: dict) -> dict:
    """The candidate's own texts against its nearest fellow candidate's: the hard case that
    random different-author pairs leave out (colleagues on one beat, an operator's teammate)."""
    return {
        **_hard_pair_scores(same, hard),
        "random_different_called_same": round(float((random_other > 0.5).mean()), 4),
        "nearest": {str(a): str(b) for a, b in nearest.items()},
        "note": "same-author texts as in the main pairs; different-author texts by the candidate's nearest fellow candidate "
        "(cosine of train/ centroids in the verifier's features), not in the impostor pool; colleague_in_pool: the same "
        "pairs with that colleague's train/ texts added to the impostors",
    }


def _auc_gain(
    labels: np.ndarray, base: np.ndarray, pooled: np.ndarray, *, seed: int, n_boot: int = 1000
) -> tuple[float, float, float]:
    """AUC of ``pooled`` minus AUC of ``base`` on the same pairs, with a paired bootstrap 95% interval."""
    rng = np.random.default_rng(seed)
    gains = []
    for _ in range(n_boot):
        rows = rng.integers(0, len(labels), len(labels))
        if labels[rows].min() == labels[rows].max():
            continue
        gains.append(roc_auc_score(labels[rows], pooled[rows]) - roc_auc_score(labels[rows], base[rows]))
    low, high = np.percentile(gains, [2.5, 97.5])
    gain = roc_auc_score(labels, pooled) - roc_auc_score(labels, base)
    return round(float(gain), 4), round(float(low), 4), round(float(high), 4)
