"""Join with style: do the style clusters of a byline also differ in when they post?"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from attribution.behaviour.profile import local_hour_weekday
from attribution.behaviour.shifts import ShiftPatternModel
from attribution.errors import ConfigError, InsufficientEvidenceError


def _aligned_seconds(timestamps: Iterable) -> tuple[np.ndarray, np.ndarray]:
    """UTC seconds and a validity mask, aligned with the input (missing stamps -> invalid)."""
    values = pd.Series(
        list(timestamps) if not isinstance(timestamps, (pd.Series, pd.Index, np.ndarray)) else timestamps
    )
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values, utc=True)
    else:
        parsed = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    valid = parsed.notna().to_numpy()
    seconds = np.zeros(len(parsed), dtype=np.int64)
    seconds[valid] = parsed[valid].astype("datetime64[s, UTC]").astype("int64").to_numpy()
    return seconds, valid


def _chi2(table: np.ndarray) -> float:
    """Pearson chi-square of a contingency table (rows with no counts ignored)."""
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    return float(((table - expected) ** 2 / expected).sum())


def _js_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance (base 2, in [0, 1]) between two count vectors."""
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        keep = a > 0
        return float((a[keep] * np.log2(a[keep] / m[keep])).sum())

    return float(np.sqrt(max(0.5 * kl(p) + 0.5 * kl(q), 0.0)))


def compare_cluster_schedules(
    timestamps: Iterable,
    labels: Sequence,
    *,
    groups: Sequence | None = None,
    n_permutations: int = 999,
    min_posts: int = 30,
    seed: int = 0,
) -> dict:
    """Hour x weekday profile, shift fit and a permutation test of hour-of-day differences per cluster.

    The result drops into the composite result's ``behaviour`` key: ``tz``, ``profiles``
    (label -> 7 x 24 counts, Monday first) and ``text`` are what the HTML report reads.

    ``timestamps[i]`` belongs to cluster ``labels[i]``. ``groups`` names the exchangeable units
    (e.g. the document each post belongs to): labels are permuted between units, not posts,
    so bursts inside one document do not count as independent evidence. Posts without a time
    stamp are dropped.
    """
    seconds, valid = _aligned_seconds(timestamps)
    labels = np.asarray([str(v) for v in labels], dtype=object)
    if len(labels) != len(seconds):
        raise ConfigError(f"timestamps ({len(seconds)}) and labels ({len(labels)}) differ in length")
    units = np.arange(len(labels)) if groups is None else pd.factorize(np.asarray(groups, dtype=object))[0]
    if len(units) != len(labels):
        raise ConfigError(f"groups ({len(units)}) and labels ({len(labels)}) differ in length")
    seconds, labels, units = seconds[valid], labels[valid], units[valid]
    if len(seconds) == 0:
        raise InsufficientEvidenceError("no time-stamped posts to compare")
    names, codes = np.unique(labels, return_inverse=True)
    hours, weekdays = local_hour_weekday(seconds)
    table = np.zeros((len(names), 24))
    np.add.at(table, (codes, hours), 1)

    clusters = []
    for k, name in enumerate(names):
        mine = codes == k
        profile = np.bincount(weekdays[mine] * 24 + hours[mine], minlength=168).reshape(7, 24)
        entry = {"label": name, "n_posts": int(mine.sum()), "profile_utc": profile.tolist()}
        if mine.sum() >= min_posts:
            model = ShiftPatternModel(min_posts=min_posts).fit(seconds[mine])
            entry["shift"] = {
                key: value
                for key, value in model.to_dict().items()
                if key
                in (
                    "model",
                    "office_score",
                    "offset",
                    "offset_label",
                    "offset_interval",
                    "office_schedule_utc",
                    "regularity",
                    "volume",
                )
            }
        else:
            entry["shift"] = None
        clusters.append(entry)

    test = None
    if len(names) >= 2:
        observed = _chi2(table)
        rng = np.random.default_rng(seed)
        unit_ids, unit_index = np.unique(units, return_inverse=True)
        unit_label = np.zeros(len(unit_ids), dtype=np.int64)
        unit_label[unit_index] = codes
        exceed = 0
        for _ in range(n_permutations):
            shuffled = rng.permutation(unit_label)[unit_index]
            null = np.zeros_like(table)
            np.add.at(null, (shuffled, hours), 1)
            exceed += _chi2(null) >= observed - 1e-9
        n = table.sum()
        cramers_v = np.sqrt(observed / (n * (min(table.shape[0], (table.sum(0) > 0).sum()) - 1))) if n else 0.0
        test = {
            "statistic_name": "chi2_cluster_by_utc_hour",
            "statistic": round(observed, 4),
            "p_value": round((1 + exceed) / (n_permutations + 1), 6),
            "null_method": "permutation of cluster labels between " + ("posts" if groups is None else "groups"),
            "n_null": n_permutations,
            "cramers_v": round(float(cramers_v), 4),
        }
    pairwise = [
        {
            "a": names[i],
            "b": names[j],
            "js_distance_hour": round(_js_distance(table[i], table[j]), 4),
            "offset_gap_hours": None
            if clusters[i]["shift"] is None or clusters[j]["shift"] is None
            else clusters[i]["shift"]["offset"] - clusters[j]["shift"]["offset"],
        }
        for i, j in itertools.combinations(range(len(names)), 2)
        if table[i].sum() and table[j].sum()
    ]
    differ = None if test is None else bool(test["p_value"] < 0.05)
    return {
        "tz": "UTC",
        "profiles": {c["label"]: c["profile_utc"] for c in clusters},
        "clusters": clusters,
        "test": test,
        "pairwise": pairwise,
        "differ": differ,
        "text": _sentence(clusters, test, differ),
        "seed": seed,
    }


