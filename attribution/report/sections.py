"""Views of the optional parts of a result (behaviour, shifts, coordination, rolling, features).

Each function turns one part of the result dict into the plain values the template shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from markupsafe import Markup

from attribution.report import plots
from attribution.report.wording import FAMILY_NAMES, format_p, group_label, shift_sentence, truncate


def behaviour_clusters(behaviour: Mapping) -> list[tuple[str, Any, Mapping]]:
    """(cluster key, 7x24 grid or None, entry) from either behaviour shape.

    Accepts ``{"clusters": [{"label"|"cluster": .., "profile_utc"|"profile"|"histogram": ..}]}``
    (``compare_cluster_schedules``) and ``{"profiles": {cluster: grid}}``.
    """
    entries = []
    if isinstance(behaviour.get("clusters"), list):
        for entry in behaviour["clusters"]:
            if not isinstance(entry, Mapping):
                continue
            key = entry.get("label", entry.get("cluster"))
            grid = next((entry[k] for k in ("profile_utc", "profile", "histogram") if entry.get(k) is not None), None)
            entries.append((str(key), grid, entry))
    elif isinstance(behaviour.get("profiles"), Mapping):
        entries = [(str(key), grid, {}) for key, grid in behaviour["profiles"].items()]
    return sorted(entries, key=lambda e: cluster_sort_key(e[0]))


def group_of_key(key: str, group_index: Mapping[int, int]) -> int | None:
    try:
        return group_index[int(key)]
    except (ValueError, KeyError):
        return None


def posting_profiles(result: Mapping, group_index: Mapping[int, int]) -> tuple[dict[str, np.ndarray], str, str]:
    """Hour x weekday counts per group: the behaviour section's own, else from document time stamps.

    Returns (profiles keyed by group label, time zone, where they came from).
    """
    behaviour = result.get("behaviour") or {}
    tz = str(behaviour.get("tz") or "UTC")
    profiles: dict[str, np.ndarray] = {}
    for key, grid, _ in behaviour_clusters(behaviour):
        array = np.asarray(grid, dtype=float) if grid is not None else None
        if array is None or array.shape not in {(7, 24), (24, 7)}:
            continue
        group = group_of_key(key, group_index)
        profiles[group_label(group) if group is not None else key] = array if array.shape == (7, 24) else array.T
    if profiles:
        return profiles, tz, "posts"
    for doc in result["documents"]:
        stamp = plots._parse_time(doc.get("timestamp"))
        if stamp is None or doc.get("cluster") is None:
            continue
        label = group_label(group_index.get(int(doc["cluster"]), -1))
        grid = profiles.setdefault(label, np.zeros((7, 24)))
        grid[stamp.weekday(), stamp.hour] += 1
    return dict(sorted(profiles.items())), "UTC", "documents"


def behaviour_summary(result: Mapping, group_index: Mapping[int, int]) -> tuple[str, list[dict]]:
    """(headline finding, per-group schedule sentences) from the behaviour section."""
    behaviour = result.get("behaviour") or {}
    finding = str(behaviour.get("text") or "")
    test = behaviour.get("test") if isinstance(behaviour.get("test"), Mapping) else None
    if not finding and test and test.get("p_value") is not None:
        p = float(test["p_value"])
        effect = f", Cram\u00e9r's V = {test['cramers_v']:.2f}" if test.get("cramers_v") is not None else ""
        if p < 0.05:
            finding = f"The groups post at different hours ({format_p(p)}{effect}): the style split and the schedule split agree."
        else:
            finding = f"The groups' posting hours do not clearly differ ({format_p(p)}{effect})."
    rows = []
    for key, _, entry in behaviour_clusters(behaviour):
        shift = entry.get("shift")
        if not isinstance(shift, Mapping):
            continue
        group = group_of_key(key, group_index)
        rows.append(
            {
                "name": group_label(group) if group is not None else key,
                "colour": plots.group_colour(group if group is not None else -1),
                "text": shift_sentence(shift),
            }
        )
    return finding, rows


def cluster_sort_key(key: Any) -> tuple[int, Any]:
    try:
        return (0, int(key))
    except (TypeError, ValueError):
        return (1, str(key))


def shift_view(shifts: Any) -> dict | None:
    """Per-account schedule rows from ``analyse_shifts`` output (or why it did not run)."""
    if not isinstance(shifts, Mapping):
        return None
    note = str(shifts.get("error") or shifts.get("reason") or "")
    rows = []
    for entry in shifts.get("accounts") or []:
        if not isinstance(entry, Mapping):
            continue
        if entry.get("status", "ok") != "ok":
            text = f"Not enough time-stamped posts ({entry.get('reason') or entry.get('status')})."
        else:
            text = shift_sentence(entry)
            claim = entry.get("claim") or {}
            if claim.get("claimed_tz"):
                text += (
                    f" Consistent with the claimed zone {claim['claimed_tz']}."
                    if claim.get("consistent")
                    else f" Not consistent with the claimed zone {claim['claimed_tz']}."
                )
        rows.append({"account": str(entry.get("account", "")), "n_posts": entry.get("n_posts"), "text": text})
    if not rows and not note:
        return None
    return {"rows": rows, "note": note}


def coordination_view(coordination: Any, limit: int = 15) -> dict | None:
    """Summary and strongest links from ``analyse_coordination`` output (or why it did not run)."""
    if not isinstance(coordination, Mapping):
        return None
    note = str(coordination.get("error") or coordination.get("reason") or "")
    summary = coordination.get("summary") or {}
    edges = []
    for edge in sorted(
        (e for e in coordination.get("edges") or [] if isinstance(e, Mapping)),
        key=lambda e: -float(e.get("weight") or 0),
    )[:limit]:
        evidence = edge.get("evidence") or {}
        example = (evidence.get("duplicate_examples") or [None])[0]
        edges.append(
            {
                "source": str(edge.get("source", "")),
                "target": str(edge.get("target", "")),
                "strong": bool(edge.get("strong")),
                "near_duplicates": evidence.get("near_duplicates", 0),
                "synchronised": evidence.get("synchronised_near_duplicates", 0),
                "p_sync": evidence.get("synchronised_p_bonferroni"),
                "shared": ", ".join(str(t) for t in evidence.get("shared_tokens") or []),
                "example": [truncate(example.get("a", ""), 200), truncate(example.get("b", ""), 200)]
                if isinstance(example, Mapping)
                else None,
            }
        )
    clusters = [
        {"cluster": c.get("cluster"), "accounts": ", ".join(str(a) for a in c.get("accounts") or [])}
        for c in coordination.get("clusters") or []
        if isinstance(c, Mapping)
    ]
    if not edges and not summary and not note:
        return None
    text = ""
    if summary:
        text = (
            f"{summary.get('accounts', 0)} accounts, {summary.get('posts', 0):,} posts: "
            f"{summary.get('strong_edges', 0)} strong links, {summary.get('clusters', 0)} coordinated clusters "
            f"covering {summary.get('accounts_in_clusters', 0)} accounts."
        )
    return {"text": text, "edges": edges, "clusters": clusters, "note": note}


def feature_rows(features: Sequence[Mapping]) -> list[dict]:
    rows = []
    scale = max([abs(float(f.get("z") or 0)) for f in features] + [1e-9])
    for item in features:
        name = str(item.get("feature", ""))
        family = str(item.get("family") or (name.split("__", 1)[0] if "__" in name else ""))
        shown = name.split("__", 1)[1] if "__" in name else name
        z = float(item.get("z") or 0.0)
        rows.append(
            {
                "family": FAMILY_NAMES.get(family, family or "feature"),
                "feature": shown,
                "visible": shown.strip() == "" or shown != shown.strip(),  # spaces matter in char n-grams
                "z": z,
                "direction": "more" if z >= 0 else "less",
                "width": round(100 * abs(z) / scale, 1),
            }
        )
    return rows


def rolling_view(result: Mapping, group_index: Mapping[int, int], operator_names: Sequence[str]) -> list[dict]:
    """Per flagged document: change points in words and a probability plot along the text."""
    rolling = result.get("rolling")
    if not isinstance(rolling, Mapping):
        return []
    views = []
    for entry in rolling.get("documents") or []:
        windows = [w for w in entry.get("windows") or [] if isinstance(w, Mapping)]
        if not windows:
            continue
        names = sorted(
            {n for w in windows for n in (w.get("probabilities") or {})},
            key=lambda n: (n not in operator_names, operator_names.index(n) if n in operator_names else 0, n),
        )
        colours = []
        for name in names:
            if name in operator_names:
                colours.append(plots.operator_colour(operator_names.index(name)))
            elif name.startswith("cluster ") and name[8:].lstrip("-").isdigit():
                colours.append(plots.group_colour(group_index.get(int(name[8:]), -1)))
            else:
                colours.append(plots.NEUTRAL)
        shown = [rolling_name(n, group_index) for n in names]
        renamed = [
            {**w, "probabilities": {rolling_name(k, group_index): v for k, v in (w.get("probabilities") or {}).items()}}
            for w in windows
        ]
        changes = [
            f"from {rolling_name(c.get('from'), group_index)} to {rolling_name(c.get('to'), group_index)} at token {int(c.get('token', 0)):,}"
            for c in entry.get("change_points") or []
            if isinstance(c, Mapping)
        ]
        document_id = str(entry.get("document_id", ""))
        views.append(
            {
                "document_id": document_id,
                "changes": changes,
                "figure": Markup(
                    plots.rolling_windows(
                        renamed,
                        shown,
                        colours,
                        title=document_id,
                        changes=[
                            int(c.get("token", 0)) for c in entry.get("change_points") or [] if isinstance(c, Mapping)
                        ],
                    )
                ),
            }
        )
    return views


def rolling_name(name: Any, group_index: Mapping[int, int]) -> str:
    """Rolling windows name clusters "cluster 3"; the report calls them Group A, B, ..."""
    text = str(name)
    if text.startswith("cluster ") and text[8:].lstrip("-").isdigit():
        return group_label(group_index.get(int(text[8:]), -1))
    return text
