"""Family registry: the modules that register feature families, imported on first use."""

from __future__ import annotations

import importlib
from functools import lru_cache

from attribution.features.base import FAMILIES

#: Modules that register families; imported on first use (spaCy/torch load only when fitted).
FAMILY_MODULES = (
    "attribution.features.lexical",
    "attribution.features.ngrams",
    "attribution.features.distortion",
    "attribution.features.typography",
    "attribution.features.richness",
    "attribution.features.syntax",
    "attribution.features.embed",
    "attribution.features.short_text",
    "attribution.features.style_encoder",
)


@lru_cache(maxsize=1)
def load_families() -> tuple[str, ...]:
    """Import every family module (cheap: no model is loaded) and return the family names."""
    for module in FAMILY_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return tuple(FAMILIES)
