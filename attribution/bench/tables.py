"""Markdown tables of shipped bench results, for ``docs/results.md``: numbers are rendered from
the results file a bench wrote, never typed (``scripts/update_results_doc.py`` writes them in,
a test checks the page still matches the files)."""

from __future__ import annotations

from collections.abc import Callable

#: Marks around a generated section of docs/results.md.
START, END = "<!-- results:{name} start -->", "<!-- results:{name} end -->"


def _number(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _with_interval(block: dict, key: str) -> str:
    interval = block.get(f"{key}_ci")
    text = _number(block.get(key))
    return text if not interval else f"{text} ({interval[0]:.2f}–{interval[1]:.2f})"


def provenance_line(results: dict, bench: str) -> str:
    run = results.get("provenance") or {}
    return (
        f"`attribution bench {bench} --json`, finished {run.get('finished_utc', '?')} at commit "
        f"`{str(run.get('commit', '?'))[:12]}` ({run.get('machine', 'machine not recorded')})."
    )


def _interleaved_rows(results: dict) -> list[tuple[str, dict]]:
    rows = [("tweets, 1,000+ posts (headline)", results)]
    rows += [(f"tweets, {size} posts", block) for size, block in results.get("by_size", {}).items()]
    rows += [(f"tweets 1,000+, minority {share}", block) for share, block in results.get("by_share", {}).items()]
    views = {"style": "style only", "behaviour": "posting behaviour only", "both": "style + behaviour"}
    rows += [(f"tweets 1,000+, {views.get(v, v)}", block) for v, block in results.get("ablation", {}).items()]
    clean = results.get("clean_truth") or {}
    if "both" in clean:
        rows.append(("tweets 1,000+, clean truth only", clean["both"]))
    c50 = results.get("c50") or {}
    if c50:
        rows.append(("C50 staff bylines, all sizes", c50))
        rows += [(f"C50 staff bylines, {size} articles", block) for size, block in c50.get("by_size", {}).items()]
    return rows


def _table(results: dict, bench: str, columns: list[str], rows: list[list[str]]) -> list[str]:
    """The run's provenance line, then a Markdown table (first column left, the rest right)."""
    return [
        provenance_line(results, bench),
        "",
        "| " + " | ".join(columns) + " |",
        "| --- |" + " ---: |" * (len(columns) - 1),
        *("| " + " | ".join(cells) + " |" for cells in rows),
    ]


def interleaved_table(results: dict) -> str:
    """Every group of ``bench interleaved``: detection, false alarms, k and how pure the writers are."""
    columns = ["bylines", "n", "composites", "AUC", "FPR (95% CI)", "TPR (95% CI)", "exact k", "post purity (95% CI)"]
    rows = [
        [label, str(b.get("n", 0)), str(b.get("n_composite", 0)), _number(b.get("auc"))]
        + [_with_interval(b, key) for key in ("fpr", "tpr", "exact_k", "post_purity")]
        + [_number(b.get("ari"))]
        for label, b in _interleaved_rows(results)
    ]
    clean = results.get("clean_truth") or {}
    lines = _table(results, "interleaved", [*columns, "ARI"], rows) + [
        "",
        f"Clean truth: {clean.get('rule', '–')}; share of 1,000+ composites: "
        f"{_number(clean.get('share_of_composites'), 2)}, median separability {_number(clean.get('separability_median'), 2)}.",
        f"Cost at 4,000 posts on the user's path: {_number(results.get('seconds_per_byline'), 1)} s, "
        f"peak RSS {_number(results.get('peak_rss_mb'), 0)} MB.",
    ]
    return "\n".join(lines)


def _composite_rows(results: dict) -> list[tuple[str, dict]]:
    rows = []
    for source in ("c50", "tweets"):
        block = results.get(source)
        if not block:
            continue
        rows.append((f"{source}, all sizes", block))
        if block.get("size_20_plus"):
            rows.append((f"{source}, 20+ documents", block["size_20_plus"]))
        rows += [(f"{source}, k = {k}", b) for k, b in block.get("by_k", {}).items()]
    return rows


#: ``bench composite`` columns and the result keys they show.
COMPOSITE_COLUMNS = {
    "AUC": "auc",
    "FPR (author among operators)": "fpr_operators_include_author",
    "FPR (author not among them)": "fpr_operators_exclude_author",
    "FPR style only": "fpr_style_only",
    "TPR": "tpr",
    "exact k": "k_accuracy",
    "exact k style only": "k_accuracy_style_only",
    "document to operator": "doc_accuracy",
    "closed set": "closed_set_accuracy",
    "ARI": "ari",
}


def composite_table(results: dict) -> str:
    """``bench composite``: bylines of whole single-writer documents or 20-post units, with operators."""
    rows = [
        [label, str(b.get("bylines", 0))] + [_number(b.get(key)) for key in COMPOSITE_COLUMNS.values()]
        for label, b in _composite_rows(results)
    ]
    return "\n".join(_table(results, "composite", ["bylines", "n", *COMPOSITE_COLUMNS], rows))


def first_use_table(results: dict) -> str:
    """``bench first-use``: each first command's seconds and peak memory, as a user runs it."""
    rows = []
    for step, row in results.get("steps", {}).items():
        answer = ", ".join(f"{k}: {v}" for k, v in (row.get("answer") or {}).items())
        command = row.get("command", "").split(" --data")[0].split(" --json")[0]
        seconds, peak = _number(row.get("seconds"), 1), _number(row.get("peak_rss_mb"), 0)
        rows.append([step, f"`{command}`", str(row.get("exit_code")), seconds, peak, answer])
    columns = ["step", "command", "exit", "seconds", "peak RSS MB", "answer"]
    return "\n".join(_table(results, "first-use", columns, rows))


RENDERERS: dict[str, Callable[[dict], str]] = {
    "interleaved": interleaved_table,
    "composite": composite_table,
    "first-use": first_use_table,
}
#: Benches whose results the package does not read: their files live in docs/results/.
DOCS_RESULTS = {"first-use": "first_use.json"}


def replace_section(page: str, name: str, body: str) -> str:
    """``page`` with the text between the section's marks replaced by ``body``."""
    start, end = START.format(name=name), END.format(name=name)
    if start not in page or end not in page:
        raise ValueError(f"docs/results.md has no section marked {start} ... {end}")
    head, rest = page.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"
