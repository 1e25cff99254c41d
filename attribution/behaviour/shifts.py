"""Shift patterns: does an account post on an office schedule, in which time zone, how regularly?

Two models of the hour-of-week distribution of posts, both written in local time at a candidate
whole-hour UTC offset:

- **office**: piecewise-constant rates on workdays (shift hours, a one-hour lunch dip, off
  hours) and on weekends (shift hours, off hours); the shift start, end and lunch hour are fitted
  from a grid. Its likelihood has a closed form (a multinomial with grouped bins).
- **organic**: a smooth circadian curve (two daily harmonics) with a weekend effect, fitted as a
  Poisson GLM; the weekend effect has a prior (a person's rhythm does not stop at weekends), so
  its likelihood here is the penalised one.

The shape of a schedule is identifiable in UTC; the UTC *offset* is not, without an assumption
about when local days start. Both models therefore carry a stated prior on where their features
sit in local time (office work starts near 09:00, lunch near 13:00, ends near 18:00; organic
activity bottoms out near 04:00). Days turn over at 04:00 local, not midnight: posts in the small
hours count with the evening before them. The offset estimate is the maximum of the profile log
posterior over offsets, and its interval is every offset within 1.92 (chi-square 95%) of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from attribution.behaviour.profile import (
    format_offset,
    posting_profile,
    posts_frame,
    shift_profile,
    to_utc_seconds,
    zone_offsets,
)
from attribution.errors import ConfigError, InsufficientEvidenceError
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

#: Candidate whole-hour UTC offsets: one per hour of the day, so no two differ by a whole day
#: (UTC+13/+14, New Zealand summer time and Tonga, read as UTC-11/-10).
OFFSETS = np.arange(-11, 13)

#: Half the 95% chi-square quantile with one degree of freedom: the profile-likelihood cut.
PROFILE_CUT = 1.92

#: Offsets of the contiguous United States (EDT ... PST).
US_OFFSETS = (-4, -5, -6, -7, -8)

HOURS = np.arange(24)
#: Local hour at which one day's activity ends and the next begins: a weekend runs from Saturday
#: 04:00 to Monday 04:00, so late Friday and Sunday nights are not cut at midnight.
DAY_TURNOVER = 4
HARMONICS = 2


@dataclass(frozen=True)
class SchedulePrior:
    """Where, in local time, the features of each model are assumed to sit (hours; mean, sd).

    These are conventions, not fitted: an office whose day really starts at 08:00 comes out one
    hour east of its true zone.
    """

    start: tuple[float, float] = (9.0, 1.0)
    end: tuple[float, float] = (18.0, 1.5)
    lunch: tuple[float, float] = (13.0, 0.75)
    trough: tuple[float, float] = (4.0, 1.5)  # centre of the quietest six hours (the night)
    organic_weekend_sd: float = 0.5  # sd of the organic weekend log-rate ratio


def _office_grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (start, end, lunch) with lunch = -1 for none; masks of work and lunch hours."""
    configs, work, lunch = [], [], []
    for start in range(5, 13):
        for end in range(start + 6, min(start + 13, 24) + 1):
            for dip in [-1, *range(start + 2, end - 2)]:
                hours_on = (HOURS >= start) & (HOURS < end)
                dip_mask = HOURS == dip
                configs.append((start, end, dip))
                work.append(hours_on & ~dip_mask)
                lunch.append(dip_mask)
    return np.array(configs), np.array(work, dtype=float), np.array(lunch, dtype=float)


_CONFIGS, _WORK, _LUNCH = _office_grid()


def _xlogx_ratio(n: np.ndarray, m: np.ndarray, total: float) -> np.ndarray:
    """Elementwise ``n * log(n / (total * m))`` with ``0 log 0 = 0``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = n * np.log(n / (total * m))
    return np.where(n > 0, value, 0.0)


def _circular_gap(a: np.ndarray | float, b: float) -> np.ndarray:
    """Signed smallest difference a - b on a 24-hour circle."""
    return (np.asarray(a) - b + 12.0) % 24.0 - 12.0


def _offset_profiles(profile_utc: np.ndarray) -> np.ndarray:
    """(n_offsets, 7, 24) local profiles for every candidate offset."""
    return np.stack([shift_profile(profile_utc, o) for o in OFFSETS])


def _split_week(local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(workday, weekend) counts by local hour, (n_offsets, 24) each; days turn over at ``DAY_TURNOVER``.

    The small hours belong to the evening before: Friday 01:00 is still Thursday night's work.
    """
    weekend_days = np.arange(7) >= 5
    owner = np.where(HOURS[None, :] < DAY_TURNOVER, np.roll(weekend_days, 1)[:, None], weekend_days[:, None])
    weekend = (local * owner).sum(axis=1)
    return local.sum(axis=1) - weekend, weekend


