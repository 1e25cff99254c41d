"""``attribution train``: fit an attribution model on a labelled corpus and save it as a folder."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, corpus_argument, load_from_options


@click.command(short_help="Train an attribution model on a corpus.")
@corpus_argument
@click.option(
    "--config",
    "config_spec",
    default=None,
    help="Feature preset or YAML (default: attribution for svm/logreg, 500 MFW for the stylo methods).",
)
@click.option(
    "--method",
    type=click.Choice(["svm", "logreg", "delta", "cosine_delta", "nsc"]),
    default="svm",
    show_default=True,
    help="Classifier.",
)
@click.option("--C", "C", type=float, default=None, help="Regularisation of svm/logreg (default 3 / 30).")
@click.option("--closed-set", is_flag=True, help="Do not learn the 'unknown' threshold (faster).")
@click.option("--min-texts", default=2, show_default=True, help="Drop authors with fewer training texts.")
@click.option("--seed", default=0, show_default=True, help="Seed for folds and the open-set split.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Model folder to write.")
@command_options
def train(
    out: Output,
    config_spec: str | None,
    method: str,
    C: float | None,
    closed_set: bool,
    min_texts: int,
    seed: int,
    out_dir: str,
    **corpus_options,
) -> None:
    """Train an attribution model on CORPUS (rows with an author) and save it to --out.

    The model folder holds config.json (versions, config, feature names) and model.skops
    (no pickle). The "unknown" threshold is learned on authors withheld from an inner split,
    with each known author's latest texts held out (by timestamp, or C50 document number).

    Example: attribution train c50-train --data ../shared/corpora --out models/c50
    """
    from attribution.attribute.classifier import AuthorClassifier, describe_left_out, describe_model, training_rows
    from attribution.attribute.persistence import save_model
    from attribution.errors import InsufficientEvidenceError

    with out.step("loading the corpus"):
        loaded = load_from_options(**corpus_options)
    texts, authors, order, summary = training_rows(loaded.dataset, min_texts=min_texts)
    left_out = describe_left_out(summary["left_out"], min_texts=min_texts)
    if len(set(authors)) < 2:
        raise InsufficientEvidenceError(
            f"training needs at least 2 authors with {min_texts}+ texts; found {len(set(authors))}. "
            + " ".join(left_out)
        )
    model = AuthorClassifier(config=config_spec, method=method, C=C, open_set=not closed_set, random_state=seed)
    with out.step(f"training on {len(texts)} texts of {len(set(authors))} authors"):
        model.fit(texts, authors, order=order, progress=out.progress)
    # The texts' word counts let `score` say when a text is out of the training genre.
    training = {"corpus": corpus_options["corpus_spec"], **summary, "words": sorted(len(t.split()) for t in texts)}
    save_model(model, out_dir, extra={"training": training})
    result = {
        "model": out_dir,
        "written": [out_dir],
        "training": summary,
        "left_out_text": left_out,
        **describe_model(model),
    }
    threshold = model.threshold_

    def text() -> str:
        lines = [f"Saved {method} model for {summary['authors']} authors ({summary['texts']} texts) to {out_dir}"]
        lines.append(
            f"'unknown' threshold: {threshold:.3f}" if threshold is not None else "closed set (no 'unknown' answer)"
        )
        return "\n".join(lines + left_out)

    out.emit(result, text)
