"""Service helpers that need no engine: which rows are vetted, trust notes, engine discovery."""

from __future__ import annotations

import json

import pytest

from attribution.errors import ConfigError
from attribution.report import trust
from attribution.serve import service
from attribution.serve.config import Limits
from attribution.serve.uploads import Upload, byline_corpus


def _posts(rows: list[tuple[str | None, str]]):
    lines = []
    for index, (account, text) in enumerate(rows):
        lines.append(
            json.dumps(
                {
                    **({"account": account} if account else {}),
                    "text": text,
                    "created_at": f"2016-03-0{index + 1}T1{index}:00:00Z",
                }
            )
        )
    return byline_corpus(Upload("posts.jsonl", "\n".join(lines).encode()), Limits(), kind="tweet")


def test_a_named_byline_in_the_file_selects_its_rows_and_keeps_the_other_accounts():
    vet = service.prepare_vet(_posts([("alpha", "one post"), ("beta", "two post"), ("alpha", "three post")]), "alpha")
    assert vet.byline == "alpha"
    assert vet.documents.dataset["text"] == ["one post", "three post"]
    assert vet.accounts == ["alpha", "beta"] and len(vet.posts) == 3


def test_a_named_byline_not_in_the_file_takes_every_row():
    vet = service.prepare_vet(_posts([(None, "one"), (None, "two")]), "Publius")
    assert vet.byline == "Publius" and set(vet.documents.dataset["byline"]) == {"Publius"}
    assert len(vet.documents) == 2


def test_several_accounts_and_no_byline_is_refused():
    with pytest.raises(ConfigError, match="holds 2 bylines or accounts \\(alpha, beta\\)"):
        service.prepare_vet(_posts([("alpha", "one"), ("beta", "two")]), None)
    assert service.prepare_vet(_posts([("alpha", "one"), ("alpha", "two")]), None).byline == "alpha"


def test_trust_notes_flag_short_foreign_and_off_genre_texts():
    english = "It is the duty of the people to judge for themselves whether the government serves them. " * 40
    notes = {n["check"]: n for n in trust.trust_notes(english, training_kind="article", training_words=[600] * 10)}
    assert notes["length"]["level"] == "ok" and notes["language"]["level"] == "ok"
    assert notes["genre"]["level"] == "caution" and "outside the training texts' usual range" in notes["genre"]["text"]
    tweet = "Big news tonight!! #MAGA @someone https://t.co/xyz"
    notes = {n["check"]: n for n in trust.trust_notes(tweet, training_kind="article")}
    assert notes["length"]["level"] == "warning" and notes["genre"]["level"] == "warning"
    assert trust.overall_trust(list(notes.values())) == "low"
    french = "Le gouvernement de la république doit rendre compte au peuple de toutes ses décisions. " * 30
    assert trust.language_note(french)["level"] == "warning"
