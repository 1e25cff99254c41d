"""The light families (mfw, char, word, punct, length) on real texts, alone and in the union."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from attribution.errors import ConfigError
from attribution.features import FAMILIES, build_features, load_feature_config, mfw_matrix
from attribution.features.richness import mattr, yules_k

LIGHT = ["mfw", "char", "word", "punct", "length"]


@pytest.mark.parametrize("family", LIGHT)
def test_family_on_real_texts_names_shapes_and_finite(family, federalist_texts, degenerate_texts):
    union = build_features("light", families=[family])
    X = union.fit_transform(federalist_texts)
    names = union.get_feature_names_out()
    assert sp.isspmatrix_csr(X) and X.dtype == np.float64
    assert X.shape == (len(federalist_texts), len(names)) and len(names) > 10
    assert len(set(names)) == len(names)
    assert all(name.startswith(f"{family}__") for name in names)
    assert np.isfinite(X.data).all()
    assert X.nnz > 0
    Y = union.transform(degenerate_texts)
    assert Y.shape == (len(degenerate_texts), len(names))
    assert np.isfinite(Y.data).all()


@pytest.mark.parametrize("family", LIGHT)
def test_family_fits_on_degenerate_texts_alone(family, degenerate_texts):
    cls = FAMILIES[family][0]
    X = cls().fit_transform(degenerate_texts)
    assert X.shape[0] == len(degenerate_texts)
    assert np.isfinite(X.toarray()).all()


def test_light_union_is_deterministic_and_names_unique(c50_texts):
    first = build_features("light").fit(c50_texts)
    second = build_features("light").fit(c50_texts)
    a, b = first.transform(c50_texts), second.transform(c50_texts)
    assert (a != b).nnz == 0
    names = list(first.get_feature_names_out())
    assert names == list(second.get_feature_names_out())
    assert len(set(names)) == len(names)
    assert {name.split("__", 1)[0] for name in names} == set(LIGHT)


def test_mfw_matrix_is_plain_relative_frequency(federalist_texts):
    matrix, words = mfw_matrix(federalist_texts, n=50)
    assert matrix.shape == (len(federalist_texts), 50)
    assert words[:3] == ["the", "of", "to"]
    assert (matrix >= 0).all() and (matrix.sum(axis=1) <= 1.0 + 1e-9).all()
    again, same = mfw_matrix(["The the of"], vocabulary=words)
    assert same == words
    assert again[0, 0] == pytest.approx(2 / 3) and again[0, 1] == pytest.approx(1 / 3)


def test_mfw_zscores_have_zero_mean_on_the_fitted_corpus(federalist_texts):
    union = build_features({"families": {"mfw": {"n": 100}}})
    X = union.fit_transform(federalist_texts).toarray()
    assert np.allclose(X.mean(axis=0), 0.0, atol=1e-9)


def test_richness_measures_do_not_trend_with_length(federalist_texts):
    text = " ".join(federalist_texts)
    tokens = text.lower().split()
    short, long = tokens[:2000], tokens[:20000]
    plain_ttr = (len(set(short)) / len(short), len(set(long)) / len(long))
    assert plain_ttr[0] / plain_ttr[1] > 1.5  # plain TTR collapses with length ...
    assert mattr(short, 100) == pytest.approx(mattr(long, 100), rel=0.1)  # ... MATTR does not
    assert yules_k(short) == pytest.approx(yules_k(long), rel=0.35)


def test_config_errors_name_the_key():
    with pytest.raises(ConfigError, match="unknown family 'nope'"):
        load_feature_config({"families": {"nope": {}}})
    with pytest.raises(ConfigError, match=r"families.mfw has unknown key 'bogus'"):
        load_feature_config({"families": {"mfw": {"bogus": 1}}})
    with pytest.raises(ConfigError, match="no such preset"):
        load_feature_config("featherweight")


@pytest.mark.parametrize("preset", ["light", "default", "heavy", "attribution"])
def test_presets_load_with_pinned_seed(preset):
    config = load_feature_config(preset)
    assert config.name == preset and config.seed == 0
    assert config.enabled_families


def test_a_preset_name_is_not_shadowed_by_a_folder_of_that_name(tmp_path, monkeypatch):
    (tmp_path / "attribution").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_feature_config("attribution").name == "attribution"


def test_function_word_vocabulary_and_config_round_trip(federalist_texts):
    union = build_features({"families": {"mfw": {"n": 40, "vocabulary": "function_words"}}})
    union.fit(federalist_texts)
    from attribution.features import function_words

    assert list(union.get_feature_names_out()) == [f"mfw__{w}" for w in function_words()[:40]]
    config = load_feature_config("default")
    again = load_feature_config(config.to_dict())
    assert again.to_dict() == config.to_dict() and again.enabled_families == config.enabled_families
