"""Feature presets: shipped inside the package, and a config inherits from another with ``extends``."""

from __future__ import annotations

import pytest

from attribution.errors import ConfigError
from attribution.features import load_feature_config
from attribution.features.config import PRESETS, configs_dir


def test_presets_ship_inside_the_package_and_load_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing is read relative to the working directory or a checkout
    monkeypatch.delenv("ATTRIBUTION_CONFIGS", raising=False)
    assert "site-packages" in str(configs_dir()) or str(configs_dir()).endswith("attribution/configs")
    for name in PRESETS:
        config = load_feature_config(name)
        assert config.name == name and config.enabled_families


def test_default_and_heavy_inherit_from_their_parents():
    light, default, heavy = (load_feature_config(n) for n in ("light", "default", "heavy"))
    # default = light's families, unchanged and in light's order, then syntax (no embeddings:
    # no decision reads them); heavy adds them.
    assert list(default.families) == [*light.families, "syntax"]
    assert list(heavy.families) == [*light.families, "syntax", "embed"]
    assert all(default.families[f] == light.families[f] for f in light.families)
    # heavy repeats default except the keys it overrides.
    assert heavy.family_params("char")["ngram_range"] == (2, 5)
    assert heavy.family_params("char")["lowercase"] is False  # inherited from light
    assert heavy.family_params("embed")["max_sentences"] is None
    assert heavy.family_params("syntax")["model"] == default.family_params("syntax")["model"]


def test_extends_merges_family_by_family_and_drops_null_families(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "extends: light\nseed: 3\nfamilies:\n  char:\n    max_features: 500\n  punct: null\n", encoding="utf-8"
    )
    (tmp_path / "child.yaml").write_text("extends: base.yaml\nfamilies:\n  word:\n    weight: 0.5\n", encoding="utf-8")
    config = load_feature_config(str(tmp_path / "child.yaml"))
    assert config.name == "child" and config.seed == 3
    assert list(config.families) == ["mfw", "char", "word", "length"]
    assert config.family_params("char")["max_features"] == 500
    assert config.family_params("char")["ngram_range"] == (2, 4)
    assert config.weight("word") == 0.5 and config.family_params("word")["ngram_range"] == (1, 2)
    from_dict = load_feature_config({"extends": "light", "families": {"mfw": {"n": 50}}})
    assert from_dict.family_params("mfw")["n"] == 50 and "char" in from_dict.families


def test_extends_cycles_and_bad_parents_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="makes a cycle"):
        load_feature_config(str(tmp_path / "a.yaml"))
    with pytest.raises(ConfigError, match="no such preset"):
        load_feature_config({"extends": "nonesuch", "families": {"mfw": {}}})
    with pytest.raises(ConfigError, match="extends must name a preset"):
        load_feature_config({"extends": 3, "families": {"mfw": {}}})
