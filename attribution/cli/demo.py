"""``attribution demo``: the whole engine on the bundled Federalist Papers."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, data_option
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
@data_option
@command_options
def demo(out: Output, out_dir: str, seed: int, data_dir: str | None) -> None:
    """Run the engine on the Federalist Papers (one byline, 'Publius') and say what it found.

    It needs the shared corpora (--data or $ATTRIBUTION_DATA): the composite test's reference
    is Reuters C50. Without them it stops before writing anything, with exit code 1.

    Example: attribution demo --out-dir demo-output
    """
    result = run_demo(out_dir, data_dir=data_dir, seed=seed, progress=out.progress)
    out.emit(result, lambda: "\n".join(result["findings"]))
    out.written(result["written"])
