"""What a known operator set says about a byline: assignments, shares, operators present, k.

The matcher (``operators.OperatorMatcher``) gives each document probabilities over the operators
and a conformal "could it be theirs" p-value. Documents that are also operator reference
documents (same text) are scored out of fold, by matchers fitted without them, so the byline's
evidence never comes from a model that saw the document. From the documents the operators
explain:

- the operator test: the single-operator test (H0: one known operator wrote them all), used only
  when the operators explain the byline (the conformal ``explained_test`` rejects neither at alpha
  nor at ``GATE_LEVEL``), since a writer outside the set is no case of its H0;
- the operator-informed k: operators whose share is significantly above zero once the matcher's
  out-of-fold confusion is allowed for (``shares``), plus the writers of the documents no operator
  explains (style clustering), with a bootstrap over documents for its uncertainty;
- each document's operator: the classifier's probabilities weighted by the estimated shares
  (Bayes with the shares as prior), over the operators found present.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from attribution.composite import shares as share_model
from attribution.composite.operators import (
    UNKNOWN,
    OperatorMatcher,
    OutOfFold,
    explained_test,
    out_of_fold,
)


#: The operator test speaks only when few documents sit in the outer quarter of every operator's
#: own spread: under "the writer is an operator" at most a quarter of them do, while a writer
#: outside the set puts most of them there (conformal p < ``GATE_LEVEL`` for every operator).
GATE_LEVEL = 0.25


def text_key(text: str) -> str:
    """Content hash that identifies the same document in the byline and in the references."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass
