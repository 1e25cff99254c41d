"""Feature stage: stylometric, syntactic and embedding transformers, cached.

>>> config = load_feature_config("light")
>>> union = build_features(config)          # FeatureUnion of the config's families
>>> X = union.fit_transform(texts)          # CSR float64, one row per text
>>> names = union.get_feature_names_out()   # "family__feature"
"""

from __future__ import annotations

from attribution.features.base import FAMILIES, FamilyTransformer
from attribution.features.config import FeatureConfig, load_feature_config
from attribution.features.lexical import function_words, mfw_matrix, most_frequent_words
from attribution.features.matrix_io import read_feature_matrix, write_feature_matrix
from attribution.features.nlp import clear_models
from attribution.features.registry import load_families
from attribution.features.union import build_features, feature_families

__all__ = [
    "FAMILIES",
    "FamilyTransformer",
    "FeatureConfig",
    "build_features",
    "feature_families",
    "clear_models",
    "function_words",
    "load_families",
    "load_feature_config",
    "mfw_matrix",
    "most_frequent_words",
    "read_feature_matrix",
    "write_feature_matrix",
]
