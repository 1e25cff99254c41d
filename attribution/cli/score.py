"""``attribution score``: rank the candidates of a saved model for new texts."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, data_option


@click.command(short_help="Rank a saved model's authors for texts.")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE...")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), required=True, help="Model folder from `attribution train`.")
@click.option("--top", default=5, show_default=True, help="Candidates listed per text.")
@data_option
@command_options
def score(out: Output, inputs: tuple[str, ...], model_dir: str, top: int, data_dir: str | None) -> None:
    """Score FILE... (plain text files, or corpora) with a saved model.

    Prints, per text, the ranked candidates with calibrated probabilities and the open-set
    decision ("unknown" when no candidate clears the learned threshold).

    Example: attribution score article.txt --model models/c50 --json
    """
    import logging
    import time

    from attribution.models.attribute import read_inputs, score_texts
    from attribution.models.persistence import load_model

    log = logging.getLogger(__name__)
    start = time.perf_counter()
    model = load_model(model_dir)
    loaded = time.perf_counter()
    ids, texts = read_inputs(inputs, data_dir=data_dir)
    results = score_texts(model, texts, ids, top=top)
    log.info("model loaded in %.2f s; %d text(s) scored in %.2f s", loaded - start, len(texts), time.perf_counter() - loaded)

    def text() -> str:
        lines = []
        for row in results:
            head = "unknown (none of the candidates)" if row["unknown"] else row["prediction"]
            lines.append(f"{row['id']}: {head}")
            lines.extend(f"    {c['probability']:.3f}  {c['author']}" for c in row["candidates"])
        return "\n".join(lines)

    out.emit({"model": model_dir, "threshold": model.threshold_, "results": results}, text)
