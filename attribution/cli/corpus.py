"""``attribution corpus``: load and describe corpora."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, corpus_argument, load_from_options
from attribution.corpus.info import describe_corpus


@click.group(short_help="Describe a corpus and its load problems.")
def corpus() -> None:
    """Inspect corpora.

    Example: attribution corpus info federalist --json
    """


def _format_info(info: dict) -> str:
    lines = [f"{info['name']}: {info['documents']} documents, {info['words']['total']:,} words"]
    for key in ("labels", "authors", "bylines", "kinds"):
        if key in info:
            shown = list(info[key].items())
            more = f" … (+{len(shown) - 12} more)" if len(shown) > 12 else ""
            lines.append(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in shown[:12]) + more)
    words = info["words"]
    lines.append(f"  words per document: min {words['min']}, median {words['median']:.0f}, max {words['max']}")
    span = info["time_range"]
    if span["first"]:
        lines.append(f"  time: {span['first']} .. {span['last']} ({span['with_timestamp']} stamped)")
    load = info["load"]
    lines.append(f"  rows read {load['rows_read']}, used {load['rows_used']}, skipped {load['rows_skipped']}")
    if load["problem_counts"]:
        lines.append("  problems: " + ", ".join(f"{k} {v}" for k, v in load["problem_counts"].items()))
    for problem in load["problems"][:10]:
        where = problem["path"] + (f", row {problem['row']}" if problem["row"] is not None else "")
        lines.append(f"  {problem['severity']}: {where}: {problem['problem']}")
    unlisted = sum(load["problem_counts"].values()) - min(len(load["problems"]), 10)
    if unlisted > 0:
        lines.append(f"  … and {unlisted:,} more problems (--json lists up to 200)")
    return "\n".join(lines)


@corpus.command()
@corpus_argument
@command_options
def info(out: Output, **options) -> None:
    """Counts per author and byline, kinds, text lengths, time range and load problems.

    Example: attribution corpus info federalist --json
    """
    loaded = load_from_options(**options)
    result = describe_corpus(loaded)
    out.emit(result, lambda: _format_info(result))
