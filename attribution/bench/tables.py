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
    views = {
        "style": "style only",
        "behaviour": "posting behaviour only",
        "both": "the decision (style, behaviour and the joint model read together)",
        "joint_model": "one model over both, its own p",
    }
    rows += [(f"tweets 1,000+, {views.get(v, v)}", block) for v, block in results.get("ablation", {}).items()]
    clean = results.get("clean_truth") or {}
    if "both" in clean:
        rows.append(("tweets 1,000+, clean truth only", clean["both"]))
    whole = results.get("whole_streams") or {}
    if whole:
        rows.append(("tweets 1,000, streams merged whole", whole))
        rows += [
            (f"tweets 1,000, streams merged whole, {views.get(v, v)}", block)
            for v, block in whole.get("ablation", {}).items()
            if v != "both"
        ]
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


def _detection_cells(label: str, block: dict) -> list[str]:
    """A composite bench row: bylines, composites, AUC, then FPR, TPR, exact k, purity with intervals."""
    return [label, str(block.get("n", 0)), str(block.get("n_composite", 0)), _number(block.get("auc"))] + [
        _with_interval(block, key) for key in ("fpr", "tpr", "exact_k", "post_purity")
    ]


def _reliability(block: dict | None) -> str:
    """'stated 52% on average, 55% right (ECE 0.09, Brier 0.24)' of a ``binary_reliability`` block."""
    if not block or not block.get("n"):
        return "not measured"
    return (
        f"stated {block['mean_confidence']:.0%} on average, {block['rate_right']:.0%} right "
        f"(ECE {_number(block.get('ece'), 3)}, Brier {_number(block.get('brier'), 3)})"
    )


def _confidence_lines(results: dict) -> list[str]:
    """What the posts' and documents' stated confidences are worth, against their rightness."""
    lines = []
    posts = results.get("post_confidence") or {}
    for when, label in (
        ("chosen_k", "detected composites at the k the test chose"),
        ("true_k", "every composite at the true k"),
    ):
        block = posts.get(when) or {}
        shipped = block.get("shipped") or {}
        if shipped.get("n"):
            lines.append(
                f"Tweet posts' confidence, 1,000+ posts, {label} ({shipped['bylines']} bylines, {shipped['n']:,} posts): "
                f"as reported, {_reliability(shipped)}; the writer model's own belief, {_reliability(block.get('model'))}."
            )
    documents = (results.get("c50") or {}).get("document_confidence")
    if documents and documents.get("n"):
        lines.append(
            f"C50 staff documents' confidence (stability over subsamples), detected composites ({documents['bylines']} "
            f"bylines, {documents['n']:,} documents): {_reliability(documents)}."
        )
    return lines


def interleaved_table(results: dict) -> str:
    """Every group of ``bench interleaved``: detection, false alarms, k and how pure the writers are."""
    columns = ["bylines", "n", "composites", "AUC", "FPR (95% CI)", "TPR (95% CI)", "exact k", "post purity (95% CI)"]
    rows = [_detection_cells(label, b) + [_number(b.get("ari"))] for label, b in _interleaved_rows(results)]
    clean = results.get("clean_truth") or {}
    control = results.get("construction_control") or {}
    lines = _table(results, "interleaved", [*columns, "ARI"], rows) + [
        "",
        f"Clean truth: {clean.get('rule', '–')}; share of 1,000+ composites: "
        f"{_number(clean.get('share_of_composites'), 2)}, median separability {_number(clean.get('separability_median'), 2)}.",
        "Construction control (single test accounts' runs thinned at random, as composites' writers are): "
        + (
            ", ".join(
                f"{int(size):,} posts FPR {_with_interval(block, 'fpr')} of {block.get('n', 0)}"
                for size, block in sorted(
                    ((s, b) for s, b in control.items() if isinstance(b, dict)), key=lambda item: int(item[0])
                )
            )
            or "not measured"
        )
        + ".",
        f"Cost at 4,000 posts on the user's path: {_number(results.get('seconds_per_byline'), 1)} s, "
        f"peak RSS {_number(results.get('peak_rss_mb'), 0)} MB; at 20,000 posts (one account's run): "
        f"{_number(results.get('seconds_20000'), 1)} s, peak RSS {_number(results.get('peak_rss_mb_20000'), 0)} MB.",
    ]
    coverage = (results.get("c50") or {}).get("k_interval")
    if coverage:
        lines.append(
            f"C50 staff bylines: the reported 90% interval over k held the true k for "
            f"{_number(coverage.get('coverage'), 2)} of {coverage.get('detected_composites')} detected composites."
        )
    lines.extend(_confidence_lines(results))
    encoder = results.get("encoder")
    if encoder:
        purity = encoder.get("post_purity_at_true_k", {})
        lines.append(
            f"Style encoder in the per-post model (style view, true k, {encoder.get('composites')} composites of "
            f"at most {encoder.get('max_posts')} posts): post purity {_number(purity.get('shipped_space'))} with the "
            f"shipped style space, {_number(purity.get('encoder'))} with the encoder, {_number(purity.get('both'))} "
            f"with both (gain {_number(encoder.get('purity_gain_both_vs_shipped'))})."
        )
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