def _office_fit(local: np.ndarray, prior: SchedulePrior) -> dict:
    """Office log-likelihood and log-posterior for each offset; best configuration per offset."""
    total = float(local[0].sum())
    weekday, weekend = _split_week(local)
    on = _WORK + _LUNCH  # weekend shift hours include the lunch hour
    groups = (
        (weekday @ _WORK.T, 5 * _WORK.sum(1)),
        (weekday @ _LUNCH.T, 5 * _LUNCH.sum(1)),
        (weekday.sum(1, keepdims=True) - weekday @ on.T, 5 * (24 - on.sum(1))),
        (weekend @ on.T, 2 * on.sum(1)),
        (weekend.sum(1, keepdims=True) - weekend @ on.T, 2 * (24 - on.sum(1))),
    )
    loglik = sum(_xlogx_ratio(n, np.broadcast_to(m, n.shape), total) for n, m in groups)
    start, end, dip = _CONFIGS.T
    log_prior = (
        -0.5 * ((start - prior.start[0]) / prior.start[1]) ** 2
        - 0.5 * ((end - prior.end[0]) / prior.end[1]) ** 2
        + np.where(dip >= 0, -0.5 * ((dip - prior.lunch[0]) / prior.lunch[1]) ** 2 - 0.5 * np.log(max(total, 2)), 0.0)
    )
    posterior = loglik + log_prior
    best = posterior.argmax(axis=1)
    rows = np.arange(len(OFFSETS))
    return {
        "loglik_max": float(loglik.max()),
        "log_posterior": posterior[rows, best],
        "config": _CONFIGS[best],
        "loglik": loglik[rows, best],
    }


def _design(weekend_mask: np.ndarray) -> np.ndarray:
    """Poisson GLM design over 168 local hour-of-week bins."""
    hour = np.tile(HOURS, 7).astype(float)
    columns = [np.ones(168)]
    for k in range(1, HARMONICS + 1):
        angle = 2 * np.pi * k * hour / 24
        columns += [np.cos(angle), np.sin(angle)]
    columns.append(weekend_mask.astype(float))
    return np.stack(columns, axis=1)


_WEEKEND = np.roll(np.repeat(np.arange(7) >= 5, 24), DAY_TURNOVER)
_DESIGN = _design(_WEEKEND)


