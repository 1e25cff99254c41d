"""The composite-byline HTML report: one self-contained page built from the result dict only.

The page has no script, loads nothing from the network (a Content-Security-Policy says so to
the browser) and escapes every piece of corpus text through jinja2's autoescape. Figures are
inline SVG from :mod:`attribution.report.plots`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from markupsafe import Markup

from attribution.atomic import write_text
from attribution.errors import AttributionError
from attribution.report import plots

logger = logging.getLogger(__name__)

#: Keys the report cannot do without (CONTRACTS.md "Composite result").
REQUIRED_KEYS = ("byline", "verdict", "documents")
#: Plain names for feature families (``family__feature``).
FAMILY_NAMES = {
    "mfw": "function word",
    "char": "characters",
    "word": "word",
    "punct": "punctuation",
    "length": "length",
    "syntax": "grammar",
    "embed": "meaning",
}
#: Verdict levels -> CSS class and the short badge shown above the verdict.
LEVELS = {
    "composite": ("composite", "Several writers"),
    "single": ("single", "One writer"),
    "inconclusive": ("inconclusive", "Inconclusive"),
    "insufficient_evidence": ("insufficient", "Not enough evidence"),
}
MAX_EXAMPLE_CHARS = 400
MAX_TABLE_ROWS = 2000


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("attribution.report", "templates"),
        autoescape=True,  # every value is escaped unless it is Markup (only our SVG figures are)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def format_p(p: float | None) -> str:
    """``p < 0.001``, ``p = 0.012`` or ``p not computed``."""
    if p is None:
        return "p not computed"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def format_percent(value: float | None, digits: int = 0) -> str:
    """``0.8123`` -> ``81%``; ``None`` -> ``n/a``."""
    if value is None:
        return "n/a"
    if 0 < value < 0.01 and digits == 0:
        return "< 1%"
    if 0.99 < value < 1 and digits == 0:
        return "> 99%"
    return f"{100 * value:.{digits}f}%"


def _chance_sentence(p: float | None) -> str:
    if p is None:
        return "no p-value was computed for this result."
    if p < 0.001:
        odds = "fewer than 1 in 1,000"
    elif p < 0.5:
        odds = f"about 1 in {max(1, round(1 / p)):,}"
    else:
        odds = f"about {format_percent(p)}"
    return f"a split at least this clear would arise by chance in {odds} single-author bylines like this one."


def _group_names(clusters: Sequence[Mapping], documents: Sequence[Mapping]) -> tuple[list[int], dict[int, int]]:
    """Sorted cluster ids (noise, i.e. negative ids, excluded) and id -> group index."""
    ids = sorted({int(c["cluster"]) for c in clusters} | {int(d["cluster"]) for d in documents if d.get("cluster") is not None})
    ids = [c for c in ids if c >= 0]
    return ids, {c: i for i, c in enumerate(ids)}


def group_label(index: int) -> str:
    """Group A, B, ..., Z, AA, ...; negative -> unassigned."""
    if index < 0:
        return "Unassigned"
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return f"Group {letters}"


def _operator_names(result: Mapping) -> list[str]:
    names = list((result.get("operators") or {}).get("names") or [])
    for doc in result["documents"]:
        for name in doc.get("operator_probabilities") or {}:
            if name not in names:
                names.append(name)
    return names


def _document_tooltip(doc: Mapping, group: str) -> str:
    parts = [str(doc["id"])]
    if doc.get("title"):
        parts.append(str(doc["title"]))
    if doc.get("timestamp"):
        parts.append(str(doc["timestamp"])[:16].replace("T", " "))
    parts.append(f"{group} ({format_percent(doc.get('cluster_confidence'))})")
    if doc.get("operator"):
        probability = (doc.get("operator_probabilities") or {}).get(doc["operator"])
        parts.append(f"best operator {doc['operator']} ({format_percent(probability)})")
    return " · ".join(parts)


def _behaviour_clusters(behaviour: Mapping) -> list[tuple[str, Any, Mapping]]:
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
    return sorted(entries, key=lambda e: _cluster_sort_key(e[0]))


def _group_of_key(key: str, group_index: Mapping[int, int]) -> int | None:
    try:
        return group_index[int(key)]
    except (ValueError, KeyError):
        return None


def _posting_profiles(result: Mapping, group_index: Mapping[int, int]) -> tuple[dict[str, np.ndarray], str, str]:
    """Hour x weekday counts per group: the behaviour section's own, else from document time stamps.

    Returns (profiles keyed by group label, time zone, where they came from).
    """
    behaviour = result.get("behaviour") or {}
    tz = str(behaviour.get("tz") or "UTC")
    profiles: dict[str, np.ndarray] = {}
    for key, grid, _ in _behaviour_clusters(behaviour):
        array = np.asarray(grid, dtype=float) if grid is not None else None
        if array is None or array.shape not in {(7, 24), (24, 7)}:
            continue
        group = _group_of_key(key, group_index)
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


def _shift_sentence(shift: Mapping) -> str:
    """One plain sentence about a group's fitted schedule (``ShiftPatternModel.to_dict()`` keys)."""
    model = str(shift.get("model") or "")
    score = shift.get("office_score")
    zone = shift.get("offset_label") or (f"UTC{int(shift['offset']):+d}" if shift.get("offset") is not None else None)
    interval = shift.get("offset_interval") or []
    zone_range = f" (UTC{int(interval[0]):+d} to UTC{int(interval[1]):+d})" if len(interval) == 2 and interval[0] != interval[1] else ""
    # office_score is a penalised log-likelihood ratio (> 0 favours office), not a share.
    score_text = f" (log-likelihood ratio office vs. private {score:+.1f})" if isinstance(score, (int, float)) else ""
    if model == "office":
        hours = shift.get("office_schedule_utc") or {}
        when = (f" about {int(hours['start']):02d}:00–{int(hours['end']):02d}:00 UTC,"
                if hours.get("start") is not None and hours.get("end") is not None else "")
        return f"Posts like an office shift{score_text}:{when} working hours in {zone}{zone_range}." if zone else \
            f"Posts like an office shift{score_text}."
    if model == "organic":
        return f"Posts like a private person{score_text}; the quiet night hours fit {zone}{zone_range}." if zone else \
            f"Posts like a private person{score_text}."
    return f"Schedule model: {model}{score_text}." if model else ""


