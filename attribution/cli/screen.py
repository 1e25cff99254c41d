"""``attribution screen``: screen every account of a release, on Dask or in one process."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, corpus_argument, load_from_options


def _format(summary: dict, out_dir: str) -> str:
    graph = summary["graph"]
    return (
        f"{summary['accounts']} accounts ({summary['posts']} posts): {summary['flagged']} flagged at p <= "
        f"{summary['alpha']}, {summary['fully_tested']} fully tested ({summary['full_composite']} composite), "
        f"{graph['clusters']} clusters ({graph['accounts_in_clusters']} accounts), {graph['edges']} edges; "
        f"{summary['seconds']} s.\nOverview: {out_dir}/overview.html"
    )


@click.command()
@corpus_argument
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Output folder (Parquet tables, overview.html); an interrupted screen resumes in it.",
)
@click.option(
    "--cluster",
    default=None,
    help="local (default: an embedded LocalCluster), none (this process) or a scheduler address tcp://host:8786.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes of the local cluster (default: CPU count); 0 runs in this process.",
)
@click.option("--memory-limit", default="2GB", show_default=True, help="Memory limit per local worker process.")
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Also give the full composite test to the N accounts with the smallest screen p-values.",
)
@click.option(
    "--alpha",
    type=float,
    default=0.1,  # attribution.screen.run.ALPHA, written out: importing the screen here loads Dask
    show_default=True,
    help="Screen p-value at or below which an account is flagged and passed on to the full composite test.",
)
@click.option("--no-full-test", is_flag=True, help="Screen only: no full composite test.")
@click.option(
    "--collapse-copies",
    is_flag=True,
    help="Pair posts of one text at one time stamp once, as a group (for corpora whose texts recur in many accounts).",
)
@click.option("--seed", default=0, show_default=True, help="Seed for every random choice.")
@command_options
def screen(
    out: Output,
    out_dir: str,
    cluster: str | None,
    workers: int | None,
    memory_limit: str,
    top: int,
    alpha: float,
    no_full_test: bool,
    collapse_copies: bool,
    seed: int,
    **options,
) -> None:
    """Screen every account: composite screen, behaviour, and the account graph.

    Example: attribution screen ira --data ../shared/corpora --out screen-ira --workers 2
    """
    from attribution.screen import load_calibration, open_client, posts_for_screen, screen_corpus

    loaded = load_from_options(**options)
    calibration = load_calibration(options["data_dir"], seed=seed)
    with open_client(cluster, workers, memory_limit) as client:
        summary = screen_corpus(
            posts_for_screen(loaded.dataset),
            out_dir,
            calibration,
            client=client,
            seed=seed,
            alpha=alpha,
            top=top,
            full_tests=not no_full_test,
            collapse_copies=collapse_copies,
            progress=out.progress,
        )
    out.emit(summary, lambda: _format(summary, out_dir))
