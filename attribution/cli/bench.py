"""``attribution bench NAME``: run one benchmark and print one JSON object."""

from __future__ import annotations

import inspect

import click

from attribution.bench.registry import BENCHES, load_bench, provenance
from attribution.cli.common import Output, command_options, data_option
from attribution.report.jsonio import write_json


@click.command()
@click.argument("name", type=click.Choice(sorted(BENCHES)))
@data_option
@click.option("--seed", default=0, show_default=True, help="Seed for every random choice.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None, help="Also write the JSON here.")
@click.option(
    "--max-accounts",
    type=click.IntRange(min=4),
    default=None,
    help="Only this many accounts (benches over accounts: screen), for a quick run.",
)
@click.option(
    "--sizes",
    default=None,
    metavar="N,N,...",
    help="scale and screen-scale only: corpus sizes to measure (default 10000,100000,1000000; "
    "screen-scale: 1000000,3000000,10000000).",
)
@click.option(
    "--transform-rows",
    type=click.IntRange(min=1),
    default=None,
    help="scale only: stop the features transform after this many rows.",
)
@command_options
def bench(
    out: Output,
    name: str,
    data_dir: str | None,
    seed: int,
    out_path: str | None,
    max_accounts: int | None,
    sizes: str | None,
    transform_rows: int | None,
) -> None:
    """Run benchmark NAME and print its results as one JSON object.

    Example: attribution bench federalist --json
    """
    module = load_bench(name)
    started = provenance()  # the commit the bench starts from, not whatever is checked out when it ends
    options = _scale_options(name, sizes, transform_rows)
    if max_accounts is not None:
        if "max_accounts" not in inspect.signature(module.run).parameters:
            raise click.UsageError(f"bench {name} does not take --max-accounts")
        options["max_accounts"] = max_accounts
    result = {"bench": name, "seed": seed, **module.run(data_dir, seed=seed, progress=out.progress, **options)}
    # version, commit, date and machine, for results files and docs
    result["provenance"] = {**started, "finished_utc": provenance()["finished_utc"]}
    if out_path:
        write_json(out_path, result)
    out.as_json = True
    out.emit(result)


def _scale_options(name: str, sizes: str | None, transform_rows: int | None) -> dict:
    """``--sizes`` and ``--transform-rows`` as ``bench scale`` arguments; refused for other benches."""
    if name not in ("scale", "screen-scale") or (name != "scale" and transform_rows is not None):
        if sizes is not None or transform_rows is not None:
            raise click.UsageError(
                "--sizes applies to `bench scale` and `bench screen-scale`, --transform-rows to `bench scale` only"
            )
        return {}
    options: dict = {"transform_rows": transform_rows} if name == "scale" else {}
    if sizes is not None:
        try:
            options["sizes"] = tuple(int(size) for size in sizes.split(","))
        except ValueError:
            raise click.BadParameter(
                f"{sizes!r}: give whole numbers separated by commas, e.g. 10000,100000", param_hint="--sizes"
            ) from None
        if any(size < 1 for size in options["sizes"]):
            raise click.BadParameter(f"{sizes!r}: every size must be at least 1", param_hint="--sizes")
    return options