def _poisson_glm(counts: np.ndarray, design: np.ndarray, ridge: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Batched MAP Newton fits of ``log mu = X beta`` with a Gaussian prior of precision ``ridge``
    per coefficient; counts (batch, bins). Returns beta (batch, p)."""
    batch, p = counts.shape[0], design.shape[1]
    beta = np.zeros((batch, p))
    beta[:, 0] = np.log(counts.mean(axis=1) + 1e-9)
    penalty = np.diag(ridge)
    for _ in range(iterations):
        mu = np.exp(np.clip(beta @ design.T, -50, 50))
        gradient = (counts - mu) @ design - beta @ penalty
        hessian = np.einsum("bn,np,nq->bpq", mu, design, design) + penalty
        step = np.linalg.solve(hessian, gradient[..., None])[..., 0]
        norm = np.abs(step).max(axis=1, keepdims=True)
        beta += step * np.minimum(1.0, 5.0 / np.maximum(norm, 1e-12))
        if norm.max() < 1e-7:
            break
    return beta


def _quiet_centre(hour_counts: np.ndarray, width: int = 6) -> np.ndarray:
    """Centre (hours) of the quietest ``width``-hour circular window; ties averaged on the circle."""
    counts = np.atleast_2d(hour_counts).astype(float)
    windows = sum(np.roll(counts, -k, axis=1) for k in range(width))  # window starting at each hour
    quiet = windows == windows.min(axis=1, keepdims=True)
    angle = 2 * np.pi * (np.arange(24) + width / 2) / 24
    mean = np.arctan2((quiet * np.sin(angle)).sum(1), (quiet * np.cos(angle)).sum(1))
    return (mean * 24 / (2 * np.pi)) % 24


def _organic_fit(local: np.ndarray, prior: SchedulePrior) -> dict:
    """Organic log-likelihood and log-posterior for each offset, and the local night (quietest 6 h)."""
    counts = local.reshape(len(OFFSETS), 168).astype(float)
    # A person's own rhythm does not stop at weekends: the weekend log-rate ratio has a prior
    # N(0, sd^2), so a 95%-weekday account is expensive for the organic model.
    ridge = np.full(_DESIGN.shape[1], 1e-3)
    ridge[0] = 0.0
    ridge[-1] = 1.0 / prior.organic_weekend_sd**2
    beta = _poisson_glm(counts, _DESIGN, ridge)
    eta = beta @ _DESIGN.T
    log_p = eta - np.log(np.exp(eta).sum(axis=1, keepdims=True))
    loglik = (counts * log_p).sum(axis=1) - 0.5 * ridge[-1] * beta[:, -1] ** 2
    # The night is read from the counts, not the fitted curve: two harmonics cannot reach the
    # empty hours of a real night, so the curve's minimum wanders.
    trough = _quiet_centre(local.sum(axis=1))
    log_prior = -0.5 * (_circular_gap(trough, prior.trough[0]) / prior.trough[1]) ** 2
    return {"loglik_max": float(loglik.max()), "log_posterior": loglik + log_prior, "loglik": loglik, "trough": trough}


def _interval(log_posterior: np.ndarray, best: int) -> tuple[int, int]:
    """The shortest run of offsets holding every offset within ``PROFILE_CUT`` of the maximum.

    A second mode within the cut (an organic rhythm fits UTC+12 and UTC-5 almost equally) widens
    the run instead of being left out, so a claimed zone the cut accepts always lies in it.
    Offsets are circular (UTC+12 is next to UTC-11), so the run may wrap: then ``lo > hi``.
    """
    keep = log_posterior >= log_posterior[best] - PROFILE_CUT
    size = len(keep)
    if keep.all():
        return int(OFFSETS[0]), int(OFFSETS[-1])
    kept = np.flatnonzero(keep)
    # The run is the circle less its widest stretch of excluded offsets.
    gaps = (np.roll(kept, -1) - kept) % size
    gaps[gaps == 0] = size
    widest = int(gaps.argmax())
    return int(OFFSETS[kept[(widest + 1) % len(kept)]]), int(OFFSETS[kept[widest]])


def offset_in_interval(offset: int, interval: Sequence[int]) -> bool:
    """Whether ``offset`` lies in a (possibly wrapping) offset interval."""
    lo, hi = interval
    return lo <= offset <= hi if lo <= hi else offset >= lo or offset <= hi


class ShiftPatternModel:
    """Office schedule vs organic circadian rhythm for one account's time stamps.

    Parameters
    ----------
    prior : SchedulePrior
        Where office hours and the organic night trough are assumed to sit in local time.
    min_posts : int
        Fewer time stamps than this raise ``InsufficientEvidenceError`` in ``fit``.
    plausible_daily_posts : int
        Posts per local day above which one person is implausible (volume check).

    Attributes
    ----------
    profile_ : ndarray of shape (7, 24)
        UTC counts, weekday x hour.
    model_ : {"office", "organic"}
        The model with the higher penalised likelihood (BIC).
    log_lr_ : float
        Maximised log-likelihood ratio, office minus organic (the organic side penalised by its
        weekend prior).
    office_score_ : float
        ``log_lr_`` minus the BIC penalty for the office model's extra parameters; > 0 favours office.
    offset_, offset_interval_ : int, (int, int)
        Best whole-hour UTC offset of the writers and its ~95% profile interval (``lo > hi``
        when it wraps past UTC+12).
    offset_log_posterior_ : ndarray of shape (24,)
        Profile log posterior of the chosen model at each offset in ``OFFSETS``.
    """

    #: Free parameters: office = 4 rates + start, end, lunch; organic = 2 harmonics x 2 + weekend.
    K_OFFICE, K_ORGANIC = 7, 5

    def __init__(
        self, *, prior: SchedulePrior = SchedulePrior(), min_posts: int = 30, plausible_daily_posts: int = 100
    ):
        self.prior = prior
        self.min_posts = min_posts
        self.plausible_daily_posts = plausible_daily_posts

    def fit(self, timestamps: Iterable) -> ShiftPatternModel:
        """Fit both models on the time stamps (any form ``to_utc_seconds`` reads)."""
        seconds = np.sort(to_utc_seconds(timestamps))
        if self.min_posts < 1:
            raise ConfigError(f"min_posts must be >= 1, got {self.min_posts}")
        if len(seconds) < self.min_posts:
            raise InsufficientEvidenceError(
                f"{len(seconds)} time stamps; the shift model needs at least {self.min_posts}"
            )
        self.seconds_ = seconds
        self.n_posts_ = len(seconds)
        self.profile_ = posting_profile(seconds)
        local = _offset_profiles(self.profile_)
        office = _office_fit(local, self.prior)
        organic = _organic_fit(local, self.prior)
        self.log_lr_ = office["loglik_max"] - organic["loglik_max"]
        self.office_score_ = self.log_lr_ - 0.5 * (self.K_OFFICE - self.K_ORGANIC) * np.log(self.n_posts_)
        self.model_ = "office" if self.office_score_ > 0 else "organic"
        chosen = office if self.model_ == "office" else organic
        self.offset_log_posterior_ = np.asarray(chosen["log_posterior"], dtype=float)
        best = int(self.offset_log_posterior_.argmax())
        self.offset_ = int(OFFSETS[best])
        self.offset_interval_ = _interval(self.offset_log_posterior_, best)
        office_best = int(office["log_posterior"].argmax())
        start, end, dip = (int(v) for v in office["config"][office_best])
        self.office_schedule_ = {"start": start, "end": end, "lunch": None if dip < 0 else dip}
        self.office_offset_ = int(OFFSETS[office_best])
        self.organic_trough_ = float(organic["trough"][best])
        return self

    def _check(self) -> None:
        if not hasattr(self, "offset_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("ShiftPatternModel is not fitted yet; call fit(timestamps) first")

    def mismatch(self, claimed_offsets: Sequence[float], tolerance: int = 1) -> float:
        """Log-posterior gap between the best offset and the best claimed one (0 = consistent).

        Offsets within ``tolerance`` hours of a claimed one count as claimed: the schedule
        convention (an office day starting at 09:00) is itself uncertain by about an hour.
        """
        self._check()
        centres = np.round(np.asarray(claimed_offsets, dtype=float)).astype(int)
        spread = np.unique((centres[:, None] + np.arange(-tolerance, tolerance + 1)).ravel())
        claimed = np.isin(OFFSETS, spread)
        if not claimed.any():
            raise ConfigError(f"claimed offsets {list(claimed_offsets)} are outside UTC-11..UTC+12")
        return float(self.offset_log_posterior_.max() - self.offset_log_posterior_[claimed].max())

    def consistency(self, claimed_tz: str | float | int) -> dict:
        """Is the activity consistent with a claimed zone (IANA name or offset)?"""
        self._check()
        offsets = np.unique(np.round(zone_offsets(self.seconds_, claimed_tz)).astype(int))
        gap = self.mismatch(offsets)
        return {
            "claimed_tz": str(claimed_tz),
            "claimed_offsets": [format_offset(o) for o in offsets],
            "tolerance_hours": 1,
            "mismatch": round(gap, 3),
            "consistent": bool(gap < PROFILE_CUT),
            "profile_claimed": posting_profile(self.seconds_, claimed_tz).tolist(),
        }

    def regularity(self) -> dict:
        """How fixed the schedule is: hour concentration, week-to-week repeatability, start spread."""
        self._check()
        hours = self.profile_.sum(axis=0).astype(float)
        share = hours / hours.sum()
        entropy = -(share[share > 0] * np.log(share[share > 0])).sum()
        local = self.seconds_ + self.offset_ * 3600
        week = local // (7 * 86400)
        slot = ((local // 3600) + 3 * 24) % 168  # hour of week, Monday 00:00 = 0
        even = np.bincount(slot[week % 2 == 0], minlength=168)
        odd = np.bincount(slot[week % 2 == 1], minlength=168)
        repeat = float(np.corrcoef(even, odd)[0, 1]) if even.any() and odd.any() and even.std() and odd.std() else None
        day = local // 86400
        first = pd.Series(local % 86400 / 3600.0).groupby(day).min()
        counts = pd.Series(day).value_counts()
        first = first[counts.reindex(first.index).to_numpy() >= 3]
        return {
            "hour_concentration": round(float(1 - entropy / np.log(24)), 4),
            "week_repeatability": None if repeat is None else round(repeat, 4),
            "first_post_sd_hours": round(float(first.std()), 3) if len(first) > 2 else None,
            "weekday_share": round(float(shift_profile(self.profile_, self.offset_)[:5].sum() / self.n_posts_), 4),
        }

    def volume(self) -> dict:
        """Posts per active local day against what one person plausibly writes."""
        self._check()
        local = self.seconds_ + self.offset_ * 3600
        day = local // 86400
        per_day = np.bincount(day - day.min())
        per_day = per_day[per_day > 0]
        hours_per_day = pd.Series(local // 3600).groupby(day).nunique().to_numpy()
        over = int((per_day > self.plausible_daily_posts).sum())
        return {
            "active_days": int(len(per_day)),
            "posts_per_day_median": float(np.median(per_day)),
            "posts_per_day_p95": float(np.percentile(per_day, 95)),
            "posts_per_day_max": int(per_day.max()),
            "plausible_daily_posts": self.plausible_daily_posts,
            "days_over_plausible": over,
            "days_with_18h_coverage": int((hours_per_day >= 18).sum()),
            "beyond_one_person": bool(over > 0 and over >= 0.05 * len(per_day)),
        }

    def to_dict(self) -> dict:
        """JSON-ready summary of the fit (profiles as weekday x hour lists)."""
        self._check()
        schedule = self.office_schedule_
        return {
            "n_posts": self.n_posts_,
            "model": self.model_,
            "log_lr_office_vs_organic": round(self.log_lr_, 3),
            "office_score": round(float(self.office_score_), 3),
            "offset": self.offset_,
            "offset_label": format_offset(self.offset_),
            "offset_interval": list(self.offset_interval_),
            "offset_log_posterior": {
                str(int(o)): round(float(v - self.offset_log_posterior_.max()), 3)
                for o, v in zip(OFFSETS, self.offset_log_posterior_)
            },
            "office_schedule_local": schedule,
            "office_schedule_utc": {
                "start": (schedule["start"] - self.office_offset_) % 24,
                "end": (schedule["end"] - self.office_offset_) % 24,
                "lunch": None if schedule["lunch"] is None else (schedule["lunch"] - self.office_offset_) % 24,
            },
            "organic_night_centre_local": round(self.organic_trough_, 1),
            "regularity": self.regularity(),
            "volume": self.volume(),
            "profile_utc": self.profile_.tolist(),
            "profile_local": shift_profile(self.profile_, self.offset_).tolist(),
        }


def timestamps_by_account(dataset, account: str | None = None) -> dict[str, np.ndarray]:
    """UTC seconds per byline (falling back to author), sorted; rows without a time dropped."""
    frame = posts_frame(dataset, ("timestamp",))
    frame = frame[frame["timestamp"].notna()]
    if account is not None:
        frame = frame[frame["account"] == account]
        if frame.empty:
            raise ConfigError(f"no time-stamped posts for account {account!r}")
    seconds = frame["timestamp"].astype("datetime64[s, UTC]").astype("int64").to_numpy()
    names = frame["account"].astype(str).to_numpy(dtype=object)
    order = np.lexsort((seconds, names))
    names, seconds = names[order], seconds[order]
    if len(names) == 0:
        return {}
    cuts = np.flatnonzero(names[1:] != names[:-1]) + 1
    return {str(group[0]): secs for group, secs in zip(np.split(names, cuts), np.split(seconds, cuts))}


def analyse_shifts(
    dataset,
    account: str | None = None,
    claimed_tz: str | float | int | None = None,
    *,
    min_posts: int = 30,
    prior: SchedulePrior = SchedulePrior(),
    progress: ProgressFactory = no_progress,
) -> dict:
    """Fit ``ShiftPatternModel`` for every account (or one) of a corpus ``Dataset`` or posts frame.

    Returns ``{"accounts": [...], "summary": {...}}``; accounts with fewer than ``min_posts``
    time-stamped posts are listed with ``"status": "insufficient_evidence"`` and their profile.
    """
    groups = timestamps_by_account(dataset, account)
    if not groups:
        raise InsufficientEvidenceError("no time-stamped posts with a byline in this corpus")
    results = []
    for name in progress(sorted(groups), desc="shift models", total=len(groups)):
        seconds = groups[name]
        entry = {"account": name, "n_posts": int(len(seconds))}
        try:
            model = ShiftPatternModel(prior=prior, min_posts=min_posts).fit(seconds)
        except InsufficientEvidenceError as exc:
            entry.update(status="insufficient_evidence", reason=str(exc), profile_utc=posting_profile(seconds).tolist())
            results.append(entry)
            continue
        entry.update(status="ok", **model.to_dict())
        if claimed_tz is not None:
            entry["claim"] = model.consistency(claimed_tz)
        results.append(entry)
    fitted = [r for r in results if r["status"] == "ok"]
    offsets = pd.Series([r["offset_label"] for r in fitted]).value_counts()
    summary = {
        "accounts": len(results),
        "fitted": len(fitted),
        "office": sum(r["model"] == "office" for r in fitted),
        "offsets": {k: int(v) for k, v in offsets.items()},
    }
    if claimed_tz is not None:
        summary["inconsistent_with_claim"] = sum(not r["claim"]["consistent"] for r in fitted)
    return {"accounts": results, "summary": summary, "claimed_tz": None if claimed_tz is None else str(claimed_tz)}