def _sentence(clusters: list[dict], test: dict | None, differ: bool | None) -> str:
    """One plain sentence for the report."""
    if test is None:
        return "Only one group has time-stamped posts; there is no schedule to compare."
    offsets = ", ".join(
        f"group {c['label']}: {c['shift']['model']} schedule, {c['shift']['offset_label']}"
        for c in clusters
        if c["shift"] is not None
    )
    verdict = "post at different hours" if differ else "do not post at detectably different hours"
    return f"The {len(clusters)} groups {verdict} (permutation test on the hour of day, p = {test['p_value']:.3g})" + (
        f"; {offsets}." if offsets else "."
    )


def byline_schedules(posts, units, labels: Sequence[int], *, min_posts: int = 30, seed: int = 0) -> dict | None:
    """The style clusters' posting schedules for a composite result, or ``None`` without clock times.

    ``posts`` is the byline's corpus ``Dataset`` and ``units`` the analysis units the clusters
    label (the same rows, or tweet groups whose ``meta.posts`` name their member posts). Every
    post carries its unit's cluster and labels are permuted between units. Time stamps that all
    sit at midnight UTC are dates, not clock times, and give no schedule.
    """
    if len(set(int(v) for v in labels)) < 2:
        return None
    stamp_of = dict(zip(posts["id"], posts["timestamp"]))
    stamps, post_labels, groups = [], [], []
    for index, (unit_id, meta, label) in enumerate(zip(units["id"], units["meta"], labels)):
        members = json.loads(meta or "{}").get("posts") or [unit_id]
        for post in members:
            stamp = stamp_of.get(post)
            if stamp is not None:
                stamps.append(stamp)
                post_labels.append(int(label))
                groups.append(index)
    seconds, valid = _aligned_seconds(stamps)
    seconds = seconds[valid]
    if len(seconds) < min_posts or not (seconds % 86400).any():
        return None
    # Unparseable stamps are dropped there, with their labels and groups.
    return compare_cluster_schedules(stamps, post_labels, groups=groups, min_posts=min_posts, seed=seed)
