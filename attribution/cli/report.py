"""``attribution report``: render a saved composite result as a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import Output, command_options


@click.command(short_help="Render a saved composite result as HTML.")
@click.argument("result_path", metavar="RESULT.json", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="HTML file to write  [default: RESULT.html beside the JSON].",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the result against the composite schema shipped in the package first.",
)
@command_options
def report(out: Output, result_path: str, out_path: str | None, validate: bool) -> None:
    """Render a composite result saved as JSON into an HTML report that opens offline.

    The page states the verdict first, then the map, the operator heat map, the timeline,
    the posting hours, what sets each group apart, the load counts and a methods paragraph.

    Example: attribution report result.json --out report.html
    """
    from attribution.report.html import write_report
    from attribution.report.validation import load_result

    result = load_result(result_path, validate=validate)
    target = Path(out_path) if out_path else Path(result_path).with_suffix(".html")
    write_report(target, result)
    size = target.stat().st_size
    summary = {
        "report": str(target),
        "bytes": size,
        "verdict": (result.get("verdict") or {}).get("text"),
    }
    out.emit(summary, lambda: f"Wrote {target} ({size // 1024} KiB). {summary['verdict'] or ''}".rstrip())
