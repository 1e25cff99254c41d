"""The per-post writer model: a latent-writer mixture over posting sessions, all evidence in one.

Each writer has a style mean in the learned style space, a profile over the kinds of post
(link share, reply, hashtags) and a posting-time profile. A unit (a session, or one post when
there are no time stamps) is one writer's; its posts' style vectors, taken within their kind,
are that writer's mean plus a session effect plus per-post noise (a two-covariance model, as
PLDA scores speakers in diarisation), its posts' kinds are drawn from the writer's kind profile
and its start falls in a time bin drawn from the writer's time profile (both
Dirichlet-multinomial). Every part has a closed-form marginal likelihood, so every partition of
the units gets one score, and the evidence adds up instead of being chained:

    score(partition) = style + kind + time evidence + log prior(partition)

Variational EM (vectorised over units) finds a good partition for each k from several seeded
starts; the exact collapsed score of its hard labels is what is compared across k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln, logsumexp
from threadpoolctl import threadpool_limits

from attribution.composite.sessions import N_TIME_BINS
from attribution.features.short_text import N_POST_KINDS

VIEWS = ("style", "behaviour", "both")


@dataclass(frozen=True)
class StyleVariances:
    """Per-dimension variances of the style space, measured on calibration writers.

    ``within``: one post around its session's mean; ``session``: a session's mean around its
    writer's; ``between``: writers' means around each other.
    """

    within: np.ndarray
    session: np.ndarray
    between: np.ndarray


@dataclass
class Units:
    """A byline's posts pooled into units, with what the model needs of each."""

    unit_of_post: np.ndarray  # (n_posts,) unit index of each post
    size: np.ndarray  # (U,) posts per unit
    mean: np.ndarray  # (U, d) mean style vector of the unit's posts, centred on the byline mean
    precision: np.ndarray  # (U, d) 1 / (within / size + session)
    time_bin: np.ndarray  # (U,) bin of the unit's first post, -1 without a time
    kind_counts: np.ndarray  # (U, kinds) the unit's posts of each kind of post

    @property
    def n_units(self) -> int:
        return len(self.size)


def make_units(
    vectors: np.ndarray, unit_of_post: np.ndarray, bins: np.ndarray, kinds: np.ndarray, variances: StyleVariances
) -> Units:
    """Pool post vectors ``(n, d)`` and kinds of post (0..N_POST_KINDS-1) into the units named by
    ``unit_of_post`` (0..U-1)."""
    n_units = int(unit_of_post.max()) + 1 if len(unit_of_post) else 0
    size = np.bincount(unit_of_post, minlength=n_units).astype(float)
    sums = np.zeros((n_units, vectors.shape[1]))
    np.add.at(sums, unit_of_post, vectors)
    mean = sums / np.maximum(size, 1)[:, None]
    mean -= vectors.mean(axis=0) if len(vectors) else 0.0
    precision = 1.0 / (variances.within[None, :] / size[:, None] + variances.session[None, :])
    first = np.full(n_units, -1)
    # The first post of each unit in the caller's order is its start (units are time-ordered runs).
    for post in range(len(unit_of_post) - 1, -1, -1):
        first[unit_of_post[post]] = bins[post]
    kind_counts = np.zeros((n_units, N_POST_KINDS))
    np.add.at(kind_counts, (unit_of_post, np.asarray(kinds, dtype=int)), 1.0)
    return Units(
        unit_of_post=unit_of_post, size=size, mean=mean, precision=precision, time_bin=first, kind_counts=kind_counts
    )


@dataclass(frozen=True)
class ModelSettings:
    """The model's fixed choices (chosen on training writers, see ``docs/decisions.md``)."""

    time_concentration: float = 8.0  # Dirichlet strength of the byline-wide time profile
    # Not tuned: the time profile's strength, taken over (``docs/decisions.md``, stop 28).
    kind_concentration: float = 8.0  # Dirichlet strength of the byline-wide kind-of-post profile
    label_concentration: float = 1.0  # symmetric Dirichlet over writers' shares
    iterations: int = 40
    restarts: int = 4