def _behaviour_summary(result: Mapping, group_index: Mapping[int, int]) -> tuple[str, list[dict]]:
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
    for key, _, entry in _behaviour_clusters(behaviour):
        shift = entry.get("shift")
        if not isinstance(shift, Mapping):
            continue
        group = _group_of_key(key, group_index)
        rows.append({
            "name": group_label(group) if group is not None else key,
            "colour": plots.group_colour(group if group is not None else -1),
            "text": _shift_sentence(shift),
        })
    return finding, rows


def _cluster_sort_key(key: Any) -> tuple[int, Any]:
    try:
        return (0, int(key))
    except (TypeError, ValueError):
        return (1, str(key))


def _shift_view(shifts: Any) -> dict | None:
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
            text = _shift_sentence(entry)
            claim = entry.get("claim") or {}
            if claim.get("claimed_tz"):
                text += (f" Consistent with the claimed zone {claim['claimed_tz']}." if claim.get("consistent")
                         else f" Not consistent with the claimed zone {claim['claimed_tz']}.")
        rows.append({"account": str(entry.get("account", "")), "n_posts": entry.get("n_posts"), "text": text})
    if not rows and not note:
        return None
    return {"rows": rows, "note": note}


def _coordination_view(coordination: Any, limit: int = 15) -> dict | None:
    """Summary and strongest links from ``analyse_coordination`` output (or why it did not run)."""
    if not isinstance(coordination, Mapping):
        return None
    note = str(coordination.get("error") or coordination.get("reason") or "")
    summary = coordination.get("summary") or {}
    edges = []
    for edge in sorted((e for e in coordination.get("edges") or [] if isinstance(e, Mapping)),
                       key=lambda e: -float(e.get("weight") or 0))[:limit]:
        evidence = edge.get("evidence") or {}
        example = (evidence.get("duplicate_examples") or [None])[0]
        edges.append({
            "source": str(edge.get("source", "")), "target": str(edge.get("target", "")),
            "strong": bool(edge.get("strong")),
            "near_duplicates": evidence.get("near_duplicates", 0),
            "synchronised": evidence.get("synchronised_near_duplicates", 0),
            "p_sync": evidence.get("synchronised_p_bonferroni"),
            "shared": ", ".join(str(t) for t in evidence.get("shared_tokens") or []),
            "example": [_truncate(example.get("a", ""), 200), _truncate(example.get("b", ""), 200)] if isinstance(example, Mapping) else None,
        })
    clusters = [
        {"cluster": c.get("cluster"), "accounts": ", ".join(str(a) for a in c.get("accounts") or [])}
        for c in coordination.get("clusters") or [] if isinstance(c, Mapping)
    ]
    if not edges and not summary and not note:
        return None
    text = ""
    if summary:
        text = (f"{summary.get('accounts', 0)} accounts, {summary.get('posts', 0):,} posts: "
                f"{summary.get('strong_edges', 0)} strong links, {summary.get('clusters', 0)} coordinated clusters "
                f"covering {summary.get('accounts_in_clusters', 0)} accounts.")
    return {"text": text, "edges": edges, "clusters": clusters, "note": note}


