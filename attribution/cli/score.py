"""``attribution score``: rank the candidates of a saved model for new texts."""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, data_option

#: What ``score`` answers, said in its output beside ``verify``'s question.
QUESTION = (
    "Which of the model's {n} authors wrote each text, or none of them: 'unknown' when no candidate "
    "clears the threshold learned on writers the model never saw. (`verify` asks another question: is "
    "the text closer to one candidate than to a pool of impostors; it has no 'none of them' answer.)"
)

#: Texts scored per batch: a bar moves between batches, and a batch's matrix stays small.
BATCH = 16


@click.command(short_help="Rank a saved model's authors for texts.")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "--model",
    "model_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Model folder from `attribution train`.",
)
@click.option("--top", default=5, show_default=True, help="Candidates listed per text.")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the results: .json (all of it) or .csv (one row per text and candidate).",
)
@data_option
@command_options
def score(
    out: Output, inputs: tuple[str, ...], model_dir: str, top: int, out_path: str | None, data_dir: str | None
) -> None:
    """Score FILE... (plain text files, or corpora) with a saved model.

    Prints, per text, the ranked candidates with calibrated probabilities and the open-set
    decision ("unknown" when no candidate clears the learned threshold), and the same
    caveats as the web page: length, encoding, language, and genre against the training texts.

    Example: attribution score article.txt --model models/c50 --json
    """
    import logging
    import time

    from attribution.attribute.classifier import read_inputs, score_texts
    from attribution.attribute.persistence import load_model, read_model_config
    from attribution.report import trust
    from attribution.report.export import result_format, write_result

    if out_path:
        result_format(out_path)  # an unknown extension is refused before any work
    log = logging.getLogger(__name__)
    start = time.perf_counter()
    with out.step("loading the model"):
        model = load_model(model_dir)
        training = read_model_config(model_dir).get("training") or {}
    loaded = time.perf_counter()
    with out.step("reading the texts"):
        ids, texts, encodings = read_inputs(inputs, data_dir=data_dir)
    batches = range(0, len(texts), BATCH)
    results = []
    for begin in out.progress(batches, desc=f"scoring {len(texts)} text(s)", total=len(batches)):
        results += score_texts(model, texts[begin : begin + BATCH], ids[begin : begin + BATCH], top=top)
    log.info(
        "model loaded in %.2f s; %d text(s) scored in %.2f s", loaded - start, len(texts), time.perf_counter() - loaded
    )
    words = [int(n) for n in training.get("words", []) if isinstance(n, (int, float))]
    for row, body, encoding in zip(results, texts, encodings):
        notes = trust.trust_notes(body, training_kind=training.get("kind"), training_words=words, encoding=encoding)
        row["trust"] = {"level": trust.overall_trust(notes), "notes": notes}
    result = {
        "model": model_dir,
        "threshold": model.threshold_,
        "question": QUESTION.format(n=len(model.classes_)),
        "results": results,
        "written": [out_path] if out_path else [],
    }
    if out_path:
        rows = [
            {"id": r["id"], "prediction": r["prediction"], "unknown": r["unknown"], "trust": r["trust"]["level"], **c}
            for r in results
            for c in r["candidates"]
        ]
        write_result(out_path, result, rows)

    def text() -> str:
        lines = []
        for row in results:
            head = _unknown_head(row, model.threshold_) if row["unknown"] else row["prediction"]
            lines.append(f"{row['id']}: {head}  [trust: {row['trust']['level']}]")
            lines.extend(f"    {c['probability']:.3f}  {c['author']}" for c in row["candidates"])
            lines.extend(f"    {n['level']}: {n['text']}" for n in row["trust"]["notes"] if n["level"] != "ok")
        return "\n".join(lines)

    out.emit(result, text)
    out.written(result["written"])


def _unknown_head(row: dict, threshold: float | None) -> str:
    """Why "unknown", in numbers a user can check: the top candidate's lead over the runner-up
    (raw margins, not the probabilities shown below it) against the learned threshold."""
    if threshold is None:
        return "unknown (none of the candidates)"
    return (
        f"unknown (none of the candidates: {row['top_candidate']} leads the runner-up by {row['open_set_score']:.2f} "
        f"in raw margin, below the threshold {threshold:.2f} learned on authors held out in training)"
    )