class WriterMixture:
    """Score partitions of a byline's units into writers and find the best one for each k."""

    def __init__(
        self, units: Units, variances: StyleVariances, *, view: str = "both", settings: ModelSettings | None = None
    ):
        if view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
        self.units = units
        self.between = variances.between
        self.view = view
        self.settings = settings or ModelSettings()
        timed = units.time_bin >= 0
        counts = np.bincount(units.time_bin[timed], minlength=N_TIME_BINS).astype(float)
        base = (counts + 1.0) / (counts.sum() + N_TIME_BINS)
        self.time_prior = self.settings.time_concentration * base
        self.use_style = view in ("style", "both")
        self.use_time = view in ("behaviour", "both") and timed.any()
        self.onehot = np.zeros((units.n_units, N_TIME_BINS))
        self.onehot[np.flatnonzero(timed), units.time_bin[timed]] = 1.0
        # The kind of post is part of a writer's style (format habits); the style vectors are
        # taken within kind, so the kind profile carries that habit instead.
        self.use_kind = self.use_style
        kind_totals = units.kind_counts.sum(axis=0)
        self.kind_prior = self.settings.kind_concentration * (kind_totals + 1.0) / (kind_totals.sum() + N_POST_KINDS)

    # -- exact collapsed score of a hard partition ------------------------------------------
    def score(self, labels: np.ndarray) -> float:
        """Log marginal likelihood of the units under ``labels`` plus the partition's log prior."""
        k = int(labels.max()) + 1
        resp = np.zeros((len(labels), k))
        resp[np.arange(len(labels)), labels] = 1.0
        return float(self._cluster_terms(resp).sum() + self._label_prior(resp.sum(axis=0)))

    def _cluster_terms(self, resp: np.ndarray) -> np.ndarray:
        """Per cluster: style, kind and time evidence of the (soft) members, up to a partition-free constant."""
        terms = np.zeros(resp.shape[1])
        if self.use_style:
            terms += self._style_term(
                _weighted_sums(resp, self.units.precision), _weighted_sums(resp, self.units.precision * self.units.mean)
            )
        if self.use_kind:
            terms += _dirichlet_multinomial(_weighted_sums(resp, self.units.kind_counts), self.kind_prior)
        if self.use_time:
            terms += _dirichlet_multinomial(_weighted_sums(resp, self.onehot), self.time_prior)
        return terms

    def _label_prior(self, shares: np.ndarray) -> float:
        """Dirichlet-multinomial prior of the labels over the non-empty writers, labels unordered."""
        used = shares[shares > 0.5]
        g = self.settings.label_concentration
        k = len(used)
        return float(
            gammaln(k * g) - gammaln(k * g + used.sum()) + (gammaln(g + used) - gammaln(g)).sum() - gammaln(k + 1)
        )

    # -- search ---------------------------------------------------------------------------------
    def fit_k(self, k: int, seed: int = 0) -> tuple[float, np.ndarray, np.ndarray]:
        """(score, labels, responsibilities) of the best of several variational-EM starts with k writers."""
        n = self.units.n_units
        if k <= 1 or n < 2:
            labels = np.zeros(n, dtype=int)
            return self.score(labels), labels, np.ones((n, 1))
        best: tuple[float, np.ndarray, np.ndarray] | None = None
        rng = np.random.default_rng([seed, k])
        for start in range(self.settings.restarts):
            resp = self._initial(k, rng, start)
            resp = self._variational_em(resp)
            labels = _relabel(resp.argmax(axis=1))
            score = self.score(labels)
            if best is None or score > best[0]:
                best = (score, labels, resp)
        assert best is not None
        return best

    def _initial(self, k: int, rng: np.random.Generator, start: int) -> np.ndarray:
        """A starting soft partition: k-means++ seeds on the style means, on time, or at random."""
        n = self.units.n_units
        if start % 2 == 0 and self.use_style:
            points = self.units.mean * np.sqrt(self.units.precision)
        elif self.use_time:
            angle = 2 * np.pi * (self.units.time_bin % 24) / 24
            points = np.column_stack([np.cos(angle), np.sin(angle), (self.units.time_bin >= 24).astype(float)])
        else:
            points = rng.normal(size=(n, 2))
        centres = [points[rng.integers(n)]]
        for _ in range(1, k):
            d2 = np.min([((points - c) ** 2).sum(axis=1) for c in centres], axis=0)
            total = d2.sum()
            centres.append(points[rng.choice(n, p=d2 / total) if total > 0 else rng.integers(n)])
        d2 = np.stack([((points - c) ** 2).sum(axis=1) for c in centres], axis=1)
        resp = np.full((n, k), 0.1 / max(k - 1, 1))
        resp[np.arange(n), d2.argmin(axis=1)] = 0.9
        return resp

    def _variational_em(self, resp: np.ndarray) -> np.ndarray:
        """Mean-field updates of the writers' style means, time profiles and shares."""
        u = self.units
        g = self.settings.label_concentration
        weighted = u.precision * u.mean
        energy = (weighted * u.mean).sum(axis=1)[:, None]
        for _ in range(self.settings.iterations):
            shares = resp.sum(axis=0)
            log_r = digamma(g + shares) - digamma(resp.shape[1] * g + shares.sum())
            log_r = np.broadcast_to(log_r, resp.shape).copy()
            if self.use_style:
                tau = 1.0 / self.between[None, :] + _weighted_sums(resp, u.precision)  # (k, d)
                mean = (_weighted_sums(resp, weighted)) / tau
                # E[-lam/2 (y - mu)^2] summed over dims, per unit and writer.
                log_r += -0.5 * (energy - 2 * weighted @ mean.T + u.precision @ (mean**2 + 1.0 / tau).T)
            if self.use_kind:
                log_r += self.units.kind_counts @ _expected_log_profile(resp, self.units.kind_counts, self.kind_prior).T
            if self.use_time:
                log_r += self.onehot @ _expected_log_profile(resp, self.onehot, self.time_prior).T
            new = np.exp(log_r - logsumexp(log_r, axis=1, keepdims=True))
            if np.abs(new - resp).max() < 1e-5:
                return new
            resp = new
        return resp

    def posteriors(self, labels: np.ndarray) -> np.ndarray:
        """(U, k) probability of each unit's writer given every other unit's label (one Gibbs step)."""
        k = int(labels.max()) + 1
        n = len(labels)
        member = np.zeros((n, k))
        member[np.arange(n), labels] = 1.0
        own = member.astype(bool)
        log_p = np.log(member.sum(axis=0)[None, :] - member + self.settings.label_concentration)
        if self.use_style:
            u = self.units
            lam_c = _weighted_sums(member, u.precision)  # (k, d)
            lin_c = _weighted_sums(member, u.precision * u.mean)
            # Each cluster's statistics without unit i (only its own cluster changes).
            lam_wo = lam_c[None] - own[:, :, None] * u.precision[:, None, :]
            lin_wo = lin_c[None] - own[:, :, None] * (u.precision * u.mean)[:, None, :]
            add_lam = lam_wo + u.precision[:, None, :]
            add_lin = lin_wo + (u.precision * u.mean)[:, None, :]
            log_p += self._style_term(add_lam, add_lin) - self._style_term(lam_wo, lin_wo)
        for used, counts, prior in (
            (self.use_kind, self.units.kind_counts, self.kind_prior),
            (self.use_time, self.onehot, self.time_prior),
        ):
            if used:
                counts_c = _weighted_sums(member, counts)  # (k, categories)
                counts_wo = counts_c[None] - own[:, :, None] * counts[:, None, :]
                log_p += _dirichlet_multinomial(counts_wo + counts[:, None, :], prior) - _dirichlet_multinomial(
                    counts_wo, prior
                )
        return np.exp(log_p - logsumexp(log_p, axis=1, keepdims=True))

    def _style_term(self, lam: np.ndarray, lin: np.ndarray) -> np.ndarray:
        b = self.between
        return (-0.5 * np.log1p(b * lam) + 0.5 * lin**2 / (1.0 / b + lam)).sum(axis=-1)


