"""The composite byline test on real C50 and Federalist text, and its result schema."""

from __future__ import annotations

import json

import datasets
import jsonschema
import numpy as np
import pytest

from attribution.composite import article as composite
from attribution.corpus import load_corpus
from attribution.corpus.schema import COLUMNS, FEATURES
from attribution.errors import ConfigError
from attribution.report.jsonio import dumps
from attribution.report.validation import load_schema

from .conftest import held_out_rows


def byline_dataset(c50, parts: list[tuple[str, int, int]], byline: str = "The Byline") -> datasets.Dataset:
    """Rows of held-out authors under one byline; ``parts`` = (author, first, stop) row ranges."""
    rows = [i for author, start, stop in parts for i in held_out_rows(c50, author, start, stop)]
    part = c50.select(rows).to_dict()
    part["byline"] = [byline] * len(rows)
    return datasets.Dataset.from_dict({c: part[c] for c in COLUMNS}, features=FEATURES)


def validate(result: dict) -> None:
    jsonschema.Draft202012Validator(load_schema("composite")).validate(json.loads(dumps(result)))


def test_too_few_documents_give_no_p_value():
    fed = load_corpus("federalist").dataset.select(range(3))
    result = composite.test_composite(fed).to_dict()
    assert result["verdict"]["level"] == "insufficient_evidence"
    assert result["verdict"]["composite"] is None
    assert result["test"]["p_value"] is None
    assert result["k"]["estimate"] is None
    validate(result)


def test_repeated_documents_count_once():
    """Three papers each given six times are three documents of evidence, not eighteen: too few to
    test, and the repeats are named (they were once tested as eighteen)."""
    fed = load_corpus("federalist").dataset.select(range(3))
    repeated = datasets.concatenate_datasets([fed] * 6)
    repeated = repeated.remove_columns("id").add_column("id", [f"copy{i}" for i in range(len(repeated))])
    result = composite.test_composite(repeated).to_dict()
    assert result["verdict"]["level"] == "insufficient_evidence"
    assert result["n_documents"] == 18 and [d["id"] for d in result["documents"]] == repeated["id"]
    assert result["verdict"]["text"].startswith("Too few distinct documents (3)")
    assert any(
        "15 document(s) repeat the text of another" in c and "copy3 (= copy0)" in c
        for c in result["methods"]["caveats"]
    )
    validate(result)


def test_a_byline_outside_every_reference_gets_no_rate_and_a_weak_one_writer_answer():
    """300-word openings of Hamilton's papers (18th-century essays) lie beyond every single C50
    writer's set: "one writer" is weak evidence there, and no measured rate of news writers is
    quoted for them."""
    fed = load_corpus("federalist").dataset
    rows = [i for i, a in enumerate(fed["author"]) if a == "Hamilton"][:12]
    byline = fed.select(rows)
    byline = byline.remove_columns("text").add_column("text", [" ".join(t.split()[:300]) for t in byline["text"]])
    result = composite.test_composite(byline, rolling=False, n_subsamples=0).to_dict()
    assert result["test"]["reference"]["reference_share_as_far"] == 0.0
    assert (
        result["test"]["measured_fpr"] is None
        and "this far from the reference" in result["test"]["measured_fpr_source"]
    )
    if result["verdict"]["level"] == "single":
        assert "weak evidence of one writer" in result["verdict"]["text"]
    validate(result)


@pytest.mark.slow
def test_two_writers_are_detected_and_matched(c50, c50_authors, small_reference):
    first, second, third = c50_authors[1][:3]
    docs = byline_dataset(c50, [(first, 0, 12), (second, 0, 8)])
    # Held-out authors (never in the reference): the null knows nothing of them.
    operators = byline_dataset(c50, [(first, 50, 65), (second, 50, 65), (third, 50, 65)], byline="ops")
    result = composite.test_composite(docs, operators=operators, reference=small_reference, n_null=200).to_dict()
    validate(result)
    assert result["verdict"]["level"] == "composite", result["test"]
    assert result["test"]["p_value"] <= 0.05
    assert result["k"]["estimate"] >= 2
    truth = [first] * 12 + [second] * 8
    assigned = [d["operator"] for d in result["documents"]]
    assert np.mean([a == t for a, t in zip(assigned, truth)]) >= 0.8
    assert {c["operator"] for c in result["clusters"]} & {first, second}
    assert result["operators"]["names"] == sorted([first, second, third])
    # With operators, k and the clusters come from the operators found present.
    assert result["k"]["source"] == "operators"
    informed = result["k"]["operator_informed"]
    assert informed["operators_present"] == 2 and informed["interval"][0] <= 2 <= informed["interval"][1]
    assert {name for name, v in result["operators"]["presence"].items() if v["present"]} == {first, second}
    assert {c["operator"] for c in result["clusters"]} == {first, second}
    assert result["test"]["p_value"] == pytest.approx(
        min(1.0, 2 * min(result["test"]["style_p_value"], result["test"]["operator_p_value"])), abs=1e-6
    )
    assert result["operators"]["out_of_fold_documents"] == 0


