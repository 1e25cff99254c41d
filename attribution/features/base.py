"""What every feature family shares: the registry, input checks and the sparse output."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

#: family name -> (transformer class, versioned component name, e.g. "mfw.v1")
FAMILIES: dict[str, tuple[type, str]] = {}


def register_family(name: str, version: int = 1) -> Callable[[type], type]:
    """Register a transformer class as feature family ``name`` (``name.vN`` in saved configs)."""

    def decorate(cls: type) -> type:
        component = f"{name}.v{version}"
        # Class attributes every family carries, set here rather than declared on each class.
        cls.family = name  # type: ignore[attr-defined]
        cls.component = component  # type: ignore[attr-defined]
        FAMILIES[name] = (cls, component)
        return cls

    return decorate


class FamilyTransformer(TransformerMixin, BaseEstimator):
    """Base of every family: texts in, finite CSR float64 out, names without the family prefix.

    ``FeatureUnion`` adds the ``family__`` prefix; used alone, names are the bare feature names.
    """

    family = ""
    component = ""

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        return np.asarray(self.feature_names_, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags


def to_csr(matrix) -> sp.csr_matrix:
    """Finite float64 CSR (NaN and inf become 0): the one output type of every family."""
    if sp.issparse(matrix):
        out = sp.csr_matrix(matrix, dtype=np.float64)
        if out.data.size and not np.isfinite(out.data).all():
            out.data = np.nan_to_num(out.data, nan=0.0, posinf=0.0, neginf=0.0)
            out.eliminate_zeros()
        return out
    dense = np.nan_to_num(np.asarray(matrix, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    return sp.csr_matrix(dense)


def standardize_fit(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and spreads for z-scores; a constant column gets spread 1 (z = 0, finite)."""
    mean = matrix.mean(axis=0) if len(matrix) else np.zeros(matrix.shape[1])
    std = matrix.std(axis=0) if len(matrix) else np.ones(matrix.shape[1])
    std = np.where(std > 1e-12, std, 1.0)
    return mean, std