STYLE_REPRESENTATIONS = {
    "char": "character 2-4-grams",
    "minilm": "MiniLM off the shelf",
    "encoder": "style encoder",
    "shipped": "shipped mix",
}


def style_table(results: dict) -> str:
    """``bench style``: topic-controlled AUC and retrieval MRR per representation and genre."""
    genres = ("tweet", "episode", "article")
    rows = [
        [label]
        + [_number(results.get(f"{name}_auc_{g}")) for g in genres]
        + [_number(results.get(f"{name}_mrr_{g}")) for g in genres]
        for name, label in STYLE_REPRESENTATIONS.items()
    ]
    columns = ["representation", *(f"AUC {g}" for g in genres), *(f"MRR {g}" for g in genres)]
    writers = results.get("writers", {})
    lines = _table(results, "style", columns, rows) + [
        "",
        f"Held-out writers: {writers.get('tweet', '–')} accounts (tweets, episodes), {writers.get('article', '–')} "
        f"C50 authors. Shipped mix weight of the encoder: {_number(results.get('combination_weight'), 2)}; "
        f"content independence of the shipped mix: {_number(results.get('content_independence'))}; "
        f"{_number(results.get('docs_per_second'), 0)} tweets/s and "
        f"{_number(results.get('docs_per_second_article'), 1)} articles/s on one core; shipped head "
        f"{_number(results.get('shipped_mb'), 2)} MB.",
    ]
    return "\n".join(lines)


def screen_table(results: dict) -> str:
    """``bench screen``: the release screen's time, memory and planted truth recovered."""
    keys = [
        ("accounts", "accounts"),
        ("posts", "posts"),
        ("seconds (2 workers)", "seconds"),
        ("seconds (1 worker)", "seconds_1_worker"),
        ("seconds (this process)", "seconds_single_process"),
        ("speedup, 2 workers", "speedup_2_workers"),
        ("peak RSS MB per worker", "peak_rss_mb_per_worker"),
        ("identical to one process", "identical_to_single_process"),
        ("flagged", "flagged"),
        ("planted composites flagged (recall)", "composite_recall_screen"),
        ("held-out single accounts flagged (FPR)", "composite_fpr_screen"),
        ("fully tested (cascade)", "fully_tested"),
        ("cascade seconds (this process)", "cascade_seconds"),
        ("planted composites found by the cascade", "composite_recall_cascade"),
        ("planted composites found by the full test on all", "composite_recall_full_test_on_all"),
        ("held-out singles called composite by the cascade", "composite_fpr_cascade"),
        ("held-out singles called composite by the full test on all", "composite_fpr_full_test_on_all"),
        ("seconds per full test (this process)", "full_test_seconds_each"),
        ("planted groups: pair recall", "coordination_recall"),
        ("planted groups: pair precision", "coordination_precision"),
    ]
    rows = [[label, str(results.get(key, "–"))] for label, key in keys]
    lines = _table(results, "screen", ["measure", "value"], rows)
    looser = results.get("cascade_at_screen_alpha")
    if looser:
        lines += [
            "",
            "The cascade at other screen alphas (`--alpha`): accounts sent to the full test in the whole "
            "release, and planted composites / held-out singles that end up called composite.",
            "",
            "| screen alpha | full tests | estimated full-test seconds | composite recall | single FPR |",
            "| ---: | ---: | ---: | ---: | ---: |",
            *(
                f"| {a} | {row['full_tests']} | {row['full_test_seconds_estimate']} | "
                f"{row['composite_recall']} | {row['composite_fpr']} |"
                for a, row in looser.items()
            ),
        ]
    by_split = results.get("composite_fpr_full_test_by_split")
    if by_split:
        parts = [
            f"{split} {round(row['fpr'] * row['n'])} of {row['n']}" for split, row in by_split.items() if row.get("n")
        ]
        lines += [
            "",
            "Held-out singles called composite by the full test, by the composite test's own split of the "
            f"accounts (`train`: the accounts its style space was fitted on): {', '.join(parts)}.",
        ]
    return "\n".join(lines)


