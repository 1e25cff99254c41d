"""``attribution demo``: the whole engine on the bundled Federalist Papers."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options
from attribution.demo import run_demo


@click.command(short_help="Run the engine on the Federalist Papers.")
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False),
    default="demo-output",
    show_default=True,
    help="Folder for the demo's reports.",
)
@click.option("--seed", default=0, show_default=True, help="Seed for every random choice.")
@command_options
def demo(out: Output, out_dir: str, seed: int) -> None:
    """Run the engine on the Federalist Papers (one byline, 'Publius') and say what it found.

    Everything it reads ships with the package: the papers, and the composite test's
    reference (Reuters C50 authors, as arrays of counts); no data folder is needed.

    Example: attribution demo --out-dir demo-output
    """
    result = run_demo(out_dir, seed=seed, progress=out.progress)
    out.emit(result, lambda: "\n".join(result["findings"]))
    out.written(result["written"])
