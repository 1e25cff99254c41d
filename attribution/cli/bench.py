"""``attribution bench NAME``: run one benchmark and print one JSON object."""

from __future__ import annotations

import click

from attribution.bench.registry import BENCHES, load_bench
from attribution.cli.common import Output, command_options, data_option
from attribution.report.jsonio import write_json


@click.command()
@click.argument("name", type=click.Choice(sorted(BENCHES)))
@data_option
@click.option("--seed", default=0, show_default=True, help="Seed for every random choice.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None, help="Also write the JSON here.")
@command_options
def bench(out: Output, name: str, data_dir: str | None, seed: int, out_path: str | None) -> None:
    """Run benchmark NAME and print its results as one JSON object.

    Example: attribution bench federalist --json
    """
    result = {"bench": name, "seed": seed, **load_bench(name).run(data_dir, seed=seed, progress=out.progress)}
    if out_path:
        write_json(out_path, result)
    out.as_json = True
    out.emit(result)
