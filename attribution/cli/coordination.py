"""``attribution coordination``: the account graph with the evidence for each edge."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, corpus_argument, load_from_options


def _format(result: dict) -> str:
    summary = result["summary"]
    lines = [
        f"{summary['accounts']} accounts, {summary['posts']} posts: {summary['near_duplicate_post_pairs']} "
        f"near-duplicate post pairs, {summary['strong_edges']} strong edges, {summary['clusters']} clusters"
    ]
    for cluster in result["clusters"]:
        lines.append(
            f"  cluster {cluster['cluster']} ({cluster['size']}): "
            + ", ".join(cluster["accounts"][:12])
            + (" …" if cluster["size"] > 12 else "")
        )
    for edge in [e for e in result["edges"] if e["strong"]][:10]:
        ev = edge["evidence"]
        lines.append(
            f"  {edge['source']} - {edge['target']}: {ev['near_duplicates']} near duplicates "
            f"({ev['synchronised_near_duplicates']} in sync), {ev['synchronised_pairs']:.0f} synchronised "
            f"windows vs {ev['synchronised_expected']:.1f} expected (p {ev['synchronised_p_bonferroni']:.2g})"
        )
    return "\n".join(lines)


@click.command(short_help="Find accounts that post alike or in step.")
@corpus_argument
@click.option("--window", "window_seconds", default=60, show_default=True, help="Synchrony window in seconds.")
@click.option("--seed", default=0, show_default=True, help="Seed of the MinHash permutations.")
@command_options
def coordination(out: Output, window_seconds: int, seed: int, **options) -> None:
    """Near-duplicate texts, synchronised posting and shared links/hashtags across accounts.

    Example: attribution coordination senate --data ../shared/corpora --json
    """
    from attribution.behaviour import analyse_coordination

    loaded = load_from_options(**options)
    result = analyse_coordination(loaded.dataset, window_seconds=window_seconds, seed=seed, progress=out.progress)
    out.emit(result, lambda: _format(result))
