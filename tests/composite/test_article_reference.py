"""The shipped document references: the arrays equal references fitted on the corpora's texts
(C50 articles; IRA units of 20 posts), the test gives the same answer with either, and the
document test runs with no data folder at all (articles, and posts with operators)."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner

from attribution.cli import main
from attribution.composite.article import test_composite as composite_test
from attribution.composite.reference import build_document_reference, shipped_reference
from attribution.composite.reference_file import read_reference, save_reference
from attribution.corpus.text import fingerprints
from attribution.errors import ModelError
from tests.cli.test_composite_cli import write_rows
from tests.composite.test_article import byline_dataset


@pytest.fixture(scope="module")
def rebuilt(data_dir):
    return build_document_reference("article", str(data_dir))


def assert_same_reference(shipped, rebuilt) -> None:
    assert shipped.name == rebuilt.name and shipped.kind == rebuilt.kind
    assert list(shipped.profile.terms()) == list(rebuilt.profile.terms())
    np.testing.assert_array_equal(shipped.profile.idf_, rebuilt.profile.idf_)
    np.testing.assert_array_equal(shipped.profile.mean_, rebuilt.profile.mean_)
    assert shipped.counts.shape == rebuilt.counts.shape and (shipped.counts != rebuilt.counts).nnz == 0
    np.testing.assert_array_equal(shipped.tokens, rebuilt.tokens)
    np.testing.assert_array_equal(shipped.authors, rebuilt.authors)
    for ours, theirs in zip(shipped.word_counts, rebuilt.word_counts):
        np.testing.assert_array_equal(ours, theirs)
    text = rebuilt.texts[0]
    assert (shipped.profile.counts([text]) != rebuilt.profile.counts([text])).nnz == 0


@pytest.mark.slow
def test_the_shipped_arrays_are_the_reference_fitted_on_the_c50_texts(rebuilt):
    shipped, meta = shipped_reference("article")
    # The 3,000 articles less those that repeat another's text (kept once: ``build_reference``).
    assert meta["documents"] == len(rebuilt.authors) and 2950 <= meta["documents"] < 3000 and meta["authors"] == 30
    assert len(set(fingerprints(pa.array(rebuilt.texts)).to_pylist())) == len(rebuilt.texts)
    assert_same_reference(shipped, rebuilt)


def test_a_reference_keeps_each_repeated_text_once_and_says_so(caplog):
    from attribution.composite.reference import build_reference

    texts = ["The cat sat on the mat.", "the cat  sat on the mat", "A dog ran far away.", "Zebras graze at dawn."]
    with caplog.at_level("WARNING"):
        reference = build_reference(texts, ["a", "a", "b", "b"], name="tiny", kind="article")
    assert list(reference.authors) == ["a", "b", "b"] and reference.texts[0] == texts[0]
    assert "tiny: 1 text(s) repeat another's and were kept once" in caplog.text


@pytest.mark.slow
def test_the_shipped_post_units_are_the_reference_built_from_the_ira_accounts(data_dir):
    shipped, meta = shipped_reference("tweet")
    rebuilt = build_document_reference("tweet", str(data_dir))
    assert meta["documents"] == len(rebuilt.authors) and meta["authors"] == len(set(rebuilt.authors))
    assert_same_reference(shipped, rebuilt)


@pytest.mark.slow
def test_a_held_out_byline_gets_the_same_answer_from_either_reference(c50, c50_authors, rebuilt):
    _, held_out = c50_authors
    byline = byline_dataset(c50, [(held_out[0], 0, 12), (held_out[1], 0, 12)])
    shipped, _ = shipped_reference("article")
    answers = [
        composite_test(byline, reference=reference, rolling=False, n_subsamples=0, seed=0).to_dict()
        for reference in (shipped, rebuilt)
    ]
    assert answers[0]["test"]["p_value"] == answers[1]["test"]["p_value"] <= 0.05
    assert answers[0]["k"]["estimate"] == answers[1]["k"]["estimate"] >= 2
    assert [d["cluster"] for d in answers[0]["documents"]] == [d["cluster"] for d in answers[1]["documents"]]
    # News of the reference's own genre lies inside it, and the shipped file says when it was built.
    placement = answers[0]["test"]["reference"]
    assert placement["reference_share_as_far"] > 0 and placement["built"] and placement["commit"]
    assert not any("outside what the null was measured on" in c for c in answers[0]["methods"]["caveats"])


def test_a_file_of_another_format_is_refused_with_its_name(tmp_path):
    path = tmp_path / "other.npz"
    np.savez_compressed(path, meta=np.frombuffer(json.dumps({"format": "x/0"}).encode(), dtype=np.uint8))
    with pytest.raises(ModelError, match="other.npz: reference format 'x/0'"):
        read_reference(path)


def test_saving_round_trips_a_small_reference(tmp_path):
    from attribution.composite.reference import build_reference

    texts = [
        f"{text} {word}"
        for word in ("once", "twice")
        for text in ("The cat sat on the mat, and then it left.", "A dog ran; the dog barked at 3 cats!", "Zebras.")
    ]
    reference = build_reference(texts, ["a", "a", "b", "b", "c", "c"], name="tiny", kind="article")
    save_reference(reference, tmp_path / "tiny.npz", {"built": "now"})
    again, meta = read_reference(tmp_path / "tiny.npz")
    assert meta["built"] == "now" and again.name == "tiny"
    assert (again.counts != reference.counts).nnz == 0
    np.testing.assert_array_equal(again.profile.distances(again.counts), reference.profile.distances(reference.counts))
    np.testing.assert_array_equal(again.word_counts[0], reference.word_counts[0])


@pytest.mark.slow
def test_the_article_test_runs_with_no_data_folder(tmp_path, monkeypatch):
    """`pip install` and a user's file: the Federalist byline with its operators, no --data, no
    $ATTRIBUTION_DATA and no shared corpora beside the working directory."""
    from attribution.composite.publius import OPERATORS
    from attribution.corpus import load_corpus

    papers = load_corpus("federalist").dataset
    operators = tmp_path / "operators.jsonl"
    operators.write_text(
        "".join(
            json.dumps({"id": row["id"], "text": row["text"], "author": json.loads(row["meta"])["label"]}) + "\n"
            for row in papers
            if json.loads(row["meta"])["label"] in OPERATORS
        ),
        encoding="utf-8",
    )
    monkeypatch.delenv("ATTRIBUTION_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "publius.json"
    result = CliRunner().invoke(
        main, ["composite", "federalist", "--operators", str(operators), "--out", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    assert payload["test"]["p_value"] is not None and payload["test"]["p_value"] <= 0.05
    assert "c50-reference" in payload["test"]["null_method"]
    # 18th-century essays lie beyond every single Reuters writer's set: measured, and said.
    assert payload["test"]["reference"]["reference_share_as_far"] == 0.0
    assert any("outside what the null was measured on" in c for c in payload["methods"]["caveats"])


@pytest.mark.slow
def test_posts_with_operators_run_with_no_data_folder(tmp_path, data_dir, monkeypatch):
    """Time-stamped posts with --operators are read in runs of 20 against the shipped IRA units."""
    import pandas as pd

    frame = pd.read_parquet(data_dir / "tweets" / "ira_english.parquet", columns=["author", "content", "publish_date"])
    frame = frame.sort_values(["author", "publish_date"], kind="stable")
    chosen = ["Jenn_Abrams", "BatonRougeVoice"]
    byline, operators = [], []
    for name in chosen:
        rows = frame[frame["author"] == name]
        byline += [{"text": t, "posted_at": str(d)} for t, d in zip(rows["content"][:100], rows["publish_date"][:100])]
        operators += [
            {"text": t, "posted_at": str(d), "author": name}
            for t, d in zip(rows["content"][100:300], rows["publish_date"][100:300])
        ]
    write_rows(tmp_path / "byline.jsonl", byline)
    write_rows(tmp_path / "ops.jsonl", operators)
    monkeypatch.delenv("ATTRIBUTION_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "composite",
            "byline.jsonl",
            "--kind",
            "tweet",
            "--time-col",
            "posted_at",
            "--operators",
            "ops.jsonl",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert "ira-reference" in payload["test"]["null_method"] and payload["n_documents"] == 10
    assert payload["test"]["reference"]["built"] and payload["operators"] is not None


def test_a_text_with_no_ngram_of_the_vocabulary_counts_as_far_from_the_centre():
    """A document in another script has an all-zero row; the sparse mean must match the dense one."""
    from attribution.composite.reference import build_reference

    texts = [
        f"{text} {word}"
        for word in ("one", "two", "three")
        for text in ("The cat sat on the mat, and then it left.", "A dog ran; the dog barked at 3 cats!")
    ]
    reference = build_reference(texts, ["a", "a", "b", "b", "c", "c"], name="tiny", kind="article")
    counts = reference.profile.counts(["这是一个完全不同的文字。", texts[0]])
    assert counts[0].nnz == 0
    np.testing.assert_allclose(
        reference.profile.mean_vector(counts), reference.profile.vectors(counts).mean(axis=0), atol=1e-12
    )


@pytest.mark.slow
def test_the_shipped_excerpt_pool_is_the_reference_cut_from_the_c50_texts(data_dir):
    shipped, meta = shipped_reference("excerpt")
    rebuilt = build_document_reference("excerpt", str(data_dir))
    assert meta["authors"] == 30 and meta["documents"] == len(rebuilt.authors) > 2900
    assert_same_reference(shipped, rebuilt)
    assert 100 <= np.median(rebuilt.tokens) <= 400


def test_documents_are_measured_against_the_pool_nearest_their_length():
    from attribution.composite.reference import choose_pool

    assert choose_pool(np.array([180.0, 250.0, 260.0, 330.0])) == "excerpt"
    assert choose_pool(np.array([450.0, 520.0, 600.0])) == "article"
    # Longer than any pool: whole articles, which the null joins into longer units.
    assert choose_pool(np.array([2500.0, 3000.0])) == "article"


@pytest.mark.slow
def test_short_excerpts_without_a_reference_take_the_excerpt_pool_on_the_command_line(c50, c50_authors, tmp_path):
    """The command users run on a small collection of excerpts: no --reference, no data folder; the
    report names the pool, why it was chosen, the penalty chosen on its writers and the measured rate."""
    from attribution.composite.excerpts import excerpt_corpus

    _, held_out = c50_authors
    excerpts = excerpt_corpus(c50, held_out[:3], np.random.default_rng(0))
    authors = np.asarray(excerpts["author"])
    rows = [int(i) for w in held_out[:3] for i in np.flatnonzero(authors == w)[:7]]
    write_rows(tmp_path / "excerpts.jsonl", [{"text": excerpts[i]["text"]} for i in rows])
    out = tmp_path / "result.json"
    result = CliRunner().invoke(main, ["composite", str(tmp_path / "excerpts.jsonl"), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    assert payload["test"]["reference"]["pool"] == "excerpt"
    assert "c50-excerpt-reference" in payload["test"]["null_method"]
    assert "nearest in length" in payload["methods"]["reference_pool"]
    assert "recovered the writers of c50-excerpt-reference" in payload["methods"]["model"]
    assert payload["test"]["measured_fpr"] is not None
    assert "attribution bench short_docs" in payload["test"]["measured_fpr_source"]
    assert payload["test"]["measured_fpr_source"] in payload["methods"]["calibration"]
    # Three writers, seven excerpts each: found.
    assert payload["test"]["p_value"] <= 0.05 and payload["k"]["estimate"] >= 2


@pytest.mark.slow
def test_documents_shorter_than_every_pool_get_no_measured_rate_and_a_weak_one_writer_answer(c50, c50_authors):
    """40-word snippets are shorter than anything the pools measured: no false-positive rate is
    quoted for them, and "one writer" is worded as weak evidence."""
    _, held_out = c50_authors
    rows = [i for i, a in enumerate(c50["author"]) if a == held_out[2]][:15]
    texts = [" ".join(c50[i]["text"].split()[:40]) for i in rows]
    byline = byline_dataset(c50, [(held_out[2], 0, 15)])
    byline = byline.remove_columns("text").add_column("text", texts)
    result = composite_test(byline, rolling=False, n_subsamples=0, seed=0).to_dict()
    assert result["test"]["reference"]["pool"] == "excerpt"
    assert result["test"]["measured_fpr"] is None
    assert result["test"]["measured_fpr_source"] == "not measured on documents this short"
    # The methods say the same as the test block, not that a bench measured it.
    assert result["methods"]["calibration"].endswith("False-positive rate: not measured on documents this short.")
    assert any("shorter than the reference's" in c for c in result["methods"]["caveats"])
    assert result["verdict"]["level"] == "single"
    assert "weak evidence of one writer" in result["verdict"]["text"]


def test_a_shipped_pool_passed_in_is_known_as_that_pool_and_another_set_is_not_quoted_a_rate():
    from attribution.composite.article import _choose_reference, _measured_fpr
    from attribution.composite.reference import build_reference, load_reference

    excerpts = load_reference("excerpt")
    assert _choose_reference(excerpts, None, "article", ["a text"])[1] == "excerpt"
    assert _choose_reference(load_reference("article"), None, "article", ["a text"])[1] == "article"
    texts = [
        f"The cat sat on the mat, and then it left {n} times." for n in ("one", "two", "three", "four", "five", "six")
    ]
    tiny = build_reference(texts, ["a", "a", "b", "b", "c", "c"], name="tiny", kind="article")
    assert _choose_reference(tiny, None, "article", ["a text"])[1] == "given"
    assert _measured_fpr("given", with_operators=False).source == "not measured for this reference set"
    assert _measured_fpr("given", with_operators=False).value is None


def test_a_users_reference_counts_its_writers_after_repeats_leave():
    """Repeats must not let a writer pass the minimum that the null then cannot draw from."""
    import datasets

    from attribution.composite.reference import MIN_REFERENCE_DOCUMENTS, reference_from_corpus
    from attribution.errors import ConfigError

    texts = [f"Writer one repeats the same sentence about cats {i % 2}." for i in range(MIN_REFERENCE_DOCUMENTS)]
    texts += [f"Writer two writes about number {n} and dogs." for n in range(MIN_REFERENCE_DOCUMENTS)]
    texts = [t.replace(" 0.", " zero.").replace(" 1.", " one.") for t in texts]
    authors = ["one"] * MIN_REFERENCE_DOCUMENTS + ["two"] * MIN_REFERENCE_DOCUMENTS
    dataset = datasets.Dataset.from_dict({"text": texts, "author": authors, "byline": [None] * len(texts)})
    with pytest.raises(ConfigError, match="at least 2 single-writer bylines"):
        reference_from_corpus(dataset, "article")
