"""``attribution bench NAME``: run one benchmark and print one JSON object."""

from __future__ import annotations

import inspect

import click

from attribution.bench.registry import BENCHES, load_bench
from attribution.cli.common import Output, command_options, data_option
from attribution.report.jsonio import write_json


@click.command()
@click.argument("name", type=click.Choice(sorted(BENCHES)))
@data_option
@click.option("--seed", default=0, show_default=True, help="Seed for every random choice.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None, help="Also write the JSON here.")
@click.option("--max-accounts", type=click.IntRange(min=4), default=None,
              help="Only this many accounts (benches over accounts: screen), for a quick run.")
@command_options
def bench(out: Output, name: str, data_dir: str | None, seed: int, out_path: str | None, max_accounts: int | None) -> None:
    """Run benchmark NAME and print its results as one JSON object.

    Example: attribution bench federalist --json
    """
    module = load_bench(name)
    options = {}
    if max_accounts is not None:
        if "max_accounts" not in inspect.signature(module.run).parameters:
            raise click.UsageError(f"bench {name} does not take --max-accounts")
        options["max_accounts"] = max_accounts
    result = {"bench": name, "seed": seed, **module.run(data_dir, seed=seed, progress=out.progress, **options)}
    if out_path:
        write_json(out_path, result)
    out.as_json = True
    out.emit(result)