def _dirichlet_multinomial(counts: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Log marginal likelihood of category ``counts`` (last axis) under a Dirichlet(``prior``) profile."""
    total = prior.sum()
    return (
        gammaln(total) - gammaln(total + counts.sum(axis=-1)) + (gammaln(prior + counts) - gammaln(prior)).sum(axis=-1)
    )


def _expected_log_profile(resp: np.ndarray, counts: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """(k, categories) E[log profile] of each writer under its variational Dirichlet posterior."""
    summed = _weighted_sums(resp, counts)
    return digamma(prior[None, :] + summed) - digamma(prior.sum() + summed.sum(axis=1, keepdims=True))


def _weighted_sums(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``weights.T @ values`` as ``(values.T @ weights).T``: the transposed product takes a slow
    BLAS path (30x slower on small k under load)."""
    return (values.T @ weights).T


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Labels 0..k-1 numbered by first appearance, empty writers dropped."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return rank[inverse]


@dataclass
class WriterFit:
    """The best partition found for each k = 1..k_max, with its score."""

    scores: np.ndarray  # (k_max,) collapsed score of the best partition with k writers
    labels: list[np.ndarray]  # unit labels for each k

    def gain(self) -> float:
        """The test statistic: how far the best split beats one writer."""
        return float(self.scores[1:].max() - self.scores[0]) if len(self.scores) > 1 else 0.0

    def choose_k(self, penalty: float) -> int:
        """k maximising score - penalty * (k - 1)."""
        return int(np.argmax(self.scores - penalty * np.arange(len(self.scores)))) + 1


def fit_writers(model: WriterMixture, k_max: int, seed: int = 0) -> WriterFit:
    """Fit k = 1..k_max writers (never more writers than units)."""
    k_max = max(1, min(k_max, model.units.n_units))
    scores, labels = [], []
    # Small products: one BLAS thread is faster than two fighting over a busy machine.
    with threadpool_limits(1):
        for k in range(1, k_max + 1):
            score, lab, _ = model.fit_k(k, seed)
            scores.append(score)
            labels.append(lab)
    return WriterFit(scores=np.asarray(scores), labels=labels)
