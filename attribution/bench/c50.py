"""``bench c50``: closed-set attribution on the Reuters C50 standard split (50 x 50 / 50 x 50).

Everything is fitted on ``train/`` only; ``test/`` is scored once. The best config (the ``attribution``
feature preset; three temperature-calibrated linear SVMs, one on char+word n-grams, one on
text-distorted char n-grams, one on spaCy POS/dependency/POSNoise n-grams, pooled by the geometric
mean of their probabilities; chosen on splits of ``train/`` only) is compared with Burrows' Delta, Cosine Delta and nearest shrunken centroid on
500 MFW, and a plain character 2-4-gram linear SVM (sublinear tf-idf, the field's standard, whatever
weighting the preset uses).
Calibration of the best config's probabilities is measured on the test texts (ECE, Brier).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from attribution.corpus import load_corpus
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

#: Published accuracies on this split, for the report (Tyo, Dhingra & Lipton 2023, "Valla").
PUBLISHED = {
    "char_ngram (Tyo et al. 2023)": 0.77,
    "bert (Tyo et al. 2023)": 0.66,
}
N_MFW = 500
#: The plain char n-gram baseline's features, fixed so the baseline does not move with the preset.
PLAIN_CHAR = {"ngram_range": [2, 4], "max_features": 20000, "min_df": 2, "tf": "sublinear"}


def scores(y_true, y_pred) -> dict:
    """Accuracy with its Wilson 95% interval, and macro F1, rounded."""
    from scipy.stats import binomtest

    correct = int((np.asarray(y_true) == np.asarray(y_pred)).sum())
    interval = binomtest(correct, len(y_true)).proportion_ci(confidence_level=0.95, method="wilson")
    return {
        "accuracy": round(correct / len(y_true), 4),
        "accuracy_ci95": [round(float(interval.low), 4), round(float(interval.high), 4)],
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro")), 4),
    }


def paired_comparison(y_true, y_pred, y_base) -> dict:
    """Accuracy gain over a baseline on the same texts, with the exact McNemar test's p-value
    (a binomial test on the texts exactly one of the two gets right)."""
    from scipy.stats import binomtest

    right, base_right = np.asarray(y_pred) == np.asarray(y_true), np.asarray(y_base) == np.asarray(y_true)
    only_model, only_base = int((right & ~base_right).sum()), int((~right & base_right).sum())
    discordant = only_model + only_base
    return {
        "gain": round(float(right.mean() - base_right.mean()), 4),
        "only_model_right": only_model,
        "only_baseline_right": only_base,
        "mcnemar_p": float(f"{binomtest(only_model, discordant).pvalue:.3g}") if discordant else 1.0,
    }


def load_split(data_dir) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """C50 train and test texts and authors."""
    train = load_corpus("c50-train", data_dir=data_dir).dataset
    test = load_corpus("c50-test", data_dir=data_dir).dataset
    return (
        list(train["text"]),
        np.asarray(train["author"], dtype=object),
        list(test["text"]),
        np.asarray(test["author"], dtype=object),
    )


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """Fit on train/, score test/ once; best config, calibration and the baselines."""
    from sklearn.svm import LinearSVC

    from attribution.attribute.calibration import calibration_summary
    from attribution.attribute.classifier import AuthorClassifier, FamilyEnsemble, make_estimator
    from attribution.features import build_features, feature_families, mfw_matrix

    start = time.perf_counter()
    train_texts, y_train, test_texts, y_test = load_split(data_dir)
    model = AuthorClassifier(method="svm", open_set=False, random_state=seed)
    config = model.feature_config()
    union = build_features(config, progress=progress)
    log.info("features %s: fitting on %d train texts", config["name"], len(train_texts))
    X_train = union.fit_transform(train_texts)
    X_test = union.transform(test_texts)
    names = np.asarray(union.get_feature_names_out())

    log.info("best config: calibrated linear SVM")
    model.fit_matrix(X_train, y_train, features=union)
    proba = model.estimator_.predict_proba(X_test)
    predicted = model.classes_[proba.argmax(axis=1)]
    best = scores(y_test, predicted)
    ensemble = model.estimator_ if isinstance(model.estimator_, FamilyEnsemble) else None
    pool_only = None
    if ensemble is not None:
        pool_proba = ensemble.pool_proba(X_test)
        pool_only = {
            **paired_comparison(y_test, predicted, model.classes_[pool_proba.argmax(axis=1)]),
            "calibration": calibration_summary(pool_proba, y_test, model.classes_),
        }

    baselines = {}
    plain = build_features({"name": "plain-char", "seed": seed, "families": {"char": PLAIN_CHAR}}, progress=progress)
    C_train = plain.fit_transform(train_texts)
    log.info("baseline: plain char n-gram SVM on %d columns", C_train.shape[1])
    svm = LinearSVC(C=1.0, max_iter=2000, random_state=seed).fit(C_train, y_train)
    char_predicted = svm.predict(plain.transform(test_texts))
    baselines["char_ngram_svm"] = scores(y_test, char_predicted)

    F_train, vocabulary = mfw_matrix(train_texts, n=N_MFW)
    F_test, _ = mfw_matrix(test_texts, vocabulary=vocabulary)
    for name, method in (("burrows_delta", "delta"), ("cosine_delta", "cosine_delta"), ("nsc", "nsc")):
        log.info("baseline: %s on %d MFW", name, N_MFW)
        estimator = make_estimator(method, random_state=seed).fit(F_train, y_train)
        base_proba = estimator.predict_proba(F_test)
        baselines[name] = {
            **scores(y_test, estimator.classes_[base_proba.argmax(axis=1)]),
            "calibration": calibration_summary(base_proba, y_test, estimator.classes_),
        }
    return {
        **best,
        "vs_char_ngram_svm": paired_comparison(y_test, predicted, char_predicted),
        "vs_pool_without_stacker": pool_only,
        "config": {
            "features": config["name"],
            "families": {k: v.get("weight", 1.0) for k, v in config["families"].items()},
            "n_features": int(X_train.shape[1]),
            "method": "svm",
            "ensemble": [
                {"families": sorted(set(feature_families(names[cols]))), "C": est.C}
                for est, cols in zip(ensemble.estimators_, ensemble.columns)
            ]
            if ensemble is not None
            else None,
            "C": None if ensemble is not None else model.estimator_.estimator.C,
            "calibration": "temperature per member, fitted on its held-out decision values (3 folds of train)"
            if ensemble is not None
            else "temperature (CalibratedClassifierCV, 3 folds of train)",
            "pooling": "geometric mean of the members' calibrated probabilities, blended in log space "
            f"(weight {ensemble.stack_weight:g}) with a multinomial logistic regression on the members' "
            "held-out decision values"
            if ensemble is not None
            else None,
            "chosen_on": "train/ only (never test/): char+word+mfw on a random 70/30 split, the distort "
            "and syntax families and the ensemble on a chronological split (each author's latest 15 train texts held out), "
            "the pooling and the stacker on three chronological folds of train/",
        },
        "calibration": calibration_summary(proba, y_test, model.classes_),
        "baselines": baselines,
        "baseline_settings": {"mfw": N_MFW, "char_ngram_svm": "char 2-4 sublinear tf-idf (20k), LinearSVC C=1"},
        "published": PUBLISHED,
        "n_train": len(train_texts),
        "n_test": len(test_texts),
        "n_authors": int(len(model.classes_)),
        "seconds": round(time.perf_counter() - start, 1),
    }