class OperatorEvidence:
    """The operator evidence on one byline (build with ``gather_operator_evidence``)."""

    matcher: OperatorMatcher
    proba: np.ndarray
    conformal: np.ndarray
    out_of_fold_documents: int
    alpha: float
    oof: OutOfFold
    explained_p: float
    gate_p: float
    unexplained: int
    single: dict
    present: np.ndarray
    presence_p: np.ndarray
    given: np.ndarray
    k_operators: int
    k_unknown: int
    unknown_labels: np.ndarray
    k_draws: np.ndarray
    caveats: list[str] = field(default_factory=list)
    #: Each document's nearest other documents in the style view (long articles: function words),
    #: ``(n, m)``; a document takes its neighbourhood's operator shares as prior, since one writer's
    #: papers lie near each other. A fixed cut of a tree instead (the Ward tree cut at k) gave
    #: Jay's five papers the prior of the group they shared with 28 Madison papers (stop 32).
    neighbours: np.ndarray | None = None

    @property
    def names(self) -> list[str]:
        return list(self.matcher.classes_)

    @property
    def explained(self) -> np.ndarray:
        """Documents some operator's conformal check accepts."""
        return self.conformal.max(axis=1) >= self.alpha

    @property
    def gated(self) -> bool:
        """The operators explain the byline, so the operator test may speak."""
        return self.explained_p > self.alpha and self.gate_p > self.alpha

    @property
    def p_value(self) -> float | None:
        """The operator test's p-value (1 when the gate sets it aside; None with one operator)."""
        if len(self.names) < 2:
            return None
        return float(self.single["p_value"]) if self.gated else 1.0

    @property
    def k(self) -> int:
        return max(1, self.k_operators + self.k_unknown)

    def shares(self) -> np.ndarray:
        """Shares of the operators found present among the explained documents."""
        return share_model.estimate_shares(self.given, self.confusion(), self.present)

    def confusion(self) -> np.ndarray:
        return share_model.smoothed_confusion(self.oof.confusion())

    def neighbourhood_shares(self) -> np.ndarray:
        """Per document, the shares of the operators present among its neighbours ``(n, n_operators)``.

        The document itself is left out, so its own best match does not vote for its prior. The
        neighbours' labels are joined by as many pseudo-labels drawn as the whole byline's are:
        five neighbours alone would give a share of 0 to every operator they do not name, and a
        prior of 0 overrules any evidence of the document's own."""
        assert self.neighbours is not None
        best = self.proba.argmax(axis=1)
        explained = self.explained
        confusion = self.confusion()
        byline_labels = self.shares() @ confusion
        prior = np.empty_like(self.proba)
        for i, around in enumerate(self.neighbours):
            given = np.bincount(best[around[explained[around]]], minlength=len(self.names)).astype(float)
            prior[i] = share_model.estimate_shares(given + len(around) * byline_labels, confusion, self.present)
        return prior

    def posterior(self) -> np.ndarray:
        """Per document, probabilities over operators given the estimated shares ``(n, n_operators)``."""
        if not self.present.any():
            prior = np.ones_like(self.proba)
        elif self.neighbours is not None:
            prior = self.neighbourhood_shares()
        else:
            prior = np.broadcast_to(self.shares(), self.proba.shape)
        weighted = self.proba * prior
        total = weighted.sum(axis=1, keepdims=True)
        return np.where(total > 0, weighted / np.where(total > 0, total, 1.0), self.proba)

    @property
    def labels(self) -> np.ndarray:
        """Clusters aligned with operators: one per operator present, then the unexplained writers."""
        posterior = self.posterior()
        best = posterior.argmax(axis=1)
        present = np.flatnonzero(self.present)
        index = {o: c for c, o in enumerate(present)}
        labels = np.array([index.get(b, 0) for b in best], dtype=int)
        if self.k_unknown:
            unexplained = ~self.explained
            labels[unexplained] = len(present) + self.unknown_labels
        return labels

    def confidence(self, labels: np.ndarray) -> np.ndarray:
        """Posterior probability of each document's own cluster's operator (1 for unexplained clusters)."""
        posterior = self.posterior()
        present = np.flatnonzero(self.present)
        out = np.ones(len(labels))
        for i, label in enumerate(labels):
            if label < len(present):
                out[i] = posterior[i, present[label]]
        return out

    def k_summary(self) -> dict:
        """The operator-informed k with its bootstrap distribution and the per-operator evidence."""
        block = k_distribution(self.k, self.k_draws)
        block.update(
            operators_present=int(self.k_operators),
            unknown_writers=int(self.k_unknown),
            method=(
                "Operators whose share of the explained documents is above zero (EM shares corrected for the "
                "matcher's out-of-fold confusion; backward elimination while dropping an operator costs less "
                "likelihood than BIC's log n), plus the writers of the documents no operator explains (style clustering, "
                f"when the operators do not explain the byline); {len(self.k_draws)} bootstrap resamples of the "
                "documents."
            ),
        )
        return block

    def fill(
        self, labels: np.ndarray, clusters: list[dict], doc_ops: list, doc_probs: list, *, composite: bool
    ) -> dict:
        """Fill documents' and clusters' operator fields in place; return the result's operators block."""
        posterior = self.posterior()
        restricted = np.where(self.present[None, :], posterior, 0.0) if self.present.any() else posterior
        explained = self.explained
        for i in range(len(self.proba)):
            unknown = not explained[i] and not self.gated
            doc_ops[i] = UNKNOWN if unknown else self.names[int(np.argmax(restricted[i]))]
            doc_probs[i] = {c: round(float(v), 4) for c, v in zip(self.names, self.proba[i])}
        for c in clusters:
            members = np.flatnonzero(labels == c["cluster"])
            mean = posterior[members].mean(axis=0)
            best = int(np.argmax(mean))
            unknown_share = float(np.mean([doc_ops[i] == UNKNOWN for i in members]))
            c["operator"] = UNKNOWN if unknown_share > 0.5 else self.names[best]
            c["operator_probability"] = round(float(mean[best]), 4)
        if not self.gated:
            text = f"The known operators do not explain every document: {self.unexplained} of {len(self.proba)} match none of them."
        else:
            text = (
                f"The known operators explain the byline ({self.unexplained} of {len(self.proba)} documents "
                "unexplained, as chance allows)."
            )
        assigned: dict[str, int] = {}
        for op in doc_ops:
            assigned[op] = assigned.get(op, 0) + 1
        estimated = self.shares()
        return {
            "names": self.names,
            "explained": {
                "p_value": round(self.explained_p, 6),
                "unexplained_documents": self.unexplained,
                "text": text,
            },
            "single_operator": self.single,
            "test": {
                "p_value": None if self.p_value is None else round(self.p_value, 6),
                "used": bool(self.gated and self.p_value is not None),
                "gate_p_value": round(self.gate_p, 6),
                "text": "The single-operator test on the documents the operators explain; set aside (p = 1) when "
                "the operators do not explain the byline (more documents than chance allows outside every operator's "
                f"spread at conformal level {self.alpha} or {GATE_LEVEL}), since a writer outside the set is no case "
                "of its H0.",
            },
            "presence": {
                name: {
                    "documents_given": int(self.given[j]),
                    "share": round(float(estimated[j]), 4),
                    "p_value": round(float(self.presence_p[j]), 6),
                    "present": bool(self.present[j]),
                }
                for j, name in enumerate(self.names)
            },
            "documents_per_operator": assigned,
            "out_of_fold_documents": int(self.out_of_fold_documents),
            "composite": bool(composite),
        }


