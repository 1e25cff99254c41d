"""Build ``composite_result.json``: a realistic stand-in for a composite result (CONTRACTS.md).

The report was built while the composite test itself was being written, so this script fakes
the *engine* with a few lines of scikit-learn on real IRA tweets: three real accounts are merged
under one invented byline, two of them (plus two distractors) serve as known operators. The
clusters, map, operator probabilities, features and examples are honest outputs of this small
pipeline, not of ``attribution.composite.article``; the test statistic's p-value, the k posterior,
the load problems and the behaviour sentence are invented placeholders with the right shape.

Run: ``PYTHONPATH=. python tests/data/make_composite_fixture.py /path/to/shared/corpora``
"""

from __future__ import annotations

import importlib.metadata as md
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.manifold import TSNE
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from attribution.report.jsonio import write_json

MEMBERS = ["TheFoundingSon", "Crystal1Johnson", "DanaGeezus"]  # the byline's hidden writers
OPERATORS = ["TheFoundingSon", "Crystal1Johnson", "Jenn_Abrams", "TEN_GOP"]  # known reference set
UNIT = 20  # tweets per analysis unit
UNITS_PER_MEMBER = 28
SEED = 0


def units(frame: pd.DataFrame, n: int, rng: np.random.Generator) -> list[pd.DataFrame]:
    """``n`` runs of ``UNIT`` consecutive tweets, chosen at random without overlap."""
    starts = np.sort(rng.choice(len(frame) // UNIT, size=n, replace=False)) * UNIT
    return [frame.iloc[s : s + UNIT] for s in starts]


def main(data_dir: Path) -> None:
    rng = np.random.default_rng(SEED)
    tweets = pd.read_parquet(data_dir / "tweets" / "ira_english.parquet", columns=["author", "content", "publish_date"])
    tweets = tweets[tweets.author.isin(set(MEMBERS) | set(OPERATORS))].sort_values(["author", "publish_date"])
    docs, reference = [], []
    for name, frame in tweets.groupby("author"):
        frame = frame.reset_index(drop=True)
        # Alternate blocks of 400 tweets go to the byline and to the operator references: disjoint
        # tweets from the same months, as an investigator's reference set would be.
        block = (np.arange(len(frame)) // 400) % 2
        if name in MEMBERS:
            docs += [(name, u) for u in units(frame[block == 0], UNITS_PER_MEMBER, rng)]
        if name in OPERATORS:
            reference += [(name, u) for u in units(frame[block == 1], 25, rng)]
    order = rng.permutation(len(docs))
    docs = [docs[i] for i in order]
    texts = ["\n".join(u.content) for _, u in docs]
    ref_texts = ["\n".join(u.content) for _, u in reference]

    chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 4), sublinear_tf=True, min_df=2, max_features=20000)
    X_all = chars.fit_transform(texts + ref_texts)
    X, X_ref = X_all[: len(texts)], X_all[len(texts) :]
    reduced = normalize(TruncatedSVD(30, random_state=SEED).fit_transform(X))
    xy = TSNE(2, perplexity=20, random_state=SEED, init="pca").fit_transform(reduced)

    silhouettes = {
        k: silhouette_score(reduced, KMeans(k, n_init=10, random_state=SEED).fit_predict(reduced)) for k in range(2, 7)
    }
    kmeans = KMeans(3, n_init=10, random_state=SEED).fit(reduced)
    labels = kmeans.labels_
    dist = kmeans.transform(reduced)
    soft = np.exp(-(dist**2 - (dist**2).min(axis=1, keepdims=True)) / 0.03)
    soft /= soft.sum(axis=1, keepdims=True)

    clf = LogisticRegression(C=10, max_iter=2000).fit(X_ref, [n for n, _ in reference])
    proba = clf.predict_proba(X)

    words = CountVectorizer(token_pattern=r"(?u)[#@]?\b\w+\b|[!?]+", lowercase=True, min_df=3)
    W = words.fit_transform(texts).toarray().astype(float)
    W /= W.sum(axis=1, keepdims=True)
    vocab = words.get_feature_names_out()

    def stats(t: str) -> list[float]:
        lines = t.split("\n")
        return [
            t.count("!") / len(lines),
            t.count("http") / len(lines),
            np.mean([len(x.split()) for x in lines]),
            sum(c.isupper() for c in t) / max(1, sum(c.isalpha() for c in t)),
            t.count("#") / len(lines),
        ]

    S = np.array([stats(t) for t in texts])
    stat_names = [
        "punct__exclamation_rate",
        "length__links_per_post",
        "length__words_per_post",
        "punct__capital_letter_share",
        "punct__hashtags_per_post",
    ]

    clusters = []
    for c in range(3):
        inside = labels == c
        feats = []
        for name, column in [(f"word__{v}", W[:, j]) for j, v in enumerate(vocab)] + list(zip(stat_names, S.T)):
            sd = column.std() or 1.0
            feats.append((float((column[inside].mean() - column[~inside].mean()) / sd), name))
        feats.sort(reverse=True)
        mean_proba = proba[inside].mean(axis=0)
        best = int(mean_proba.argmax())
        operator = clf.classes_[best] if mean_proba[best] >= 0.5 else None
        confident = np.argsort(-soft[inside, c])[:3]
        members = np.flatnonzero(inside)[confident]
        examples = []
        for i in members:
            line = next(
                (x for x in texts[i].split("\n") if len(x.split()) >= 8 and "http" not in x), texts[i].split("\n")[0]
            )
            examples.append({"document_id": f"u{i + 1:03d}", "text": line})
        clusters.append(
            {
                "cluster": c,
                "size": int(inside.sum()),
                "operator": operator,
                "operator_probability": round(float(mean_proba[best]), 4),
                "distinguishing_features": [
                    {"feature": n, "family": n.split("__")[0], "z": round(z, 3)} for z, n in feats[:6]
                ],
                "examples": examples,
            }
        )

    documents = []
    for i, (_, unit) in enumerate(docs):
        best = int(proba[i].argmax())
        documents.append(
            {
                "id": f"u{i + 1:03d}",
                "title": None,
                "timestamp": unit.publish_date.iloc[0].isoformat() + "+00:00",
                "cluster": int(labels[i]),
                "cluster_confidence": round(float(soft[i].max()), 4),
                "between_clusters": bool(soft[i].max() < 0.6),
                "operator": clf.classes_[best] if proba[i, best] >= 0.5 else None,
                "operator_probabilities": {n: round(float(p), 4) for n, p in zip(clf.classes_, proba[i])},
                "xy": [round(float(v), 3) for v in xy[i]],
            }
        )

    profiles = {}
    for c in range(3):
        stamps = pd.concat([docs[i][1].publish_date for i in np.flatnonzero(labels == c)])
        grid = np.zeros((7, 24), dtype=int)
        np.add.at(grid, (stamps.dt.day_of_week.to_numpy(), stamps.dt.hour.to_numpy()), 1)
        profiles[str(c)] = grid.tolist()

    # Placeholder posterior over k (the stand-in has no model of k): peaked at the k used above.
    k_prob = np.array([0.0005, 0.06, 0.81, 0.11, 0.015, 0.0045])
    n_matched = sum(c["operator"] is not None for c in clusters)
    n_posts = len(docs) * UNIT
    result = {
        "fixture": "tests/data/make_composite_fixture.py: real IRA tweets, stand-in pipeline, not the composite engine",
        "byline": "@PatriotVoiceUS",
        "n_documents": len(docs),
        "load": {
            "rows_read": n_posts + 7,
            "rows_used": n_posts,
            "rows_skipped": 7,
            "problem_counts": {"empty text": 4, "unparseable time stamp": 3},
            "problems": [
                {"path": "patriotvoice.csv", "row": r, "problem": p, "severity": "error"}
                for r, p in [
                    (112, "empty text"),
                    (380, "empty text"),
                    (1021, "unparseable time stamp: '2017-13-02 25:61'"),
                    (1022, "unparseable time stamp: ''"),
                    (1400, "empty text"),
                    (1566, "empty text"),
                    (1701, "unparseable time stamp: 'yesterday'"),
                ]
            ],
            "problems_truncated": 0,
        },
        "verdict": {
            "level": "composite",
            "composite": True,
            "text": f"Likely written by 3 different people (p < 0.001); {n_matched} "
            + ("matches a known operator" if n_matched == 1 else "match known operators"),
        },
        "test": {
            "statistic_name": "silhouette gain over one author",
            "statistic": round(float(silhouettes[3]), 4),
            "p_value": 0.0005,
            "alpha": 0.05,
            "null_method": "resampled single-author bylines of the same size",
            "n_null": 1999,
            "measured_fpr": 0.043,
        },
        "k": {
            "estimate": int(k_prob.argmax()) + 1,
            "interval": [2, 4],
            "probabilities": {str(k + 1): round(float(p), 4) for k, p in enumerate(k_prob)},
        },
        "clusters": clusters,
        "documents": documents,
        "operators": {
            "names": list(clf.classes_),
            "explained": {
                "p_value": 0.012,
                "unexplained_documents": int(sum(d["operator"] is None for d in documents)),
                "text": f"The known operators do not explain every document: {3 - n_matched} of 3 groups match none of them.",
            },
        },
        # The shape of attribution.behaviour.compare_cluster_schedules; the shift fits are placeholders.
        "behaviour": {
            "clusters": [
                {
                    "label": label,
                    "n_posts": int(np.sum(grid)),
                    "profile_utc": grid,
                    "shift": {
                        "model": model,
                        "office_score": score,
                        "offset": offset,
                        "offset_label": f"UTC{offset:+d}",
                        "offset_interval": [offset - 1, offset + 1],
                        "office_schedule_utc": {"start": start, "end": (start + 9) % 24, "lunch": None},
                    },
                }
                for (label, grid), (model, score, offset, start) in zip(
                    profiles.items(), [("organic", -14.2, -5, 13), ("organic", -6.8, -6, 17), ("office", 23.5, 3, 6)]
                )
            ],
            "test": {
                "statistic_name": "chi2_cluster_by_utc_hour",
                "statistic": 412.7,
                "p_value": 0.001,
                "null_method": "permutation of cluster labels between groups",
                "n_null": 999,
                "cramers_v": 0.31,
            },
            "pairwise": [],
            "differ": True,
            "seed": SEED,
        },
        "rolling": None,
        "methods": {
            "features": "Character 2-4-gram tf-idf (sublinear, 20,000 most frequent), reduced to 30 dimensions by truncated SVD; "
            "word unigram rates and five punctuation and length statistics for the distinguishing features.",
            "model": f"Analysis units of {UNIT} consecutive tweets. k-means clustering (k chosen by silhouette over 2-6); "
            "operators matched by multinomial logistic regression trained on earlier tweets of each operator.",
            "calibration": "Operator probabilities are the classifier's softmax outputs, not recalibrated (fixture).",
            "caveats": [
                "Tweets are short: each analysis unit pools 20 posts, so a unit written by two people is assigned to one cluster.",
                "Operator probabilities assume the writer is one of the known operators unless the best probability is below 0.5.",
                "Time stamps are UTC; schedules are compared in UTC.",
            ],
        },
        "seed": SEED,
        "versions": {
            "attribution": md.version("attribution") if _installed("attribution") else "0.1.0",
            "scikit-learn": md.version("scikit-learn"),
            "spacy": md.version("spacy"),
        },
    }
    write_json(Path(__file__).with_name("composite_result.json"), result)


def _installed(name: str) -> bool:
    try:
        md.version(name)
    except md.PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora"))
