"""Operator shares of a byline, corrected for the matcher's confusion: which operators are present.

Each document's best operator is a noisy label: a document of operator i is given to operator j
with probability ``C[i, j]``, estimated out of fold on the operators' own reference documents and
smoothed. The shares ``pi`` of the byline's documents maximise the mixture likelihood
``sum_j n_j log(sum_i pi_i C[i, j])`` over the counts ``n_j`` of documents given to each operator
(EM). The evidence that operator o is present at all is the likelihood-ratio statistic of
``pi_o = 0``; the null sits on the boundary of the simplex, so its p-value comes from the
chi-bar-square mixture ``0.5 chi2_0 + 0.5 chi2_1`` (Self & Liang 1987). Which operators are
present is a model choice, not a test: operators are dropped by backward elimination while
dropping the weakest costs less than BIC's ``log n`` (n documents) for its share. A Bonferroni
test here kept only writers with many documents and under-counted k. A bootstrap over documents
gives the distribution of the number of operators present.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

#: Pseudo-documents added to each operator's confusion row, spread evenly over all operators.
SMOOTHING = 1.0
#: Simulated bylines per operator for the single-operator test.
N_SIMULATIONS = 2000
#: Bootstrap resamples of the documents for the distribution of the number of operators.
N_BOOTSTRAP = 200
EM_ITERATIONS = 1000
#: EM stops when no fit's log-likelihood gains more than this in one step.
EM_TOLERANCE = 1e-7


def smoothed_confusion(counts: np.ndarray, smoothing: float = SMOOTHING) -> np.ndarray:
    """Row-stochastic ``C[i, j]`` = P(given to j | written by i) from out-of-fold counts."""
    counts = np.asarray(counts, dtype=float)
    k = counts.shape[1]
    return (counts + smoothing / k) / (counts.sum(axis=1, keepdims=True) + smoothing)


def estimate_shares(given: np.ndarray, confusion: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Maximum-likelihood shares (EM), zero outside ``present`` (boolean mask over operators).

    ``present`` may be ``(m, n_operators)``: m fits at once, one share vector per row.
    """
    given = np.asarray(given, dtype=float)
    k = len(confusion)
    present = np.ones(k, dtype=bool) if present is None else np.asarray(present, dtype=bool)
    batch = np.atleast_2d(present)
    shares = batch / np.maximum(batch.sum(axis=1, keepdims=True), 1)
    total = given.sum()
    if total > 0:
        previous = np.full(len(batch), -np.inf)
        for _ in range(EM_ITERATIONS):
            mixture = np.maximum(shares @ confusion, 1e-300)
            # Expected share written by i: sum_j n_j pi_i C[i, j] / mixture_j, over all documents.
            shares = shares * ((given / mixture) @ confusion.T) / total
            current = np.log(mixture) @ given
            if np.all(current - previous < EM_TOLERANCE):
                break
            previous = current
    return shares if present.ndim == 2 else shares[0]


