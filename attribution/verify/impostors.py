"""Authorship verification by the General Impostors method (Koppel & Winter 2014).

Did the candidate write this text? The questioned text is compared with the candidate's known
texts and with impostor texts by other writers, many times over random halves of the features.
The raw score is the share of (iteration, impostor) comparisons in which the candidate's known
text most similar to the questioned one is more similar than the impostor is: a rank form of
GI's "does the candidate beat every impostor" count. Not the known texts' *mean* similarity,
which was used first: against the 100 impostors nearest the questioned text the mean lost every
comparison for 41% of the pairs of a train-only C50 trial (25 candidates, earliest 35 train/
texts known, latest 15 and 15 of other candidates questioned; 54% with all 49 other authors as
the pool), so the score sat at 0; raw AUC 0.888 (0.882) for the mean, 0.937 (0.956) for the
most similar known text, with 0.7-1.5% of the pairs at 0. Raw scores become a calibrated
same-author probability through a logistic (Platt) fit on pairs built from the training texts
alone: each known text against the other known texts (same author) and impostor texts against
the known texts, with that impostor's own author removed from the pool (different author),
plus the same two kinds of pairs among the impostor authors themselves, each in turn a stand-in
candidate (``reference_pairs``), which keep one candidate's 100 pairs from setting the scale
alone. ``c@1`` (Peñas & Rodrigo 2011) leaves pairs unanswered (0.5) inside a band around 0.5
chosen on those same calibration pairs. Feature families can be separate views (``views``):
each is compared on its own and the raw scores are averaged (``VERIFY_CONFIG``: char and word).

>>> gi = GeneralImpostors().fit(X_known, X_impostors, impostor_groups, views=feature_views(names))
>>> gi.predict_proba(X_questioned)   # (n,) P(same author)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from attribution.errors import InsufficientEvidenceError
from attribution.progress import ProgressFactory, no_progress

#: Feature config of the verifier: two views, compared apart and their GI scores averaged:
#: character 2-3-grams and word 1-2-grams, each the 10,000 found in the most texts.
#: The char view was chosen on two train-only C50 trials (``scripts/select_verify.py``; the
#: one in the module docstring, and the same with another draw of candidates), raw AUC: char
#: 2-4 / 3,000 0.937 and 0.955; 2-4 / 10,000 0.962 and 0.978; **2-3 / 10,000 0.972 and 0.982**;
#: 1-3 / 10,000 0.972 and 0.982 (first trial only: 1-3 / 5,000 0.969, 1-3 / 20,000 0.970, 2-4 /
#: 20,000 0.966, 2-5 / 5,000 0.937, + word unigrams in the same view 0.959, + distorted char
#: n-grams in the same view 0.944, binary weighting of 2-4 / 3,000 0.885). Then, on the same two
#: trials, a second view averaged in: word 1-2-grams 0.975 and 0.984 (alone 0.969 / 0.981),
#: distorted char 1-5-grams 0.976 and 0.982, all three 0.984 (second trial), char 4-5-grams
#: 0.969 (first trial); calibrated, with the reference pairs: char alone AUC 0.971 / 0.982, Brier
#: 0.064 / 0.047, c@1 0.939 / 0.960; **char + word views 0.975 / 0.985, 0.057 / 0.039, 0.949 / 0.963**.
VERIFY_CONFIG = {
    "name": "verify-char23-word12-10k",
    "seed": 0,
    "families": {
        "char": {"ngram_range": [2, 3], "max_features": 10000, "min_df": 2},
        "word": {"ngram_range": [1, 2], "max_features": 10000, "min_df": 2},
    },
}


def c_at_1(y_true: Sequence[int], proba: Sequence[float]) -> float:
    """c@1: accuracy where answers of exactly 0.5 are unanswered and credited at the accuracy rate."""
    y_true = np.asarray(y_true, dtype=int)
    proba = np.asarray(proba, dtype=np.float64)
    answered = proba != 0.5
    n = len(y_true)
    if n == 0:
        return 0.0
    correct = int(((proba > 0.5) == (y_true == 1))[answered].sum())
    return float((correct + (n - answered.sum()) * correct / n) / n)


def impostor_authors(names: Sequence | None, n: int) -> np.ndarray:
    """One author label per impostor text as strings; a text without a name (None, empty) is its
    own author, so that unnamed texts neither leave the pool together nor pair as one writer."""
    if names is None:
        return np.asarray([f"#{i}" for i in range(n)], dtype=object)
    labels = np.asarray([None if a is None else str(a) for a in names], dtype=object)
    if len(labels) != n:
        raise ValueError(f"impostor author names: {len(labels)} names for {n} impostor texts")
    return np.asarray([f"#{i}" if not a else a for i, a in enumerate(labels)], dtype=object)


class _Rows:
    """Feature rows split into views (column blocks), each view's rows scaled to unit length:
    GI compares texts within a view, and the views' scores are averaged."""

    def __init__(self, blocks: list[np.ndarray]):
        self.blocks = blocks

    @classmethod
    def of(cls, X, views: Sequence[np.ndarray]) -> _Rows:
        X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
        blocks = []
        for columns in views:
            block = np.ascontiguousarray(
                X[:, columns], dtype=np.float32
            )  # rows contiguous: row products are the hot loop
            norms = np.linalg.norm(block, axis=1, keepdims=True)
            blocks.append(block / np.where(norms > 0, norms, 1.0))
        return cls(blocks)

    def __len__(self) -> int:
        return len(self.blocks[0])

    def __getitem__(self, rows) -> _Rows:
        return _Rows([block[rows] for block in self.blocks])


