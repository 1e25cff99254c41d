"""The model-backed families (spaCy syntax, sentence embeddings) on real texts: names, shapes,
finite values, one cached parse per text, cache hits and corruption recovery, determinism."""

from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.sparse as sp

from attribution.corpus import load_corpus
from attribution.errors import ModelError
from attribution.features import FAMILIES, build_features, load_families
from attribution.features.embed import load_embedding_model
from attribution.features.nlp import load_spacy

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def short_texts(data_dir) -> list[str]:
    """Six C50 articles cut to their first paragraphs (keeps the model work small)."""
    texts = load_corpus("c50-train", data_dir=data_dir).texts[::400][:6]
    return [text[:700] for text in texts]


def _family(name, tmp_path, **params):
    load_families()
    return FAMILIES[name][0](cache_dir=str(tmp_path), **params)


def test_syntax_loads_only_the_needed_components():
    nlp = load_spacy("en_core_web_sm", ("tagger", "attribute_ruler", "parser"))
    assert "ner" not in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names
    assert {"tagger", "attribute_ruler", "parser"} <= set(nlp.pipe_names)


def test_syntax_on_real_texts_parses_once_then_hits_the_cache(short_texts, degenerate_texts, tmp_path):
    family = _family("syntax", tmp_path)
    texts = short_texts + degenerate_texts
    X = family.fit_transform(texts)
    assert family.cache_stats_ == {"hits": 0, "misses": len(texts), "corrupt": 0}
    names = list(family.get_feature_names_out())
    assert sp.isspmatrix_csr(X) and X.shape == (len(texts), len(names)) and len(set(names)) == len(names)
    assert {name.split(":", 1)[0] for name in names} == {"pos", "dep", "deptriple", "posnoise", "stat"}
    assert any(name.startswith("posnoise:") and "#NOUN" in name for name in names)
    assert np.isfinite(X.data).all()
    Y = family.transform(texts)
    assert family.cache_stats_["hits"] == len(texts) and family.cache_stats_["misses"] == 0
    assert np.allclose(X.toarray(), Y.toarray(), atol=1e-12)


def test_syntax_recovers_from_a_corrupt_cache_entry(short_texts, tmp_path):
    family = _family("syntax", tmp_path)
    X = family.fit_transform(short_texts)
    entries = sorted(tmp_path.rglob("*.bin"))
    entries[0].write_bytes(entries[0].read_bytes()[:50])  # truncated
    Y = family.transform(short_texts)
    assert family.cache_stats_["corrupt"] == 1 and family.cache_stats_["misses"] == 1
    assert np.allclose(X.toarray(), Y.toarray(), atol=1e-12)
    family.transform(short_texts)
    assert family.cache_stats_ == {"hits": len(short_texts), "misses": 0, "corrupt": 0}


def test_embeddings_pool_mean_and_std_and_cache(short_texts, degenerate_texts, tmp_path):
    family = _family("embed", tmp_path)
    texts = short_texts + degenerate_texts
    X = family.fit_transform(texts)
    names = list(family.get_feature_names_out())
    assert X.shape == (len(texts), 768) and names[0] == "mean_000" and names[-1] == "std_383"
    assert np.isfinite(X.data).all()
    assert X[len(short_texts)].nnz == 0  # the empty text: no sentence, zero vector
    assert X[: len(short_texts), 384:].toarray().min() >= 0  # spreads
    entries = sorted(tmp_path.rglob("*.bin"))
    entries[1].write_bytes(b"\x00" * 10)
    Y = family.transform(texts)
    assert family.cache_stats_["corrupt"] == 1 and family.cache_stats_["hits"] == len(texts) - 1
    assert np.allclose(X.toarray(), Y.toarray(), atol=1e-5)


def test_unknown_hub_model_fails_at_once_with_one_clear_sentence(tmp_path):
    start = time.perf_counter()
    with pytest.raises(ModelError, match="cannot be loaded here"):
        load_embedding_model("someone/no-such-model-here")
    assert time.perf_counter() - start < 30
    with pytest.raises(ModelError, match="spaCy model 'xx_no_model' is not installed"):
        load_spacy("xx_no_model", ("parser",))


def test_default_union_is_deterministic_with_unique_prefixed_names(short_texts, tmp_path):
    first = build_features("default", cache_dir=str(tmp_path))
    X = first.fit_transform(short_texts)
    second = build_features("default", cache_dir=str(tmp_path))
    Y = second.fit_transform(short_texts)
    names = list(first.get_feature_names_out())
    assert names == list(second.get_feature_names_out()) and len(set(names)) == len(names)
    assert {n.split("__", 1)[0] for n in names} == {"mfw", "char", "word", "punct", "length", "syntax"}
    assert X.shape == (len(short_texts), len(names))
    assert np.allclose(X.toarray(), Y.toarray(), atol=1e-6)


def test_a_text_longer_than_spacys_limit_is_parsed_in_pieces(data_dir, tmp_path):
    from attribution.features.nlp import parse_texts, split_long_text

    texts = list(load_corpus("c50-train", data_dir=data_dir).texts[:3])
    long_text = "\n".join(texts * 4)
    pieces = split_long_text(long_text, 5000)
    assert "".join(pieces) == long_text and max(map(len, pieces)) <= 5000 and len(pieces) > 1
    docs = dict(parse_texts([long_text, texts[0]], cache_dir=str(tmp_path), chunk_chars=5000))
    assert docs[0].text == long_text
    assert len(docs[0]) > 4 * len(docs[1])