def k_distribution(k: int, draws: np.ndarray) -> dict:
    """Estimate, 90% interval (containing the estimate) and distribution over k from resampled estimates."""
    draws = np.asarray(draws if len(draws) else [k], dtype=int)
    values, freq = np.unique(draws, return_counts=True)
    probabilities = {str(int(v)): round(float(f) / len(draws), 4) for v, f in zip(values, freq)}
    lo, hi = np.quantile(np.append(draws, k), [0.05, 0.95], method="nearest")
    return {"estimate": int(k), "interval": [int(min(lo, k)), int(max(hi, k))], "probabilities": probabilities}


def gather_operator_evidence(
    matcher_factory: Callable[[], OperatorMatcher],
    reference_texts: Sequence[str],
    reference_names: Sequence[str],
    texts: Sequence[str],
    cluster_unknown: Callable[[np.ndarray], tuple[int, np.ndarray]],
    alpha: float,
    seed: int,
    min_documents: int,
) -> OperatorEvidence:
    """Fit the matcher, score the byline (out of fold where circular) and weigh the evidence.

    ``cluster_unknown(indices)`` returns (k, labels) for the unexplained documents.
    """
    reference_texts = list(reference_texts)
    matcher = matcher_factory().fit(reference_texts, reference_names)
    oof = out_of_fold(matcher, reference_texts, reference_names)
    vectors = matcher.transform_texts(list(texts))
    proba = matcher.predict_proba(vectors, list(texts))
    conformal = matcher.conformal_p(vectors)
    positions = {text_key(t): i for i, t in enumerate(reference_texts)}
    circular = [(i, positions[key]) for i, key in enumerate(map(text_key, texts)) if key in positions]
    for i, r in circular:
        proba[i], conformal[i] = oof.proba[r], oof.conformal[r]
    caveats = []
    if circular:
        caveats.append(
            f"{len(circular)} byline documents are also operator reference documents; they were scored out of fold "
            "(by matchers fitted without them), never by a model that saw them."
        )
    explained_p, unexplained = explained_test(conformal, alpha)
    gate_p, _ = explained_test(conformal, GATE_LEVEL)
    explained = conformal.max(axis=1) >= alpha
    best = proba.argmax(axis=1)
    names = list(matcher.classes_)
    given = np.bincount(best[explained], minlength=len(names)).astype(float)
    single = share_model.single_operator_test(given, oof.confusion(), names, seed=seed)
    p_single = single["p_value"]
    p_text = "p < 0.001" if p_single < 0.001 else f"p = {p_single:.3f}"
    shares_text = ", ".join(
        f"{names[j]} {c}"
        for c, j in sorted(((int((best[explained] == j).sum()), j) for j in range(len(names))), reverse=True)
        if c
    )
    if len(names) < 2:
        single["text"] = "One operator given: whether a single operator wrote everything is not tested."
        single["p_value"] = None
    elif p_single <= alpha:
        single["text"] = f"No single known operator explains the byline ({p_text}): best matches split {shares_text}."
    else:
        single["text"] = (
            f"One known operator could have written every document ({p_text}; best matches: {shares_text})."
        )
    confusion = share_model.smoothed_confusion(oof.confusion())
    if len(names) >= 2:
        present, presence_p = share_model.operators_present(given, confusion)
        draws = share_model.bootstrap_counts(given, confusion, seed=seed)
    else:
        present, presence_p = given > 0, np.where(given > 0, 0.0, 1.0)
        draws = np.full(share_model.N_BOOTSTRAP, int(present.sum()))
    k_unknown, unknown_labels = 0, np.zeros(int((~explained).sum()), dtype=int)
    if explained_p <= alpha:
        # The operators leave documents unexplained beyond chance: at least one more writer.
        missing = np.flatnonzero(~explained)
        if len(missing) >= min_documents:
            k_unknown, unknown_labels = cluster_unknown(missing)
        else:
            k_unknown = 1
    return OperatorEvidence(
        matcher=matcher,
        proba=proba,
        conformal=conformal,
        out_of_fold_documents=len(circular),
        alpha=alpha,
        oof=oof,
        explained_p=explained_p,
        gate_p=gate_p,
        unexplained=unexplained,
        single=single,
        present=present,
        presence_p=presence_p,
        given=given,
        k_operators=int(present.sum()),
        k_unknown=int(k_unknown),
        unknown_labels=np.asarray(unknown_labels, dtype=int),
        k_draws=np.maximum(1, draws + int(k_unknown)),
        caveats=caveats,
    )