def screen_scale_table(results: dict) -> str:
    """``bench screen-scale``: the screen on resampled corpora of growing size, 2 workers."""
    rows = []
    for size, run in sorted(results.get("sizes", {}).items(), key=lambda item: int(item[0])):
        graph = run.get("graph", {})
        rows.append(
            [
                f"{int(size):,}",
                f"{run['accounts']:,}",
                str(run.get("screened", "–")),
                str(run["seconds"]),
                f"{run['posts_per_second']:,.0f}",
                str(run["peak_rss_mb_per_worker"]),
                str(run["flagged"]),
                f"{graph.get('edges', 0):,}",
                str(graph.get("neighbours", "–")),
            ]
        )
    columns = [
        "posts",
        "accounts",
        "with enough posts to test",
        "seconds",
        "posts/s",
        "peak MB per worker",
        "flagged",
        "edges",
        "style neighbours",
    ]
    lines = _table(results, "screen-scale", columns, rows)
    lines += [
        "",
        f"Time for 10x the posts: {results.get('growth_seconds')}x (target at most {results.get('growth_target')}x); "
        f"client process peak {results.get('peak_rss_mb_main_process')} MB; copies collapsed: "
        f"{results.get('collapse_copies')}; cascade: {results.get('cascade')}. One-minute load average before and after "
        "of each run, on a machine shared with other jobs: "
        + ", ".join(
            f"{int(size):,}: {run.get('load_average')}"
            for size, run in sorted(results.get("sizes", {}).items(), key=lambda item: int(item[0]))
        )
        + ".",
    ]
    return "\n".join(lines)


def senators_table(results: dict) -> str:
    """``bench senators``: two offices' composites against the senators' reference and the shipped null."""
    columns = ["null", "n", "composites", "AUC", "FPR (95% CI)", "TPR (95% CI)", "exact k", "post purity (95% CI)"]
    names = {"reference": "other senators (`--reference`)", "shipped": "shipped IRA null (no `--reference`)"}
    rows = [_detection_cells(names.get(name, name), b) for name, b in (results.get("nulls") or {}).items()]
    low, high = results.get("posts_per_byline") or ["–", "–"]
    lines = _table(results, "senators", columns, rows) + [
        "",
        f"{(results.get('bylines') or 0) - (results.get('composites') or 0)} of the {results.get('test_senators')} "
        f"test senators alone and {results.get('composites')} pairs of them "
        f"({low}-{high} posts a byline); the reference: {results.get('reference_senators')} other senators.",
    ]
    control = results.get("span_matched") or {}
    if control:
        lines.append(
            f"Span-matched singles (each pair's more active senator alone over the pair's period, "
            f"{control.get('bylines')} bylines), against the pairs: "
            + "; ".join(
                f"{names.get(n, n)} FPR {_with_interval(b, 'fpr')}, AUC {_number(b.get('auc'))}"
                for n, b in control.items()
                if isinstance(b, dict)
            )
            + "."
        )
    return "\n".join(lines)


RENDERERS: dict[str, Callable[[dict], str]] = {
    "interleaved": interleaved_table,
    "composite": composite_table,
    "first-use": first_use_table,
    "style": style_table,
    "screen": screen_table,
    "screen-scale": screen_scale_table,
    "senators": senators_table,
}
#: Benches whose results the package does not read: their files live in docs/results/.
DOCS_RESULTS = {
    "first-use": "first_use.json",
    "style": "style.json",
    "screen": "screen.json",
    "screen-scale": "screen-scale.json",
    "senators": "senators.json",
}


def replace_section(page: str, name: str, body: str) -> str:
    """``page`` with the text between the section's marks replaced by ``body``."""
    start, end = START.format(name=name), END.format(name=name)
    if start not in page or end not in page:
        raise ValueError(f"docs/results.md has no section marked {start} ... {end}")
    head, rest = page.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"