def feature_views(names: Sequence[str]) -> list[np.ndarray]:
    """Column indices of each feature family of a built union, in column order: GI's views."""
    from attribution.features import feature_families

    families = feature_families(names)
    return [np.flatnonzero(families == family) for family in dict.fromkeys(families)]


class GeneralImpostors(BaseEstimator):
    """General Impostors verification on a feature matrix, with a calibrated same-author score.

    Parameters
    ----------
    n_iterations : int
        Random feature subsets per comparison (GI's k; 100 as in Koppel & Winter).
    feature_fraction : float
        Share of the features in each subset (0.5).
    n_impostors : int
        The impostor texts most similar to the questioned text (on all of a view's features)
        that take part in that view.
    random_state : int
        Seed of the feature subsets and the calibration sample.
    """

    def __init__(
        self, *, n_iterations: int = 100, feature_fraction: float = 0.5, n_impostors: int = 100, random_state: int = 0
    ):
        self.n_iterations = n_iterations
        self.feature_fraction = feature_fraction
        self.n_impostors = n_impostors
        self.random_state = random_state

    def _raw(self, q: _Rows, known: _Rows, pool: _Rows, allowed: np.ndarray | None = None) -> float:
        """GI rank score of one questioned row against known rows and the impostor rows of
        ``pool`` that ``allowed`` keeps (a mask, not a copy: pools run to thousands of rows),
        averaged over the views."""
        scores = []
        for qv, kv, pv, M in zip(q.blocks, known.blocks, pool.blocks, self.masks_):
            similarity = pv @ qv
            rows = np.arange(len(pv)) if allowed is None else np.flatnonzero(allowed)
            if len(rows) > self.n_impostors:
                rows = rows[np.argpartition(-similarity[rows], self.n_impostors)[: self.n_impostors]]
            V = np.vstack([kv, pv[rows]])
            num = M @ (qv[None, :] * V).T
            den = np.sqrt(np.outer(M @ (qv * qv), np.ones(len(V), dtype=np.float32)) * (M @ (V * V).T)) + 1e-12
            S = num / den
            known_best = S[:, : len(kv)].max(axis=1)
            scores.append((known_best[:, None] > S[:, len(kv) :]).mean())
        return float(np.mean(scores))

    def _feature_masks(self, views: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The random feature subsets of each view, one row per iteration; a pure function of
        the seed and the views' sizes."""
        rng = np.random.default_rng(self.random_state)
        return [
            (rng.random((self.n_iterations, len(columns))) < self.feature_fraction).astype(np.float32)
            for columns in views
        ]

    @staticmethod
    def _views(views: Sequence[np.ndarray] | None, d: int) -> list[np.ndarray]:
        return [np.arange(d)] if views is None else [np.asarray(v, dtype=int) for v in views]

    def reference_pairs(
        self,
        impostors,
        impostor_groups: Sequence,
        *,
        views: Sequence[np.ndarray] | None = None,
        n_authors: int = 20,
        per_author: int = 10,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Raw scores and labels of calibration pairs among the impostor authors themselves.

        Up to ``n_authors`` impostor authors with 3 or more texts each stand in turn as the
        candidate: ``per_author`` of their texts against the rest (same author) and as many
        texts by other impostor authors against them (different author; the questioned text's
        own author leaves the pool). They steady the candidate's own Platt fit (see ``fit``).
        The pairs depend on the pool, not the candidate: compute them once for many candidates.
        """
        views = self._views(views, np.shape(impostors)[1])
        self.masks_ = self._feature_masks(views)
        pool = _Rows.of(impostors, views)
        return self._reference_pairs(
            pool, impostor_authors(impostor_groups, len(pool)), n_authors=n_authors, per_author=per_author
        )

    def _reference_pairs(
        self, pool: _Rows, groups: np.ndarray, *, n_authors: int = 20, per_author: int = 10
    ) -> tuple[np.ndarray, np.ndarray]:
        """``reference_pairs`` on prepared rows and author labels, with ``masks_`` already drawn."""
        rng = np.random.default_rng([self.random_state, 1])
        names, counts = np.unique(groups, return_counts=True)
        eligible = names[counts >= 3]
        raw, label = [], []
        for name in rng.permutation(eligible)[:n_authors]:
            mine = groups == name
            rows, others = np.flatnonzero(mine), np.flatnonzero(~mine)
            for i in rng.permutation(rows)[:per_author]:
                raw.append(self._raw(pool[i], pool[rows[rows != i]], pool, ~mine))
                label.append(1)
            for j in rng.permutation(others)[:per_author]:
                allowed = ~mine & (groups != groups[j])
                if not allowed.any():  # two impostor authors only: no third to compare against
                    continue
                raw.append(self._raw(pool[j], pool[rows], pool, allowed))
                label.append(0)
        return np.asarray(raw, dtype=np.float64), np.asarray(label, dtype=np.float64)

    def fit(
        self,
        known,
        impostors,
        impostor_groups: Sequence | None = None,
        *,
        views: Sequence[np.ndarray] | None = None,
        max_calibration: int = 50,
        reference: tuple | None = None,
    ):
        """Store the candidate's texts and the impostors; calibrate the score on training pairs.

        ``known`` (k, d) and ``impostors`` (m, d) are feature rows; ``impostor_groups`` names each
        impostor's author so that a calibration text's own author leaves the pool; ``views``
        (column indices per feature family, see ``feature_views``; default one view of all
        columns) are compared apart and their scores averaged. With author
        names, the Platt fit also takes ``reference_pairs`` of the impostor authors (pass
        ``reference`` to reuse them across candidates): the candidate's own 100 pairs alone give
        a noisy fit whose scale differs from candidate to candidate. On the two train-only C50
        trials of ``VERIFY_CONFIG``'s char view (raw AUC 0.972 / 0.982) the fit with the 400
        reference pairs scored AUC 0.971 / 0.982, Brier 0.064 / 0.047, c@1 0.939 / 0.960 against
        0.965 / 0.978, 0.071 / 0.051 and 0.921 / 0.947 for the candidate's own pairs alone.
        """
        self.views_ = self._views(views, np.shape(known)[1])
        self.known_ = _Rows.of(known, self.views_)
        self.impostors_ = _Rows.of(impostors, self.views_)
        if len(self.known_) < 2:
            raise InsufficientEvidenceError(
                f"verification needs at least 2 known texts of the candidate, got {len(self.known_)}"
            )
        if len(self.impostors_) < 2:
            raise InsufficientEvidenceError(
                f"verification needs impostor texts by other writers, got {len(self.impostors_)}"
            )
        groups = impostor_authors(impostor_groups, len(self.impostors_))
        self.impostor_groups_ = groups
        self.masks_ = self._feature_masks(self.views_)
        if reference is None and impostor_groups is not None:
            reference = self._reference_pairs(self.impostors_, groups)
        rng = np.random.default_rng(self.random_state)
        same = []
        for i in rng.permutation(len(self.known_))[:max_calibration]:
            rest = self.known_[np.arange(len(self.known_)) != i]
            same.append(self._raw(self.known_[i], rest, self.impostors_))
        different = []
        for j in rng.permutation(len(self.impostors_))[:max_calibration]:
            allowed = groups != groups[j]
            if allowed.any():  # one impostor author only: the text has no other to be compared with
                different.append(self._raw(self.impostors_[j], self.known_, self.impostors_, allowed))
        if not different:
            raise InsufficientEvidenceError(
                "verification needs impostor texts by at least 2 other writers: pass --impostors CORPUS"
            )
        raw = np.asarray(same + different)
        label = np.r_[np.ones(len(same)), np.zeros(len(different))]
        self.n_reference_pairs_ = 0 if reference is None else len(reference[0])
        if self.n_reference_pairs_:
            raw, label = np.r_[raw, reference[0]], np.r_[label, reference[1]]
        self.calibration_raw_, self.calibration_label_ = raw, label
        self.coef_, self.intercept_ = self._platt(raw, label)
        proba = self._calibrate(raw)
        self.band_ = self._choose_band(label, proba)
        return self

    @staticmethod
    def _platt(raw: np.ndarray, label: np.ndarray) -> tuple[float, float]:
        from sklearn.linear_model import LogisticRegression

        # balanced: a same-author probability with no prior either way, however many pairs of
        # each kind the known texts allow (fewer than 50 known texts give fewer same-author pairs)
        lr = LogisticRegression(C=100.0, class_weight="balanced").fit(raw[:, None], label)
        return float(lr.coef_[0, 0]), float(lr.intercept_[0])

    def _calibrate(self, raw: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.coef_ * np.asarray(raw) + self.intercept_)))

    @staticmethod
    def _choose_band(label: np.ndarray, proba: np.ndarray) -> float:
        best, band = -1.0, 0.0
        for b in (0.0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2):
            value = c_at_1(label, np.where(np.abs(proba - 0.5) < b, 0.5, proba))
            if value > best + 1e-9:
                best, band = value, b
        return band

    def raw_scores(self, X) -> np.ndarray:
        """(n,) uncalibrated GI scores in [0, 1] of questioned rows ``X``."""
        check_is_fitted(self, "masks_")
        Q = _Rows.of(X, self.views_)
        return np.asarray([self._raw(Q[i], self.known_, self.impostors_) for i in range(len(Q))])

    def predict_proba(self, X) -> np.ndarray:
        """(n,) calibrated probability that the candidate wrote each questioned row."""
        return self._calibrate(self.raw_scores(X))

    def answers(self, proba: np.ndarray) -> np.ndarray:
        """Probabilities with those inside the learned band around 0.5 set to 0.5 (unanswered)."""
        proba = np.asarray(proba, dtype=np.float64)
        return np.where(np.abs(proba - 0.5) < self.band_, 0.5, proba)


def verify_texts(
    questioned: Sequence[str],
    known: Sequence[str],
    impostors: Sequence[str],
    impostor_authors: Sequence[str] | None = None,
    *,
    config: dict | str = VERIFY_CONFIG,
    random_state: int = 0,
    unmasking: bool = False,
    progress: ProgressFactory = no_progress,
) -> list[dict[str, Any]]:
    """Same-author verdicts for questioned texts against one candidate's known texts; with
    ``unmasking``, each also carries unmasking's probability and accuracy curve as a second view."""
    from attribution.features import build_features

    union = build_features(config, progress=progress)
    union.fit(list(known) + list(impostors))
    gi = GeneralImpostors(random_state=random_state).fit(
        union.transform(list(known)),
        union.transform(list(impostors)),
        impostor_authors,
        views=feature_views(union.get_feature_names_out()),
    )
    raw = gi.raw_scores(union.transform(list(questioned)))
    proba = gi._calibrate(raw)
    answers = gi.answers(proba)
    out = []
    for r, p, a in zip(raw, proba, answers):
        verdict = "undecided" if a == 0.5 else "same author" if p > 0.5 else "different author"
        out.append({"same_author_probability": round(float(p), 4), "raw_score": round(float(r), 4), "verdict": verdict})
    if unmasking:
        from attribution.verify.unmasking import Unmasking

        um = Unmasking(random_state=random_state).fit(known, impostors)
        curves = um.curves(questioned)
        for row, p, curve in zip(out, um.proba_from_curves(curves), curves):
            row["unmasking"] = {
                "same_author_probability": round(float(p), 4),
                "curve": [round(float(v), 3) for v in curve],
            }
    return out


def split_candidate(
    candidate_corpus: str,
    *,
    candidate: str | None = None,
    impostors: str | None = None,
    data_dir: str | None = None,
) -> tuple[list[str], list[str], list[str], str]:
    """Known texts of the candidate and impostor texts (with authors) from corpus specs."""
    from attribution.corpus import load_corpus
    from attribution.corpus.labels import label_problem

    def labelled(spec: str) -> list[tuple[str, str]]:
        """(text, writer) rows. A byline stands for the writer only in a corpus with no authors
        at all: beside authors it is a pen name ("Publius") over several. Joint and placeholder
        labels name no one writer and are left out."""
        dataset = load_corpus(spec, data_dir=data_dir).dataset
        bylines = not any(dataset["author"])
        pairs = zip(dataset["text"], dataset["author"], dataset["byline"])
        rows = [(t, str(a or (b if bylines else None) or "")) for t, a, b in pairs]
        return [(t, a) for t, a in rows if a and label_problem(a) is None]

    rows = labelled(candidate_corpus)
    names = sorted({a for _, a in rows if a})
    if candidate is None:
        if len(names) != 1:
            raise InsufficientEvidenceError(
                f"{candidate_corpus}: holds {len(names)} authors; name the candidate with --candidate (one of {', '.join(names[:10])}…)"
            )
        candidate = names[0]
    known = [t for t, a in rows if a == candidate]
    if not known:
        raise InsufficientEvidenceError(
            f"{candidate_corpus}: no texts by candidate {candidate!r}; authors are {', '.join(names[:10])}"
        )
    pool = labelled(impostors) if impostors else [(t, a) for t, a in rows if a != candidate]
    pool = [(t, a) for t, a in pool if a != candidate]
    if len(pool) < 2:
        raise InsufficientEvidenceError("verification needs impostor texts by other writers: pass --impostors CORPUS")
    return known, [t for t, _ in pool], [a for _, a in pool], candidate
