"""``attribution features``: compute a feature matrix for a corpus and write it as Parquet."""

from __future__ import annotations

import logging
from collections.abc import Callable

import click

from attribution.cli.common import Output, command_options, corpus_argument, load_from_options

log = logging.getLogger(__name__)

#: Corpora with more documents than this are featurised in batches unless --batch-rows says otherwise.
BATCH_ABOVE = 200_000
BATCH_ROWS = 10_000


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
        click.option(
            "--group-window", default="7D", show_default=True, help="Window with --group-by window (1D, 7D, 12h …)."
        ),
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


@click.command(short_help="Write the feature matrix of a corpus.")
@corpus_argument
@click.option(
    "--config", "config_spec", default="default", show_default=True, help="Preset (light, default, heavy) or YAML path."
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    required=True,
    help="File to write: .parquet (readable back as a matrix) or .csv (id, feature, value).",
)
@click.option(
    "--cache-dir",
    default=None,
    help="Cache folder for parses and embeddings (default: config, $ATTRIBUTION_CACHE, ~/.cache/attribution).",
)
@click.option(
    "--batch-rows",
    type=click.IntRange(min=0),
    default=None,
    help="Fit on a seeded sample of --fit-sample texts, then transform and write N rows at a time "
    "(bounded memory). Default: on, with 10000, for corpora over 200000 documents.",
)
@click.option(
    "--fit-sample",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Texts fitted on with --batch-rows.",
)
@grouping_options
@command_options
def features(
    out: Output,
    config_spec: str,
    out_path: str,
    cache_dir: str | None,
    batch_rows: int | None,
    fit_sample: int,
    group_by: str,
    group_size: int,
    group_window: str,
    min_posts: int,
    **corpus_options,
) -> None:
    """Compute the feature matrix of CORPUS and write it (ids, feature names, values) to --out.

    The file is long-form (one row per non-zero cell: id, feature, value), in the format its
    extension names. Read a .parquet file back with
    attribution.features.matrix_io.read_feature_matrix; a .csv is for spreadsheets.

    Example: attribution features federalist --config light --out features.parquet
    """
    from attribution.features import build_features, load_feature_config
    from attribution.features.matrix_io import matrix_format, write_feature_matrix

    matrix_format(out_path)  # an unknown extension is refused before any work
    config = load_feature_config(config_spec)
    loaded = load_from_options(**corpus_options)
    dataset = apply_grouping(loaded.dataset, group_by, group_size, group_window, min_posts)
    union = build_features(config, cache_dir=cache_dir, progress=out.progress)
    if batch_rows is None:
        batch_rows = BATCH_ROWS if len(dataset) > BATCH_ABOVE else 0
    if batch_rows:  # larger than memory: the matrix never exists whole
        from attribution.features.batched import sample_texts, transform_in_batches
        from attribution.features.matrix_io import write_feature_matrix_batches

        union.fit(sample_texts(dataset, fit_sample, config.seed))
        names = union.get_feature_names_out()
        batches = transform_in_batches(union, dataset, batch_rows, progress=out.progress)
        shape = write_feature_matrix_batches(out_path, batches, names, dataset["id"], config=config.to_dict())
        n_docs, nonzero = shape["documents"], shape["nonzero"]
    else:
        matrix = union.fit_transform(dataset["text"])
        names = union.get_feature_names_out()
        write_feature_matrix(out_path, matrix, names, dataset["id"], config=config.to_dict())
        n_docs, nonzero = matrix.shape[0], int(matrix.nnz)
    families: dict[str, int] = {}
    for name in names:
        family = name.split("__", 1)[0]
        families[family] = families.get(family, 0) + 1
    result = {
        "out": out_path,
        "written": [out_path],
        "config": config.name,
        "documents": n_docs,
        "features": len(names),
        "nonzero": nonzero,
        "batch_rows": batch_rows or None,
        "families": families,
        "grouping": None if group_by == "none" else {"by": group_by, "size": group_size, "window": group_window},
    }
    out.emit(
        result,
        lambda: (
            f"wrote {out_path}: {n_docs} documents x {len(names)} features "
            f"({', '.join(f'{k} {v}' for k, v in families.items())})"
        ),
    )
