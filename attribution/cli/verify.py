"""``attribution verify``: did the candidate write this text? (General Impostors)"""

from __future__ import annotations

import click

from attribution.cli.common import Output, command_options, data_option

#: What ``verify`` answers, said in its output beside ``score``'s question.
QUESTION = (
    "verify asks whether each text is closer to {candidate}'s known texts than to those of the "
    "{writers} other writer(s) in the impostor pool. It has no 'someone else entirely' answer: a text "
    "by a writer outside the pool can pass as the candidate's, which is why `score` (which can answer "
    "'unknown') may disagree. Read a 'same author' verdict with its trust level and any notes beside it."
)


@click.command(short_help="Same author as a candidate? (General Impostors)")
@click.argument("inputs", nargs=-1, required=True, metavar="TEXT...")
@click.option(
    "--candidate-corpus",
    required=True,
    help="Corpus with the candidate's known texts (and, without --impostors, other writers' texts).",
)
@click.option(
    "--candidate",
    default=None,
    help="The candidate's author/byline name in --candidate-corpus (needed when it holds several).",
)
@click.option(
    "--impostors",
    "impostor_spec",
    default=None,
    help="Corpus of texts by other writers (default: the other authors of --candidate-corpus).",
)
@click.option("--seed", default=0, show_default=True, help="Seed of the random feature subsets.")
@click.option(
    "--unmasking",
    is_flag=True,
    help="Add unmasking (Koppel & Schler) as a second view: its probability and accuracy curve.",
)
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
    from attribution.attribute.classifier import read_inputs
    from attribution.report import trust
    from attribution.verify.impostors import split_candidate, verify_texts

    with out.step("reading the texts and the candidate's corpus"):
        ids, texts, encodings = read_inputs(inputs, data_dir=data_dir)
        known, impostors, impostor_authors, name = split_candidate(
            candidate_corpus, candidate=candidate, impostors=impostor_spec, data_dir=data_dir
        )
    with out.step(f"verifying {len(texts)} text(s) against {name}"):
        results = verify_texts(
            texts, known, impostors, impostor_authors, random_state=seed, unmasking=unmasking, progress=out.progress
        )
    writers = len(set(impostor_authors))
    known_words = [len(t.split()) for t in known]
    rows = []
    for i, r, body, encoding in zip(ids, results, texts, encodings):
        notes = trust.trust_notes(
            body, training_words=known_words, encoding=encoding, compared_with="candidate's known texts"
        )
        notes.append(trust.impostor_note(writers))
        rows.append({"id": i, **r, "trust": {"level": trust.overall_trust(notes), "notes": notes}})
    question = QUESTION.format(candidate=name, writers=writers)

    def text() -> str:
        def lines(r: dict) -> list[str]:
            second = f"; unmasking {r['unmasking']['same_author_probability']:.3f}" if "unmasking" in r else ""
            head = f"{r['id']}: {r['verdict']} (P(same author) = {r['same_author_probability']:.3f}{second})"
            notes = [f"    {n['level']}: {n['text']}" for n in r["trust"]["notes"] if n["level"] != "ok"]
            return [f"{head}  [trust: {r['trust']['level']}]", *notes]

        return "\n".join([line for r in rows for line in lines(r)] + ["", question])

    result = {
        "candidate": name,
        "known_texts": len(known),
        "impostor_texts": len(impostors),
        "impostor_writers": writers,
        "question": question,
        "results": rows,
    }
    out.emit(result, text)
