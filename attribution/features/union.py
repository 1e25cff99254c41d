"""``build_features``: one feature config -> one ``FeatureUnion`` of its families."""

from __future__ import annotations

import inspect
from collections.abc import Sequence

import numpy as np
from sklearn.pipeline import FeatureUnion

from attribution.errors import ConfigError
from attribution.features.base import FAMILIES
from attribution.features.config import load_feature_config
from attribution.progress import ProgressFactory, no_progress


def feature_families(names) -> np.ndarray:
    """The family of each column of a built union: ``FeatureUnion`` prefixes names with ``family__``."""
    return np.asarray([str(name).split("__", 1)[0] for name in names], dtype=object)


def build_features(
    config="default",
    *,
    families: Sequence[str] | None = None,
    cache_dir: str | None = None,
    progress: ProgressFactory = no_progress,
) -> FeatureUnion:
    """An unfitted ``FeatureUnion`` of the config's enabled families, weighted as configured.

    ``families`` restricts the union to those names (in config order); ``cache_dir`` overrides the
    config's cache folder for families that cache (syntax, embed); ``progress`` reports long work.
    """
    config = load_feature_config(config)
    chosen = config.enabled_families
    if families is not None:
        missing = [name for name in families if name not in config.families]
        if missing:
            raise ConfigError(
                f"family {missing[0]!r} is not in config {config.name!r}; it has {', '.join(config.families)}"
            )
        chosen = [name for name in config.families if name in families]
    if not chosen:
        raise ConfigError(f"config {config.name!r}: no family selected")
    steps, weights = [], {}
    for name in chosen:
        cls = FAMILIES[name][0]
        params = config.family_params(name)
        accepted = inspect.signature(cls).parameters
        if "cache_dir" in accepted and params.get("cache_dir") is None:
            params["cache_dir"] = cache_dir or config.cache.get("dir")
        if "use_cache" in accepted and "use_cache" not in params:
            params["use_cache"] = bool(config.cache.get("enabled", True))
        if "random_state" in accepted and params.get("random_state") is None:
            params["random_state"] = config.seed
        if "progress" in accepted:
            params["progress"] = progress
        steps.append((name, cls(**params)))
        weights[name] = config.weight(name)
    return FeatureUnion(steps, transformer_weights=weights)
