"""``attribution features``: compute a feature matrix for a corpus and write it as Parquet."""

from __future__ import annotations

import logging
from collections.abc import Callable

import click

from attribution.cli.common import Output, command_options, corpus_argument, load_from_options

log = logging.getLogger(__name__)


def grouping_options(func: Callable) -> Callable:
    """``--group-by/--group-size/--group-window/--min-posts``: analysis units from short posts."""
    options = [
        click.option(
            "--group-by",
            type=click.Choice(["none", "account", "window", "count"]),
            default="none",
            show_default=True,
            help="Group posts into analysis units: per account, per time window, or per N posts.",
        ),
        click.option("--group-size", default=50, show_default=True, help="Posts per unit with --group-by count."),
        click.option("--group-window", default="7D", show_default=True, help="Window with --group-by window (1D, 7D, 12h …)."),
        click.option("--min-posts", default=1, show_default=True, help="Drop units with fewer posts."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def apply_grouping(dataset, group_by: str, group_size: int, group_window: str, min_posts: int):
    """The dataset itself, or its grouped analysis units (see ``corpus.grouping.group_posts``)."""
    if group_by == "none":
        return dataset
    from attribution.corpus.grouping import group_posts

    return group_posts(dataset, by=group_by, size=group_size, window=group_window, min_posts=min_posts)


@click.command()
@corpus_argument
@click.option("--config", "config_spec", default="default", show_default=True, help="Preset (light, default, heavy) or YAML path.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), required=True, help="Parquet file to write.")
@click.option("--cache-dir", default=None, help="Cache folder for parses and embeddings (default: config, $ATTRIBUTION_CACHE, ~/.cache/attribution).")
@grouping_options
@command_options
def features(
    out: Output,
    config_spec: str,
    out_path: str,
    cache_dir: str | None,
    group_by: str,
    group_size: int,
    group_window: str,
    min_posts: int,
    **corpus_options,
) -> None:
    """Compute the feature matrix of CORPUS and write it (ids, feature names, values) to --out.

    The Parquet file is long-form (one row per non-zero cell: id, feature, value); read it back
    with attribution.features.matrix_io.read_feature_matrix.

    Example: attribution features federalist --config light --out features.parquet
    """
    from attribution.features import build_features, load_feature_config
    from attribution.features.matrix_io import write_feature_matrix

    config = load_feature_config(config_spec)
    loaded = load_from_options(**corpus_options)
    dataset = apply_grouping(loaded.dataset, group_by, group_size, group_window, min_posts)
    union = build_features(config, cache_dir=cache_dir, progress=out.progress)
    matrix = union.fit_transform(dataset["text"])
    names = union.get_feature_names_out()
    write_feature_matrix(out_path, matrix, names, dataset["id"], config=config.to_dict())
    families: dict[str, int] = {}
    for name in names:
        family = name.split("__", 1)[0]
        families[family] = families.get(family, 0) + 1
    result = {
        "out": out_path,
        "config": config.name,
        "documents": matrix.shape[0],
        "features": matrix.shape[1],
        "nonzero": int(matrix.nnz),
        "families": families,
        "grouping": None if group_by == "none" else {"by": group_by, "size": group_size, "window": group_window},
    }
    out.emit(
        result,
        lambda: f"wrote {out_path}: {matrix.shape[0]} documents x {matrix.shape[1]} features "
        f"({', '.join(f'{k} {v}' for k, v in families.items())})",
    )