def presence_statistics(given: np.ndarray, confusion: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Likelihood-ratio statistic of "operator o is absent" for each present o; ``inf`` elsewhere.

    With o the only operator left, dropping it leaves nothing to explain the documents: ``inf``.
    """
    given = np.asarray(given, dtype=float)
    candidates = np.flatnonzero(present)
    masks = np.vstack([present] + [present & (np.arange(len(present)) != o) for o in candidates])
    fits = estimate_shares(given, confusion, masks)
    likelihoods = np.log(np.maximum(fits @ confusion, 1e-300)) @ given
    out = np.full(len(confusion), np.inf)
    for row, o in enumerate(candidates, start=1):
        out[o] = np.inf if masks[row].sum() == 0 else max(0.0, 2.0 * (likelihoods[0] - likelihoods[row]))
    return out


def chi_bar_p(statistic: float) -> float:
    """p-value of a boundary likelihood-ratio statistic (0.5 chi2_0 + 0.5 chi2_1)."""
    if np.isinf(statistic):
        return 0.0
    return 0.5 * float(stats.chi2.sf(statistic, 1)) if statistic > 1e-6 else 1.0


def operators_present(given: np.ndarray, confusion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(present mask, p-values): backward elimination by BIC.

    The weakest operator is dropped while its likelihood-ratio statistic is at most ``log n``.
    An eliminated operator keeps the p-value it had when it was dropped. The operator with most
    documents is always kept when there are documents at all.
    """
    given = np.asarray(given, dtype=float)
    k = len(confusion)
    present = np.full(k, given.sum() > 0)
    p_values = np.ones(k)
    cost = np.log(max(given.sum(), 2.0))
    while present.sum() > 1:
        statistics = presence_statistics(given, confusion, present)
        p_values[present] = [chi_bar_p(v) for v in statistics[present]]
        candidates = np.flatnonzero(present)
        worst = candidates[np.argmin(statistics[candidates])]
        if statistics[worst] > cost:
            break
        present[worst] = False
    if present.sum() == 1:
        p_values[present] = 0.0
    return present, p_values


def bootstrap_counts(
    given: np.ndarray, confusion: np.ndarray, n_bootstrap: int = N_BOOTSTRAP, seed: int = 0
) -> np.ndarray:
    """Number of operators present in each of ``n_bootstrap`` resamples of the documents."""
    given = np.asarray(given, dtype=float)
    total = int(given.sum())
    if total == 0:
        return np.zeros(n_bootstrap, dtype=int)
    rng = np.random.default_rng([seed, 11, total])
    draws = rng.multinomial(total, given / total, size=n_bootstrap)
    found: dict[bytes, int] = {}
    for draw in draws:
        key = draw.tobytes()
        if key not in found:
            found[key] = int(operators_present(draw, confusion)[0].sum())
    return np.array([found[draw.tobytes()] for draw in draws], dtype=int)


def _deviance(given: np.ndarray, expected_rates: np.ndarray) -> np.ndarray:
    """Multinomial deviance of label counts ``(..., k)`` against rates ``(k,)``."""
    n = given.sum(axis=-1, keepdims=True)
    ratio = np.where(given > 0, given / np.maximum(n * expected_rates, 1e-300), 1.0)
    return 2.0 * (given * np.log(ratio)).sum(axis=-1)


def single_operator_test(
    given: np.ndarray, counts: np.ndarray, names: list[str], *, n_simulations: int = N_SIMULATIONS, seed: int = 0
) -> dict:
    """Could one known operator have written every document? (H0: one of them wrote all.)

    Under H0 "operator o wrote all n documents", the counts given to each operator are multinomial
    with o's confusion row; that row is only known through o's out-of-fold reference counts, so
    it is drawn from its Dirichlet posterior (counts plus the smoothing prior) and the counts
    from the resulting Dirichlet-multinomial. The statistic is the deviance of the observed counts
    from o's expected row; its p-value is simulated. H0 is the union over operators, so the
    p-value is the largest per-operator one. A writer outside the set is no case of this H0.
    """
    given = np.asarray(given, dtype=float)
    counts = np.asarray(counts, dtype=float)
    k = len(names)
    n = int(given.sum())
    rng = np.random.default_rng([seed, 13, n])
    per_operator: dict[str, dict[str, Any]] = {}
    p_values: list[float] = []
    for o, name in enumerate(names):
        concentration = counts[o] + SMOOTHING / k
        expected = concentration / concentration.sum()
        observed = float(_deviance(given, expected))
        if n == 0:
            p = 1.0
        else:
            rows = rng.dirichlet(concentration, size=n_simulations)
            simulated = _deviance(rng.multinomial(n, rows).astype(float), expected)
            p = float((1 + (simulated >= observed - 1e-9).sum()) / (1 + n_simulations))
        per_operator[name] = {
            "documents_to_others": int(n - given[o]),
            "reference_errors": f"{int(counts[o].sum() - counts[o, o])}/{int(counts[o].sum())}",
            "p_value": round(p, 6),
        }
        p_values.append(round(p, 6))
    p_value = max(p_values, default=1.0)
    return {"p_value": p_value, "per_operator": per_operator}