@pytest.mark.slow
def test_byline_documents_that_are_operator_references_are_scored_out_of_fold(c50, c50_authors, small_reference):
    first, second, third = c50_authors[1][6:9]
    # The byline's documents are also the operators' references (the Publius situation).
    docs = byline_dataset(c50, [(first, 0, 10), (second, 0, 10)])
    operators = byline_dataset(c50, [(first, 0, 10), (second, 0, 10), (third, 0, 10)], byline="ops")
    result = composite.test_composite(
        docs, operators=operators, reference=small_reference, n_null=100, n_subsamples=0, rolling=False
    ).to_dict()
    validate(result)
    assert result["operators"]["out_of_fold_documents"] == 20
    assert any("scored out of fold" in c for c in result["methods"]["caveats"])
    # Their probabilities are those of matchers fitted without them, not of the matcher that saw them.
    from attribution.composite.operators import OperatorMatcher, out_of_fold

    texts, names = list(operators["text"]), list(operators["author"])
    matcher = OperatorMatcher(profile=small_reference.profile, seed=0).fit(texts, names)
    held = out_of_fold(matcher, texts, names).proba[:20]
    in_sample = matcher.predict_proba(matcher.transform_texts(texts[:20]), texts[:20])
    reported = np.array([[d["operator_probabilities"][c] for c in matcher.classes_] for d in result["documents"]])
    assert np.allclose(reported, held, atol=1e-4)
    assert not np.allclose(reported, in_sample, atol=1e-2)


def test_one_writer_is_not_called_composite(c50, c50_authors, small_reference):
    author = c50_authors[1][3]
    docs = byline_dataset(c50, [(author, 0, 15)])
    result = composite.test_composite(docs, reference=small_reference, n_null=200).to_dict()
    validate(result)
    assert result["verdict"]["level"] in ("single", "inconclusive")
    assert result["k"]["estimate"] == 1
    assert all(d["cluster"] == 0 for d in result["documents"])


def test_same_seed_same_json(c50, c50_authors, small_reference):
    first, second = c50_authors[1][4:6]
    docs = byline_dataset(c50, [(first, 0, 6), (second, 0, 4)])
    runs = [dumps(composite.test_composite(docs, reference=small_reference, n_null=100).to_dict()) for _ in range(2)]
    assert runs[0] == runs[1]


def test_several_bylines_need_a_choice(c50, c50_authors, small_reference):
    first, second = c50_authors[1][:2]
    docs = datasets.concatenate_datasets(
        [byline_dataset(c50, [(first, 0, 5)], byline="A"), byline_dataset(c50, [(second, 0, 5)], byline="B")]
    )
    with pytest.raises(ConfigError, match="choose one with --byline NAME"):
        composite.test_composite(docs, reference=small_reference)
    with pytest.raises(ConfigError, match="'C' is not in the corpus"):
        composite.test_composite(docs, byline="C", reference=small_reference)


def test_shipped_fixture_follows_the_schema():
    from pathlib import Path

    fixture = json.loads((Path(__file__).parents[1] / "data" / "composite_result.json").read_text())
    validate(fixture)
    broken = dict(fixture, verdict={"level": "maybe", "text": "x", "composite": None})
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


@pytest.mark.slow
def test_detected_composites_get_their_number_of_writers(c50, c50_authors, small_reference):
    """Held-out writers, 2-4 to a byline of 30 articles, no operators: where the test rejects one
    writer, k is the true number. A fixed penalty per extra cluster split stray articles off
    (k 4-6 for three or four writers; docs/decisions.md, stop 33)."""
    from attribution.composite.cluster import bcubed

    held = c50_authors[1]
    plans = [
        [(held[0], 0, 14), (held[1], 0, 10), (held[2], 0, 6)],
        [(held[3], 0, 16), (held[4], 0, 14)],
        [(held[5], 0, 12), (held[6], 0, 10), (held[7], 0, 8)],
        [(held[8], 0, 20), (held[9], 0, 10)],
        [(held[10], 0, 10), (held[11], 0, 10), (held[12], 0, 6), (held[13], 0, 4)],
        [(held[14], 0, 18), (held[15], 0, 12)],
    ]
    detected = []
    for plan in plans:
        truth = [author for author, start, stop in plan for _ in range(stop - start)]
        result = composite.test_composite(
            byline_dataset(c50, plan), reference=small_reference, n_null=100, n_subsamples=0, rolling=False
        ).to_dict()
        if result["test"]["p_value"] <= 0.05:
            labels = [d["cluster"] for d in result["documents"]]
            detected.append((result["k"]["estimate"] == len(plan), bcubed(truth, labels)[2]))
    assert len(detected) >= 4
    assert all(exact for exact, _ in detected), detected
    assert np.mean([f for _, f in detected]) >= 0.9, detected
