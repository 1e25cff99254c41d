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


def interleaved_table(results: dict) -> str:
    """Every group of ``bench interleaved``: detection, false alarms, k and how pure the writers are."""
    lines = [
        provenance_line(results, "interleaved"),
        "",
        "| bylines | n | composites | AUC | FPR (95% CI) | TPR (95% CI) | exact k | post purity (95% CI) | ARI |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, block in _interleaved_rows(results):
        lines.append(
            f"| {label} | {block.get('n', 0)} | {block.get('n_composite', 0)} | {_number(block.get('auc'))} | "
            f"{_with_interval(block, 'fpr')} | {_with_interval(block, 'tpr')} | {_with_interval(block, 'exact_k')} | "
            f"{_with_interval(block, 'post_purity')} | {_number(block.get('ari'))} |"
        )
    clean = results.get("clean_truth") or {}
    lines += [
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


def composite_table(results: dict) -> str:
    """``bench composite``: bylines of whole single-writer documents or 20-post units, with operators."""
    lines = [
        provenance_line(results, "composite"),
        "",
        "| bylines | n | AUC | FPR (author among operators) | FPR (author not among them) | FPR style only | TPR | "
        "exact k | exact k style only | document to operator | closed set | ARI |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, b in _composite_rows(results):
        lines.append(
            f"| {label} | {b.get('bylines', 0)} | {_number(b.get('auc'))} | {_number(b.get('fpr_operators_include_author'))} | "
            f"{_number(b.get('fpr_operators_exclude_author'))} | {_number(b.get('fpr_style_only'))} | {_number(b.get('tpr'))} | "
            f"{_number(b.get('k_accuracy'))} | {_number(b.get('k_accuracy_style_only'))} | {_number(b.get('doc_accuracy'))} | "
            f"{_number(b.get('closed_set_accuracy'))} | {_number(b.get('ari'))} |"
        )
    return "\n".join(lines)


def first_use_table(results: dict) -> str:
    """``bench first-use``: each first command's seconds and peak memory, as a user runs it."""
    lines = [
        provenance_line(results, "first-use"),
        "",
        "| step | command | exit | seconds | peak RSS MB | answer |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for step, row in results.get("steps", {}).items():
        answer = ", ".join(f"{k}: {v}" for k, v in (row.get("answer") or {}).items())
        command = row.get("command", "").split(" --data")[0].split(" --json")[0]
        lines.append(
            f"| {step} | `{command}` | {row.get('exit_code')} | {_number(row.get('seconds'), 1)} | "
            f"{_number(row.get('peak_rss_mb'), 0)} | {answer} |"
        )
    return "\n".join(lines)


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
