"""An optional evidence family: a per-post value the user names (posting client, source app).

Off by default and never part of the verdict: benches report results without it. When the user
names a column (``--metadata-col``), it is read after the writer model has split the byline and
asked one question: do the writers found differ in it more than the split's sessions would by
chance? A permutation test moves whole units (sessions), so one sitting's posts stay together.
A writer's own clients can follow the hour (a phone at night), so agreement corroborates a split
found on style and time; it does not prove one.
"""

from __future__ import annotations

import json
import logging
from collections import Counter

import numpy as np

from attribution.errors import ConfigError

log = logging.getLogger(__name__)

N_PERMUTATIONS = 999
#: Values shown per writer in the report.
TOP_VALUES = 3
MISSING = "(none)"


def metadata_values(meta: list[str | None], column: str, source: str = "the byline") -> np.ndarray:
    """The ``column`` value of each post, read from the corpus's ``meta`` JSON (unmapped columns,
    and those the loader was told to keep there); ``MISSING`` where a post has none, with one
    warning naming the first rows."""
    values, missing = [], []
    for row, text in enumerate(meta):
        record = json.loads(text) if text else {}
        value = record.get(column) if isinstance(record, dict) else None
        if value is None or str(value).strip() == "":
            missing.append(row)
            values.append(MISSING)
        else:
            values.append(str(value))
    if len(missing) == len(values):
        raise ConfigError(f"{source}: no post has a value in column {column!r} (--metadata-col)")
    if missing:
        log.warning(
            "%s: %d of %d posts have no %r (rows %s%s); counted as %s",
            source,
            len(missing),
            len(values),
            column,
            ", ".join(str(r + 1) for r in missing[:5]),
            " …" if len(missing) > 5 else "",
            MISSING,
        )
    return np.asarray(values, dtype=object)


def _g_statistic(table: np.ndarray) -> float:
    """The likelihood-ratio (G) statistic of independence in a writers x values table."""
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / max(table.sum(), 1.0)
    seen = table > 0
    return float(2.0 * np.sum(table[seen] * np.log(table[seen] / expected[seen])))


def metadata_evidence(
    values: np.ndarray,
    unit_of_post: np.ndarray,
    unit_labels: np.ndarray,
    column: str,
    seed: int = 0,
    *,
    rejected: bool = True,
) -> dict:
    """How the writers found (``unit_labels``, one per unit) differ in ``values``: each writer's
    commonest values, and a permutation p-value of the association (units keep their posts).

    ``rejected`` False: the labels are the best split of a byline whose test did not reject one
    writer; the metadata may still line up with it, which the sentence says as such."""
    categories, value_index = np.unique(values.astype(str), return_inverse=True)
    n_units = len(unit_labels)
    per_unit = np.zeros((n_units, len(categories)))
    np.add.at(per_unit, (unit_of_post, value_index), 1.0)
    k = int(unit_labels.max()) + 1 if n_units else 1

    def table(labels: np.ndarray) -> np.ndarray:
        out = np.zeros((k, len(categories)))
        np.add.at(out, labels, per_unit)
        return out

    by_writer = {}
    observed = table(unit_labels)
    for writer in range(k):
        counts = Counter({str(c): int(n) for c, n in zip(categories, observed[writer]) if n > 0})
        total = max(sum(counts.values()), 1)
        by_writer[str(writer)] = {value: round(n / total, 4) for value, n in counts.most_common(TOP_VALUES)}
    result = {
        "column": column,
        "values": len(categories),
        "by_writer": by_writer,
        "p_value": None,
        "split": "writers found" if rejected else "best split into writers, not significant",
    }
    if k < 2 or len(categories) < 2:
        result["sentence"] = f"Metadata '{column}' (not part of the verdict): " + (
            "no split to compare it with." if k < 2 else "every post has the same value."
        )
        return result
    statistic = _g_statistic(observed)
    rng = np.random.default_rng([seed, 53])
    null = np.array([_g_statistic(table(rng.permutation(unit_labels))) for _ in range(N_PERMUTATIONS)])
    p = float((1 + np.sum(null >= statistic)) / (1 + N_PERMUTATIONS))
    result.update(p_value=round(p, 6), statistic=round(statistic, 4))
    differ = "differ in it" if p <= 0.05 else "do not differ in it more than chance"
    who = (
        "the writers found"
        if rejected
        else "the writers of the best split (which style and time did not find significant)"
    )
    result["sentence"] = (
        f"Metadata '{column}' (not part of the verdict): {who} {differ} "
        f"(permutation p = {p:.3f} over {N_PERMUTATIONS} shuffles of the model's units, sittings or posts). A writer's own clients can follow "
        "the hour, so agreement corroborates the split; it does not prove one."
    )
    return result
