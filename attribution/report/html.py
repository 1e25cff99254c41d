"""The composite-byline HTML report: one self-contained page built from the result dict only.

The page has no script, loads nothing from the network (a Content-Security-Policy says so to
the browser) and escapes every piece of corpus text through jinja2's autoescape. Figures are
inline SVG from :mod:`attribution.report.plots`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from markupsafe import Markup

from attribution.atomic import write_text
from attribution.errors import AttributionError
from attribution.report import plots
from attribution.report.sections import (
    behaviour_summary,
    coordination_view,
    feature_rows,
    posting_profiles,
    rolling_view,
    shift_view,
)
from attribution.report.wording import (
    chance_sentence,
    format_p,
    format_percent,
    group_label,
    measured_detail,
    methods_paragraph,
    truncate,
)

logger = logging.getLogger(__name__)

#: Keys the report cannot do without (CONTRACTS.md "Composite result").
REQUIRED_KEYS = ("byline", "verdict", "documents")
#: Verdict levels -> CSS class and the short badge shown above the verdict.
LEVELS = {
    "composite": ("composite", "Several writers"),
    "single": ("single", "One writer"),
    "inconclusive": ("inconclusive", "Inconclusive"),
    "insufficient_evidence": ("insufficient", "Not enough evidence"),
}
#: Operator values that mean "no known operator" (the composite engine writes a sentinel).
UNMATCHED = {"", "unknown", "unknown operator", "none"}
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


def _group_names(clusters: Sequence[Mapping], documents: Sequence[Mapping]) -> tuple[list[int], dict[int, int]]:
    """Sorted cluster ids (noise, i.e. negative ids, excluded) and id -> group index."""
    ids = sorted(
        {int(c["cluster"]) for c in clusters} | {int(d["cluster"]) for d in documents if d.get("cluster") is not None}
    )
    ids = [c for c in ids if c >= 0]
    return ids, {c: i for i, c in enumerate(ids)}


def _operator_names(result: Mapping) -> list[str]:
    names = [str(n) for n in (result.get("operators") or {}).get("names") or [] if _matched(n)]
    for doc in result["documents"]:
        for name in doc.get("operator_probabilities") or {}:
            if name not in names and _matched(name):
                names.append(name)
    return names


def _document_tooltip(doc: Mapping, group: str) -> str:
    parts = [str(doc["id"])]
    if doc.get("title"):
        parts.append(str(doc["title"]))
    if doc.get("timestamp"):
        parts.append(str(doc["timestamp"])[:16].replace("T", " "))
    confidence = doc.get("cluster_confidence")
    parts.append(group if confidence is None else f"{group} ({format_percent(confidence)})")
    if doc.get("operator"):
        probability = (doc.get("operator_probabilities") or {}).get(doc["operator"])
        parts.append(f"best operator {doc['operator']} ({format_percent(probability)})")
    return " · ".join(parts)


def _matched(operator: Any) -> str | None:
    """The operator name, or None for no match (null or the engine's "unknown operator")."""
    if operator is None or str(operator).strip().lower() in UNMATCHED:
        return None
    return str(operator)


def _normalised(result: Mapping) -> tuple[list[dict], list[dict]]:
    """Documents and clusters with "no operator" spelled one way (None)."""
    documents = [{**d, "operator": _matched(d.get("operator"))} for d in result["documents"]]
    clusters = [{**c, "operator": _matched(c.get("operator"))} for c in result.get("clusters") or []]
    return documents, clusters


@dataclass(frozen=True)
class _Layout:
    """The result's documents and clusters, with groups lettered and operators listed."""

    documents: list[dict]
    clusters: list[dict]
    group_index: dict[int, int]  # cluster id -> group index (A = 0); noise clusters are absent
    doc_groups: list[int]  # group index of each document, -1 unassigned
    group_names: list[str]
    group_colours: list[str]
    operator_names: list[str]

    @classmethod
    def of(cls, result: Mapping) -> _Layout:
        documents, clusters = _normalised(result)
        cluster_ids, group_index = _group_names(clusters, documents)
        doc_groups = [group_index.get(int(d["cluster"]), -1) if d.get("cluster") is not None else -1 for d in documents]
        return cls(
            documents,
            clusters,
            group_index,
            doc_groups,
            [group_label(i) for i in range(len(cluster_ids))],
            [plots.group_colour(i) for i in range(len(cluster_ids))],
            _operator_names(result),
        )


def _figures(result: Mapping, layout: _Layout) -> dict[str, Markup]:
    """The inline SVG figures that the result has data for."""
    documents, doc_groups, operator_names = layout.documents, layout.doc_groups, layout.operator_names
    tooltips = [_document_tooltip(d, group_label(g)) for d, g in zip(documents, doc_groups)]
    figures: dict[str, Markup] = {}
    if documents and all(isinstance(d.get("xy"), (list, tuple)) and len(d["xy"]) == 2 for d in documents):
        xy = np.array([d["xy"] for d in documents], dtype=float)
        figures["map_cluster"] = Markup(
            plots.document_map(
                xy,
                doc_groups,
                layout.group_names,
                layout.group_colours,
                hollow=[bool(d.get("between_clusters")) for d in documents],
                tooltips=tooltips,
                title="Coloured by group",
                name="map-cluster",
                unmatched_label="unassigned",
            )
        )
        if operator_names:
            codes = [
                operator_names.index(d["operator"]) if d.get("operator") in operator_names else -1 for d in documents
            ]
            figures["map_operator"] = Markup(
                plots.document_map(
                    xy,
                    codes,
                    operator_names,
                    [plots.operator_colour(i) for i in range(len(operator_names))],
                    tooltips=tooltips,
                    title="Coloured by best-matching operator",
                    name="map-operator",
                    unmatched_label="no operator matches",
                    markers=plots.OPERATOR_MARKERS,
                )
            )
    with_probabilities = [i for i, d in enumerate(documents) if d.get("operator_probabilities")]
    if operator_names and with_probabilities:

        def column_key(i: int) -> tuple:
            # Within a group: documents in blocks by best operator, strongest first.
            probabilities = {n: float(p or 0.0) for n, p in (documents[i]["operator_probabilities"] or {}).items()}
            best = max(operator_names, key=lambda n: probabilities.get(n, 0.0))
            return (
                doc_groups[i] < 0,
                doc_groups[i],
                operator_names.index(best),
                -probabilities.get(best, 0.0),
                str(documents[i]["id"]),
            )

        order = sorted(with_probabilities, key=column_key)
        matrix = np.array(
            [
                [float((documents[i]["operator_probabilities"] or {}).get(n) or 0.0) for n in operator_names]
                for i in order
            ]
        )
        figures["heatmap"] = Markup(
            plots.probability_heatmap(
                matrix,
                operator_names,
                [doc_groups[i] for i in order],
                layout.group_names,
                document_ids=[str(documents[i]["id"]) for i in order],
            )
        )
    if documents:
        figures["timeline"] = Markup(
            plots.timeline([d.get("timestamp") for d in documents], doc_groups, layout.group_names, tooltips=tooltips)
        )
    profiles, tz, _ = posting_profiles(result, layout.group_index)
    if profiles:
        colours = dict(zip(layout.group_names, layout.group_colours))
        figures["posting"] = Markup(plots.posting_heatmaps(profiles, colours, tz=tz))
    k = result.get("k") or {}
    if k.get("probabilities"):
        figures["k"] = Markup(plots.k_distribution(k["probabilities"], k.get("estimate"), k.get("interval")))
    return figures


def _group_rows(layout: _Layout) -> list[dict]:
    """One card per cluster: size, dates, operator match, distinguishing features, examples."""
    rows = []
    for cluster in sorted(layout.clusters, key=lambda c: int(c["cluster"])):
        index = layout.group_index.get(int(cluster["cluster"]), -1)
        members = [d for d, g in zip(layout.documents, layout.doc_groups) if g == index]
        first, last = _first_last(members)
        rows.append(
            {
                "name": group_label(index),
                "colour": plots.group_colour(index),
                "size": cluster.get("size", len(members)),
                "between": sum(bool(d.get("between_clusters")) for d in members),
                "operator": cluster.get("operator"),
                "operator_probability": format_percent(cluster.get("operator_probability")),
                "best_operator_share": _best_operator_share(members),
                "features": feature_rows(cluster.get("distinguishing_features") or []),
                "examples": [
                    {"document_id": str(e.get("document_id", "")), "text": truncate(e.get("text", ""))}
                    for e in cluster.get("examples") or []
                ],
                "first": first,
                "last": last,
            }
        )
    return rows


def _writers_fact(k: Mapping) -> str:
    """k on the whole byline, then its spread over resamples: a resample of fewer documents may not
    reject one writer, so "1" there is less power, not a rival estimate."""
    text = f"{k['estimate']} on the whole byline"
    probabilities = k.get("probabilities") or {}
    if probabilities:
        ranked = sorted(probabilities.items(), key=lambda item: (-item[1], int(item[0])))
        shown = [(value, share) for value, share in ranked if share >= 0.05] or ranked[:1]
        text += "; re-estimated on resamples of the documents: " + ", ".join(
            f"{value} in {format_percent(share)}" for value, share in shown
        )
        if "1" in dict(shown) and k["estimate"] > 1:
            text += " (1 where a resample did not reject one writer)"
    interval = k.get("interval") or []
    if len(interval) == 2 and interval[0] != interval[1]:
        text += f"; 90% range {interval[0]} to {interval[1]}"
    return text


def _facts(result: Mapping, layout: _Layout, group_rows: Sequence[Mapping]) -> list[tuple[str, str]]:
    """The verdict's uncertainty in plain words: (label, sentence) pairs."""
    test = result.get("test") or {}
    k = result.get("k") or {}
    facts = []
    if test:
        facts.append(("How sure", f"{format_p(test.get('p_value'))}: " + chance_sentence(test.get("p_value"))))
    if k.get("estimate") is not None:
        text = _writers_fact(k)
        style_k = (k.get("style_only") or {}).get("estimate")
        if k.get("source") == "operators" and style_k is not None:
            text += f" (from the operator evidence; style alone: {style_k})"
        facts.append(("How many writers", text + "."))
    if test.get("evidence"):
        facts.append(("Which evidence", test["evidence"]))
    metadata = test.get("metadata")
    if metadata:
        _, group_of = _group_names(result.get("clusters") or [], result.get("documents") or [])
        found = metadata.get("split") == "writers found"  # else the best split the test did not call significant
        shares = "; ".join(
            (group_label(group_of.get(int(w), int(w))) if found else f"side {int(w) + 1}")
            + ": "
            + ", ".join(f"{v} {format_percent(x)}" for v, x in values.items())
            for w, values in metadata["by_writer"].items()
        )
        facts.append(("Metadata", f"{metadata['sentence']} ({shares})"))
    if test.get("operator_p_value") is not None:
        facts.append(
            (
                "Two tests",
                f"Style test {format_p(test.get('style_p_value'))}; operator test "
                f"{format_p(test['operator_p_value'])}; combined by Bonferroni.",
            )
        )
    if layout.operator_names:
        matched = [g for g in group_rows if g["operator"]]
        if matched:
            listing = "; ".join(f"{g['name']} \u2192 {g['operator']} ({g['operator_probability']})" for g in matched)
            if len(group_rows) == 1:
                facts.append(("Known operators", f"The documents' one group matches a known operator: {listing}."))
            else:
                verb = "matches" if len(matched) == 1 else "match"
                facts.append(
                    (
                        "Known operators",
                        f"{len(matched)} of {len(group_rows)} groups {verb} a known operator: {listing}.",
                    )
                )
        else:
            facts.append(
                (
                    "Known operators",
                    f"None of the {len(group_rows)} groups matches any of the "
                    f"{len(layout.operator_names)} known operators.",
                )
            )
        presence = (result.get("operators") or {}).get("presence") or {}
        present = [
            f"{name} ({format_percent(v.get('share'))} of the documents)"
            for name, v in presence.items()
            if v.get("present")
        ]
        if present:
            facts.append(
                (
                    "Operators present",
                    "; ".join(present) + ", after allowing for how often the matcher "
                    "confuses the operators' own writings.",
                )
            )
        explained = (result.get("operators") or {}).get("explained") or {}
        if explained.get("text"):
            facts.append(
                (
                    "Unexplained",
                    str(explained["text"])
                    + (f" ({format_p(explained.get('p_value'))})" if explained.get("p_value") is not None else ""),
                )
            )
    if test.get("measured_fpr") is not None:
        facts.append(
            (
                "False alarms",
                f"On bylines known to have one writer, this test said \u201cseveral\u201d "
                f"{format_percent(test['measured_fpr'], 1)} of the time ({measured_detail(test)})"
                + (f"; from {test['measured_fpr_source']}." if test.get("measured_fpr_source") else "."),
            )
        )
    if test.get("measured_tpr") is not None:
        facts.append(
            (
                "Detection",
                f"On composites built from real accounts, this test found {format_percent(test['measured_tpr'], 1)} "
                "of them (same source).",
            )
        )
    documents = layout.documents
    if documents and len(group_rows) > 1:
        n_between = sum(bool(d.get("between_clusters")) for d in documents)
        facts.append(
            (
                "Borderline documents",
                f"{n_between} of {len(documents)} documents sit between groups; treat their assignment as uncertain."
                if n_between
                else "No document sits between groups.",
            )
        )
    return facts


def _document_rows(layout: _Layout) -> list[dict]:
    """The collapsed table of every document, grouped, capped at ``MAX_TABLE_ROWS``."""
    rows = []
    ordered = sorted(zip(layout.documents, layout.doc_groups), key=lambda dg: (dg[1] < 0, dg[1], str(dg[0]["id"])))
    for doc, g in ordered[:MAX_TABLE_ROWS]:
        probabilities = doc.get("operator_probabilities") or {}
        best = doc.get("operator") or (max(probabilities, key=probabilities.get) if probabilities else None)
        rows.append(
            {
                "id": str(doc["id"]),
                "title": doc.get("title") or "",
                "time": str(doc.get("timestamp") or "")[:16].replace("T", " "),
                "group": group_label(g),
                "colour": plots.group_colour(g),
                "confidence": ""
                if doc.get("cluster_confidence") is None
                else format_percent(doc["cluster_confidence"]),
                "between": bool(doc.get("between_clusters")),
                "operator": best or "",
                "matched": bool(doc.get("operator")),
                "probability": format_percent(probabilities.get(best)) if best in probabilities else "",
            }
        )
    return rows


def _load_view(load: Mapping) -> dict | None:
    """Rows read/used/skipped and the first problems (LoadReport.to_dict())."""
    if not load:
        return None
    problems = list(load.get("problems") or [])
    return {
        "rows_read": load.get("rows_read"),
        "rows_used": load.get("rows_used"),
        "rows_skipped": load.get("rows_skipped"),
        "problem_counts": sorted((load.get("problem_counts") or {}).items()),
        "problems": problems[:50],
        "problems_more": max(0, len(problems) - 50) + int(load.get("problems_truncated") or 0),
    }


def build_context(result: Mapping) -> dict:
    """Everything the template shows, computed from the result dict (pure; no I/O)."""
    missing = [key for key in REQUIRED_KEYS if key not in result]
    if missing:
        raise AttributionError(f"composite result lacks {', '.join(missing)}: cannot build a report (see CONTRACTS.md)")
    layout = _Layout.of(result)
    documents = layout.documents
    verdict = result["verdict"] or {}
    level_class, badge = LEVELS.get(str(verdict.get("level")), ("inconclusive", str(verdict.get("level") or "")))
    if verdict.get("level") == "single" and verdict.get("weak"):
        # The test was measured to miss most composites like this one: not styled as a finding.
        level_class, badge = LEVELS["inconclusive"][0], "Not shown to be several"
    single_operator = ((result.get("operators") or {}).get("single_operator") or {}).get("p_value")
    alpha = (result.get("test") or {}).get("alpha")
    if verdict.get("level") == "single" and None not in (single_operator, alpha) and single_operator <= alpha:
        # The style test and the single-operator test disagree: say so instead of "One writer".
        level_class, badge = LEVELS["inconclusive"][0], "One style, several known operators"
    group_rows = _group_rows(layout)
    _, tz, profile_source = posting_profiles(result, layout.group_index)
    behaviour_text, schedules = behaviour_summary(result, layout.group_index)
    methods = result.get("methods") or {}
    return {
        "byline": str(result["byline"]),
        "n_documents": result.get("n_documents", len(documents)),
        "verdict_text": str(verdict.get("text") or "No verdict was given."),
        "level_class": level_class,
        "badge": badge,
        "facts": _facts(result, layout, group_rows),
        "figures": _figures(result, layout),
        "groups": group_rows,
        "operator_names": layout.operator_names,
        "operator_counts": _operator_counts(documents, layout.operator_names),
        "operators_given": result.get("operators") is not None,
        "documents": _document_rows(layout),
        "documents_truncated": max(0, len(documents) - MAX_TABLE_ROWS),
        "confidence_note": str(methods.get("confidence") or ""),
        "has_titles": any(d.get("title") for d in documents),
        "has_timestamps": any(plots._parse_time(d.get("timestamp")) for d in documents),
        "profile_source": profile_source,
        "behaviour_text": behaviour_text,
        "schedules": schedules,
        "tz": tz,
        "shifts": shift_view(result.get("shifts")),
        "rolling": rolling_view(result, layout.group_index, layout.operator_names),
        "coordination": coordination_view(result.get("coordination")),
        "load": _load_view(result.get("load") or {}),
        "methods_paragraph": methods_paragraph(result, len(group_rows)),
        "caveats": [str(c) for c in methods.get("caveats") or []],
        "test": result.get("test") or {},
        "seed": result.get("seed"),
        "versions": sorted((result.get("versions") or {}).items()),
    }


def _operator_counts(documents: Sequence[Mapping], operator_names: Sequence[str]) -> str:
    """ "Hamilton 52, Madison 28, Jay 5; 0 match none" from each document's own best match."""
    if not operator_names or not documents:
        return ""
    counts = Counter(d.get("operator") for d in documents)
    named = sorted(((counts.get(n, 0), n) for n in operator_names), key=lambda cn: (-cn[0], cn[1]))
    text = ", ".join(f"{n} {c}" for c, n in named)
    return f"{text}; {counts.get(None, 0)} match none"


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
