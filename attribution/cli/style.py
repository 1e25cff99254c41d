"""``attribution train-style-encoder``: train the style encoder's head on the public corpora."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, data_option


@click.command("train-style-encoder", short_help="Train the style encoder on the shared corpora.")
@data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder for head.npz and card.json (the package ships attribution/features/data/style_encoder).",
)
@click.option("--seed", default=0, show_default=True, help="Seed for every random choice.")
@click.option("--steps", type=click.IntRange(min=1), default=1500, show_default=True, help="Training batches.")
@command_options
def train_style_encoder(out: Output, data_dir: str | None, out_dir: str, seed: int, steps: int) -> None:
    """Train the head of the style encoder (frozen MiniLM backbone) on the train writers.

    Example: attribution train-style-encoder --data ../shared/corpora --out style-encoder

    The epoch kept and the encoder's weight next to character n-grams are chosen on the tune
    writers; the test writers are left to `attribution bench style`.
    """
    from attribution.corpora import resolve_data_dir
    from attribution.style.train import save, train

    head, card = train(str(resolve_data_dir(data_dir, need="tweets")), seed=seed, steps=steps, progress=out.progress)
    save(head, out_dir)
    out.written([f"{out_dir}/head.npz", f"{out_dir}/card.json"])
    out.emit(
        {"out": out_dir, "tune": card["tune"], "combination_weight": card["combination_weight"]},
        text=lambda: (
            f"style encoder written to {out_dir}; tune AUC {card['tune']['best']['tune_auc']}, "
            f"weight next to char n-grams {card['combination_weight']}"
        ),
    )
