"""``attribution composite``: is this byline one writer or several, and which operators."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import Output, command_options, corpus_argument, load_from_options


@click.command(short_help="Is a byline one writer or several; how many; who.")
@corpus_argument
@click.option("--byline", default=None, help="The byline to test when the corpus holds several.")
@click.option(
    "--operators",
    "operators_spec",
    default=None,
    metavar="OPERATOR_CORPUS",
    help="Corpus of known operators' writings (author column names them).",
)
@click.option(
    "--reference",
    "reference_spec",
    default=None,
    metavar="REFERENCE_CORPUS",
    help="Single-writer bylines of the same genre (author or byline column) to measure the null on, "
    "instead of the shipped ones (time-stamped posts: IRA accounts; documents: Reuters C50 articles or "
    "excerpts, whichever is nearer their length); read with the same column options.",
)
@click.option(
    "--metadata-col",
    default=None,
    metavar="COLUMN",
    help="Time-stamped posts: a column such as the posting client, read as separate evidence after the "
    "verdict (do the writers found differ in it?); never part of the verdict. Off by default.",
)
@click.option("--alpha", default=0.05, show_default=True, help="Significance level of the test.")
@click.option("--seed", default=0, show_default=True, help="Seed for every random choice.")
@click.option(
    "--report", "report_path", type=click.Path(dir_okay=False), default=None, help="Also write the HTML report here."
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the result: .json (all of it) or .csv (one row per document).",
)
@command_options
def composite(
    out: Output,
    corpus_spec: str,
    byline: str | None,
    operators_spec: str | None,
    reference_spec: str | None,
    metadata_col: str | None,
    alpha: float,
    seed: int,
    report_path: str | None,
    out_path: str | None,
    **options,
) -> None:
    """Test whether the byline of CORPUS is one writer or several; estimate how many and who.

    Time-stamped posts: a per-post writer model (style and posting times), its p-value
    calibrated on single accounts shipped with the package, or on --reference; with --operators,
    runs of 20 consecutive posts are read as documents instead (a run can mix writers; their null:
    IRA accounts' runs, shipped). Documents: the p-value is calibrated on single-author sets of
    Reuters C50 authors (shipped with the package as counts: whole articles, or excerpts of
    100-400 words, whichever is nearer the documents' median length), or of --reference
    (single-writer bylines of the same genre and length: the null that fits the byline). When the verdict is "insufficient_evidence"
    the JSON (and --report) are still written, "Not enough evidence" goes to stderr and the exit
    code is 1.

    Example: attribution composite federalist --operators ops.jsonl --json
    """
    from attribution.composite.article import test_composite
    from attribution.report.export import result_format, write_result

    if out_path:
        result_format(out_path)  # an unknown extension is refused before any work
    with out.step("loading the corpus"):
        corpus = load_from_options(corpus_spec, keep_in_meta=(metadata_col,) if metadata_col else (), **options)
        operators = None
        if operators_spec:
            operators = load_from_options(operators_spec, data_dir=options.get("data_dir"))
        reference = None
        if reference_spec:
            reference = load_from_options(reference_spec, **options)
    with out.step("composite test"):
        result = test_composite(
            corpus,
            byline=byline,
            operators=operators,
            alpha=alpha,
            seed=seed,
            reference_corpus=reference,
            metadata_col=metadata_col,
            unnamed=Path(corpus_spec).name or corpus_spec,
            progress=out.progress,
        ).to_dict()
    written = [path for path in (report_path, out_path) if path]
    result["written"] = written
    if report_path:
        from attribution.report.html import write_report

        write_report(report_path, result)
    if out_path:
        write_result(out_path, result, result.get("documents") or [])
    out.emit(result, lambda: _summary(result))
    out.written(written)
    if result["verdict"]["level"] == "insufficient_evidence":
        from attribution.errors import InsufficientEvidenceError

        raise InsufficientEvidenceError(result["verdict"]["text"])


def _summary(result: dict) -> str:
    """The verdict, which evidence carried it (posts: style, posting times, both), and what it was
    measured against when a shipped pool was chosen by length."""
    from attribution.report.wording import format_percent, measured_detail

    lines = [result["verdict"]["text"]]
    test = result.get("test") or {}
    if test.get("evidence"):
        lines.append(test["evidence"])
    k = result.get("k") or {}
    if result["verdict"].get("level") == "composite" and k.get("interval"):
        low, high = k["interval"]
        lines.append(f"Writers: {k['estimate']} (90% range over subsamples {low} to {high}).")
    if test.get("measured_fpr") is not None:
        lines.append(
            f"Measured false-alarm rate on single writers: {format_percent(test['measured_fpr'], 1)} "
            f"({measured_detail(test)})."
        )
    pool = (result.get("methods") or {}).get("reference_pool")
    if pool:
        lines.append(f"Compared with {pool}.")
    return "\n".join(lines)
