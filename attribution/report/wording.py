"""Plain words for the report: p-values, percentages, schedules and the methods paragraph."""

from __future__ import annotations

from collections.abc import Mapping

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


MAX_EXAMPLE_CHARS = 400


def format_p(p: float | None) -> str:
    """``p < 0.001``, ``p = 0.012`` or ``p not computed``."""
    if p is None:
        return "p not computed"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def measured_detail(test: dict, name: str = "measured_fpr") -> str:
    """ "1 of 60 bylines; 95% interval 0.0% to 8.9%; at α = 0.05" for a measured rate: its count
    and interval when the result has them, and the level it was measured at, with this run's
    level when that differs (a rate at 0.05 says little of a test run at 0.01)."""
    parts = []
    bylines, interval = test.get(f"{name}_bylines"), test.get(f"{name}_ci")
    if bylines and test.get(name) is not None:
        parts.append(f"{round(test[name] * bylines)} of {bylines} bylines")
        if interval:
            parts.append(f"95% interval {format_percent(interval[0], 1)} to {format_percent(interval[1], 1)}")
    measured_at, used = test.get(f"{name}_alpha"), test.get("alpha")
    if measured_at is None:
        parts.append(f"\u03b1 = {used if used is not None else 0.05}")
    elif used is not None and used != measured_at:
        parts.append(f"measured at \u03b1 = {measured_at}; this run used \u03b1 = {used}")
    else:
        parts.append(f"at \u03b1 = {measured_at}")
    return "; ".join(parts)


def format_percent(value: float | None, digits: int = 0) -> str:
    """``0.8123`` -> ``81%``; ``None`` -> ``n/a``."""
    if value is None:
        return "n/a"
    if 0 < value < 0.01 and digits == 0:
        return "< 1%"
    if 0.99 < value < 1 and digits == 0:
        return "> 99%"
    return f"{100 * value:.{digits}f}%"


def chance_sentence(p: float | None) -> str:
    if p is None:
        return "no p-value was computed for this result."
    if p < 0.001:
        return "a split at least this clear would arise by chance in fewer than 1 in 1,000 single-author bylines like this one."
    if p < 0.05:
        return f"a split at least this clear would arise by chance in about 1 in {max(1, round(1 / p)):,} single-author bylines like this one."
    return (
        f"single-author bylines like this one show a split at least this clear {format_percent(p)} of the time, "
        "so this is no evidence of a second writer."
    )


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


def shift_sentence(shift: Mapping) -> str:
    """One plain sentence about a group's fitted schedule (``ShiftPatternModel.to_dict()`` keys)."""
    model = str(shift.get("model") or "")
    score = shift.get("office_score")
    zone = shift.get("offset_label") or (f"UTC{int(shift['offset']):+d}" if shift.get("offset") is not None else None)
    interval = shift.get("offset_interval") or []
    zone_range = (
        f" (UTC{int(interval[0]):+d} to UTC{int(interval[1]):+d})"
        if len(interval) == 2 and interval[0] != interval[1]
        else ""
    )
    # office_score is a penalised log-likelihood ratio (> 0 favours office), not a share.
    score_text = f" (log-likelihood ratio office vs. private {score:+.1f})" if isinstance(score, (int, float)) else ""
    if model == "office":
        hours = shift.get("office_schedule_utc") or {}
        when = (
            f" about {int(hours['start']):02d}:00–{int(hours['end']):02d}:00 UTC,"
            if hours.get("start") is not None and hours.get("end") is not None
            else ""
        )
        return (
            f"Posts like an office shift{score_text}:{when} working hours in {zone}{zone_range}."
            if zone
            else f"Posts like an office shift{score_text}."
        )
    if model == "organic":
        return (
            f"Posts like a private person{score_text}; the quiet night hours fit {zone}{zone_range}."
            if zone
            else f"Posts like a private person{score_text}."
        )
    return f"Schedule model: {model}{score_text}." if model else ""


def truncate(text: str, limit: int = MAX_EXAMPLE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def methods_paragraph(result: Mapping, n_groups: int) -> str:
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
            f"{load.get('rows_skipped', 0):,} skipped" + (f"; problems noted, by kind: {counts}." if counts else ".")
        )
    if methods.get("features"):
        sentences.append(f"Features: {as_sentence(methods['features'])}")
    if methods.get("model"):
        sentences.append(f"Model: {as_sentence(methods['model'])}")
    if methods.get("reference_pool"):
        sentences.append(f"Reference pool: {as_sentence(methods['reference_pool'])}")
    if methods.get("confidence"):
        sentences.append(f"Confidence: {as_sentence(methods['confidence'])}")
    if test:
        statistic = test.get("statistic")
        value = f" = {statistic:.4g}" if isinstance(statistic, (int, float)) else ""
        null = (
            f"{test.get('null_method')} ({test.get('n_null'):,} draws)"
            if test.get("n_null")
            else test.get("null_method")
        )
        sentence = f"The test statistic ({test.get('statistic_name', 'statistic')}{value}) was compared with a null distribution from {null}, giving {format_p(test.get('p_value'))}"
        if test.get("alpha") is not None:
            sentence += f" at \u03b1 = {test['alpha']}"
        sentence += "."
        if test.get("measured_fpr") is not None:
            sentence += f" On single-author bylines the test's measured false-positive rate was {format_percent(test['measured_fpr'], 1)}"
            sentence += f" ({measured_detail(test)})"
            sentence += f" ({test['measured_fpr_source']})." if test.get("measured_fpr_source") else "."
        sentences.append(sentence)
    if k.get("estimate") is not None:
        interval = k.get("interval") or []
        sentence = f"The estimated number of writers was {k['estimate']}"
        if len(interval) == 2 and interval[0] != interval[1]:
            sentence += f" (interval {interval[0]}\u2013{interval[1]})"
        groups = "1 group" if n_groups == 1 else f"{n_groups} groups"
        sentences.append(sentence + f"; {groups} of documents {'was' if n_groups == 1 else 'were'} formed.")
    if methods.get("calibration"):
        sentences.append(f"Calibration: {as_sentence(methods['calibration'])}")
    return " ".join(sentences)


def as_sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "!", "?")) else text + "."