def _feature_rows(features: Sequence[Mapping]) -> list[dict]:
    rows = []
    scale = max([abs(float(f.get("z") or 0)) for f in features] + [1e-9])
    for item in features:
        name = str(item.get("feature", ""))
        family = str(item.get("family") or (name.split("__", 1)[0] if "__" in name else ""))
        shown = name.split("__", 1)[1] if "__" in name else name
        z = float(item.get("z") or 0.0)
        rows.append({
            "family": FAMILY_NAMES.get(family, family or "feature"),
            "feature": shown,
            "visible": shown.strip() == "" or shown != shown.strip(),  # spaces matter in char n-grams
            "z": z,
            "direction": "more" if z >= 0 else "less",
            "width": round(100 * abs(z) / scale, 1),
        })
    return rows


def _truncate(text: str, limit: int = MAX_EXAMPLE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _methods_paragraph(result: Mapping, n_groups: int) -> str:
    """One paragraph a researcher can paste, built only from what the result states."""
    methods = result.get("methods") or {}
    test = result.get("test") or {}
    k = result.get("k") or {}
    load = result.get("load") or {}
    versions = result.get("versions") or {}
    software = ", ".join(f"{name} {version}" for name, version in sorted(versions.items()) if version)
    sentences = [
        f"We tested whether the {result.get('n_documents', len(result['documents'])):,} documents published under "
        f"the byline \u201c{result['byline']}\u201d were written by one person"
        + (f", using {software}" if software else "")
        + (f" (random seed {result['seed']})." if result.get("seed") is not None else ".")
    ]
    if load:
        counts = ", ".join(f"{name} {count}" for name, count in sorted((load.get("problem_counts") or {}).items()))
        sentences.append(
            f"Of {load.get('rows_read', 0):,} input rows, {load.get('rows_used', 0):,} were used and "
            f"{load.get('rows_skipped', 0):,} skipped" + (f" ({counts})." if counts else ".")
        )
    if methods.get("features"):
        sentences.append(f"Features: {_sentence(methods['features'])}")
    if methods.get("model"):
        sentences.append(f"Model: {_sentence(methods['model'])}")
    if test:
        statistic = test.get("statistic")
        value = f" = {statistic:.4g}" if isinstance(statistic, (int, float)) else ""
        null = f"{test.get('null_method')} ({test.get('n_null'):,} draws)" if test.get("n_null") else test.get("null_method")
        sentence = f"The test statistic ({test.get('statistic_name', 'statistic')}{value}) was compared with a null distribution from {null}, giving {format_p(test.get('p_value'))}"
        if test.get("alpha") is not None:
            sentence += f" at \u03b1 = {test['alpha']}"
        sentence += "."
        if test.get("measured_fpr") is not None:
            sentence += f" On single-author bylines the test's measured false-positive rate was {format_percent(test['measured_fpr'], 1)}."
        sentences.append(sentence)
    if k.get("estimate") is not None:
        interval = k.get("interval") or []
        sentence = f"The estimated number of writers was {k['estimate']}"
        if len(interval) == 2:
            sentence += f" (interval {interval[0]}\u2013{interval[1]})"
        sentences.append(sentence + f"; {n_groups} groups of documents were formed.")
    if methods.get("calibration"):
        sentences.append(f"Calibration: {_sentence(methods['calibration'])}")
    return " ".join(sentences)


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def build_context(result: Mapping) -> dict:
    """Everything the template shows, computed from the result dict (pure; no I/O)."""
    missing = [key for key in REQUIRED_KEYS if key not in result]
    if missing:
        raise AttributionError(f"composite result lacks {', '.join(missing)}: cannot build a report (see CONTRACTS.md)")
    documents = list(result["documents"])
    clusters = list(result.get("clusters") or [])
    cluster_ids, group_index = _group_names(clusters, documents)
    group_names = [group_label(i) for i in range(len(cluster_ids))]
    group_colours = [plots.group_colour(i) for i in range(len(cluster_ids))]
    operator_names = _operator_names(result)
    verdict = result["verdict"] or {}
    level_class, badge = LEVELS.get(str(verdict.get("level")), ("inconclusive", str(verdict.get("level") or "")))
    test = result.get("test") or {}
    k = result.get("k") or {}
    load = result.get("load") or {}

    def index_of(doc: Mapping) -> int:
        cluster = doc.get("cluster")
        return group_index.get(int(cluster), -1) if cluster is not None else -1

    doc_groups = [index_of(d) for d in documents]
    tooltips = [_document_tooltip(d, group_label(g)) for d, g in zip(documents, doc_groups)]
    figures: dict[str, Markup] = {}
    has_xy = documents and all(isinstance(d.get("xy"), (list, tuple)) and len(d["xy"]) == 2 for d in documents)
    if has_xy:
        xy = np.array([d["xy"] for d in documents], dtype=float)
        figures["map_cluster"] = Markup(plots.document_map(
            xy, doc_groups, group_names, group_colours,
            hollow=[bool(d.get("between_clusters")) for d in documents], tooltips=tooltips,
            title="Coloured by group", name="map-cluster", unmatched_label="unassigned",
        ))
        if operator_names:
            codes = [operator_names.index(d["operator"]) if d.get("operator") in operator_names else -1 for d in documents]
            figures["map_operator"] = Markup(plots.document_map(
                xy, codes, operator_names, [plots.operator_colour(i) for i in range(len(operator_names))],
                tooltips=tooltips, title="Coloured by best-matching operator", name="map-operator",
                unmatched_label="no operator matches", markers=plots.OPERATOR_MARKERS,
            ))
    with_probabilities = [i for i, d in enumerate(documents) if d.get("operator_probabilities")]
    if operator_names and with_probabilities:
        order = sorted(with_probabilities, key=lambda i: (
            doc_groups[i] < 0, doc_groups[i],
            -max((documents[i]["operator_probabilities"] or {}).values(), default=0.0), str(documents[i]["id"])))
        matrix = np.array([[float((documents[i]["operator_probabilities"] or {}).get(n) or 0.0) for n in operator_names] for i in order])
        figures["heatmap"] = Markup(plots.probability_heatmap(
            matrix, operator_names, [doc_groups[i] for i in order], group_names,
            document_ids=[str(documents[i]["id"]) for i in order],
        ))
    if documents:
        figures["timeline"] = Markup(plots.timeline(
            [d.get("timestamp") for d in documents], doc_groups, group_names, tooltips=tooltips))
    profiles, tz, profile_source = _posting_profiles(result, group_index)
    behaviour_text, schedules = _behaviour_summary(result, group_index)
    if profiles:
        colours = {name: colour for name, colour in zip(group_names, group_colours)}
        figures["posting"] = Markup(plots.posting_heatmaps(profiles, colours, tz=tz))
    if k.get("probabilities"):
        figures["k"] = Markup(plots.k_distribution(k["probabilities"], k.get("estimate"), k.get("interval")))

    group_rows = []
    for cluster in sorted(clusters, key=lambda c: int(c["cluster"])):
        index = group_index.get(int(cluster["cluster"]), -1)
        members = [d for d, g in zip(documents, doc_groups) if g == index]
        group_rows.append({
            "name": group_label(index),
            "colour": plots.group_colour(index),
            "size": cluster.get("size", len(members)),
            "between": sum(bool(d.get("between_clusters")) for d in members),
            "operator": cluster.get("operator"),
            "operator_probability": format_percent(cluster.get("operator_probability")),
            "best_operator_share": _best_operator_share(members),
            "features": _feature_rows(cluster.get("distinguishing_features") or []),
            "examples": [{"document_id": str(e.get("document_id", "")), "text": _truncate(e.get("text", ""))}
                         for e in cluster.get("examples") or []],
            "first": _first_last(members)[0],
            "last": _first_last(members)[1],
        })

    matched = [g for g in group_rows if g["operator"]]
    n_between = sum(bool(d.get("between_clusters")) for d in documents)
    facts = []
    if test:
        facts.append(("How sure", f"{format_p(test.get('p_value'))}: " + _chance_sentence(test.get("p_value"))))
    if k.get("estimate") is not None:
        share = (k.get("probabilities") or {}).get(str(k["estimate"]))
        interval = k.get("interval") or []
        text = f"Most likely {k['estimate']}" + (f" ({format_percent(share)} probability)" if share is not None else "")
        if len(interval) == 2 and interval[0] != interval[1]:
            text += f"; plausibly {interval[0]} to {interval[1]}"
        facts.append(("How many writers", text + "."))
    if operator_names:
        if matched:
            listing = "; ".join(f"{g['name']} \u2192 {g['operator']} ({g['operator_probability']})" for g in matched)
            verb = "matches" if len(matched) == 1 else "match"
            facts.append(("Known operators", f"{len(matched)} of {len(group_rows)} groups {verb} a known operator: {listing}."))
        else:
            facts.append(("Known operators", f"None of the {len(group_rows)} groups matches any of the {len(operator_names)} known operators."))
        explained = (result.get("operators") or {}).get("explained") or {}
        if explained.get("text"):
            facts.append(("Unexplained", str(explained["text"]) + (
                f" ({format_p(explained.get('p_value'))})" if explained.get("p_value") is not None else "")))
    if test.get("measured_fpr") is not None:
        facts.append(("False alarms", f"On bylines known to have one writer, this test said \u201cseveral\u201d "
                                      f"{format_percent(test['measured_fpr'], 1)} of the time (\u03b1 = {test.get('alpha', 0.05)})."))
    if documents:
        facts.append(("Borderline documents", f"{n_between} of {len(documents)} documents sit between groups; "
                                              "treat their assignment as uncertain."))

    document_rows = []
    for doc, g in sorted(zip(documents, doc_groups), key=lambda dg: (dg[1] < 0, dg[1], str(dg[0]["id"])))[:MAX_TABLE_ROWS]:
        probabilities = doc.get("operator_probabilities") or {}
        best = doc.get("operator") or (max(probabilities, key=probabilities.get) if probabilities else None)
        document_rows.append({
            "id": str(doc["id"]), "title": doc.get("title") or "",
            "time": str(doc.get("timestamp") or "")[:16].replace("T", " "),
            "group": group_label(g), "colour": plots.group_colour(g),
            "confidence": format_percent(doc.get("cluster_confidence")),
            "between": bool(doc.get("between_clusters")),
            "operator": best or "", "matched": bool(doc.get("operator")),
            "probability": format_percent(probabilities.get(best)) if best in probabilities else "",
        })

    methods = result.get("methods") or {}
    return {
        "byline": str(result["byline"]),
        "n_documents": result.get("n_documents", len(documents)),
        "verdict_text": str(verdict.get("text") or "No verdict was given."),
        "level_class": level_class,
        "badge": badge,
        "facts": facts,
        "figures": figures,
        "groups": group_rows,
        "operator_names": operator_names,
        "operators_given": result.get("operators") is not None,
        "documents": document_rows,
        "documents_truncated": max(0, len(documents) - MAX_TABLE_ROWS),
        "has_titles": any(d.get("title") for d in documents),
        "has_timestamps": any(plots._parse_time(d.get("timestamp")) for d in documents),
        "profile_source": profile_source,
        "behaviour_text": behaviour_text,
        "shifts": _shift_view(result.get("shifts")),
        "coordination": _coordination_view(result.get("coordination")),
        "schedules": schedules,
        "tz": tz,
        "load": {
            "rows_read": load.get("rows_read"), "rows_used": load.get("rows_used"), "rows_skipped": load.get("rows_skipped"),
            "problem_counts": sorted((load.get("problem_counts") or {}).items()),
            "problems": list(load.get("problems") or [])[:50],
            "problems_more": max(0, len(load.get("problems") or []) - 50) + int(load.get("problems_truncated") or 0),
        } if load else None,
        "methods_paragraph": _methods_paragraph(result, len(group_rows)),
        "caveats": [str(c) for c in methods.get("caveats") or []],
        "test": test,
        "seed": result.get("seed"),
        "versions": sorted((result.get("versions") or {}).items()),
    }


def _best_operator_share(members: Sequence[Mapping]) -> str:
    counts = Counter(d.get("operator") for d in members if d.get("operator"))
    if not counts or not members:
        return ""
    name, count = counts.most_common(1)[0]
    return f"{count} of {len(members)} documents individually match {name}"


def _first_last(members: Sequence[Mapping]) -> tuple[str, str]:
    times = sorted(t for t in (plots._parse_time(d.get("timestamp")) for d in members) if t is not None)
    if not times:
        return "", ""
    return times[0].date().isoformat(), times[-1].date().isoformat()


def render_composite_report(result: Mapping) -> str:
    """The whole report as one HTML page (str), built from a composite result dict."""
    context = build_context(result)
    template = _environment().get_template("composite.html")
    return template.render(**context)


def write_report(path: str | Path, result: Mapping) -> Path:
    """Render the report and write it atomically to ``path``; returns the path."""
    page = render_composite_report(result)
    path = Path(path)
    write_text(path, page)
    logger.info("wrote report %s (%d KiB)", path, len(page.encode()) // 1024)
    return path


__all__ = ["build_context", "format_p", "render_composite_report", "write_report"]
