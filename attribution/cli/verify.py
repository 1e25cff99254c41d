"""``attribution verify``: did the candidate write this text? (General Impostors)"""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, data_option


@click.command(short_help="Same author as a candidate? (General Impostors)")
@click.argument("inputs", nargs=-1, required=True, metavar="TEXT...")
@click.option("--candidate-corpus", required=True, help="Corpus with the candidate's known texts (and, without --impostors, other writers' texts).")
@click.option("--candidate", default=None, help="The candidate's author/byline name in --candidate-corpus (needed when it holds several).")
@click.option("--impostors", "impostor_spec", default=None, help="Corpus of texts by other writers (default: the other authors of --candidate-corpus).")
@click.option("--seed", default=0, show_default=True, help="Seed of the random feature subsets.")
@click.option("--unmasking", is_flag=True, help="Add unmasking (Koppel & Schler) as a second view: its probability and accuracy curve.")
@data_option
@command_options
def verify(
    out: Output,
    inputs: tuple[str, ...],
    candidate_corpus: str,
    candidate: str | None,
    impostor_spec: str | None,
    seed: int,
    unmasking: bool,
    data_dir: str | None,
) -> None:
    """Give a calibrated same-author probability for each TEXT against one candidate.

    The answer is only as good as the impostors: include writers who resemble the candidate
    (colleagues on the same beat, teammates, imitators). A similar writer missing from the pool
    can pass as the candidate (on C50, 60% of a nearest colleague's texts did).

    Example: attribution verify questioned.txt --candidate-corpus c50-train --candidate AaronPressman --data ../shared/corpora
    """
    from attribution.models.attribute import read_inputs
    from attribution.models.verify import split_candidate, verify_texts

    ids, texts = read_inputs(inputs, data_dir=data_dir)
    known, impostors, impostor_authors, name = split_candidate(
        candidate_corpus, candidate=candidate, impostors=impostor_spec, data_dir=data_dir
    )
    results = verify_texts(texts, known, impostors, impostor_authors, random_state=seed, unmasking=unmasking, progress=out.progress)
    rows = [{"id": i, **r} for i, r in zip(ids, results)]

    def text() -> str:
        def line(r: dict) -> str:
            second = f"; unmasking {r['unmasking']['same_author_probability']:.3f}" if "unmasking" in r else ""
            return f"{r['id']}: {r['verdict']} (P(same author) = {r['same_author_probability']:.3f}{second})"

        return "\n".join(line(r) for r in rows)

    out.emit({"candidate": name, "known_texts": len(known), "impostor_texts": len(impostors), "results": rows}, text)
