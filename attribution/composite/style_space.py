"""The learned style space: a linear map from the ``short`` features to directions that tell
writers apart and ignore what varies within one writer (the kind of post, the topic of the day).

Fitted on training writers only: a truncated SVD of their posts' features, then linear
discriminant analysis with the writer as the class, so directions where one writer's own posts
vary (link shares vs hashtag games vs replies) are shrunk and directions where writers differ
are kept. The map is one matrix (hashed features x dims), stored as arrays + JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

from attribution.atomic import atomic_open
from attribution.composite.posts import within_kind
from attribution.composite.writer_model import StyleVariances
from attribution.errors import ModelError
from attribution.features.short_text import ShortTextStyle

FORMAT = 1


class StyleSpace:
    """``fit(texts, writers)`` learns the map; ``transform(texts)`` gives ``(n, dims)`` vectors."""

    def __init__(self, *, dims: int = 64, svd_components: int = 256, seed: int = 0):
        self.dims = dims
        self.svd_components = svd_components
        self.seed = seed

    def fit(self, texts: Sequence[str], writers: Sequence[str]) -> StyleSpace:
        """Learn the projection from training writers' texts."""
        features = ShortTextStyle().fit_transform(list(texts))
        svd = TruncatedSVD(n_components=self.svd_components, random_state=self.seed).fit(features)
        reduced = svd.transform(features)
        lda = LinearDiscriminantAnalysis(solver="eigen", shrinkage="auto").fit(reduced, np.asarray(writers))
        dims = min(self.dims, lda.scalings_.shape[1])
        self.projection_ = (svd.components_.T @ lda.scalings_[:, :dims]).astype(np.float32)
        self.offset_ = (reduced.mean(axis=0) @ lda.scalings_[:, :dims]).astype(np.float64)
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Style vectors ``(n, dims)`` of ``texts``."""
        features = ShortTextStyle().fit_transform(list(texts))
        return np.asarray(features @ self.projection_, dtype=np.float64) - self.offset_

    def save(self, path: str | Path, variances: StyleVariances, meta: dict) -> None:
        """Arrays in ``path`` (.npz) with the variances and a JSON description (never pickle)."""
        with atomic_open(Path(path), "wb") as handle:
            np.savez_compressed(
                handle,
                projection=self.projection_.astype(np.float16),
                offset=self.offset_,
                within=variances.within,
                session=variances.session,
                between=variances.between,
                meta=np.frombuffer(json.dumps({"format": FORMAT, "dims": self.dims, **meta}).encode(), dtype=np.uint8),
            )

    @classmethod
    def load(cls, path: str | Path) -> tuple[StyleSpace, StyleVariances, dict]:
        """The space, its variances and its description from a file written by ``save``."""
        try:
            with np.load(path, allow_pickle=False) as arrays:
                meta = json.loads(arrays["meta"].tobytes().decode())
                if meta.get("format") != FORMAT:
                    raise ModelError(f"{path}: style space format {meta.get('format')!r}, expected {FORMAT}")
                space = cls(dims=int(meta["dims"]))
                space.projection_ = arrays["projection"].astype(np.float32)
                space.offset_ = arrays["offset"]
                variances = StyleVariances(arrays["within"], arrays["session"], arrays["between"])
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"{path}: not a readable style space ({exc})") from exc
        return space, variances, meta


def measure_variances(vectors: np.ndarray, writers: np.ndarray, session_ids: np.ndarray) -> StyleVariances:
    """Within-session, session and between-writer variances per dimension (method of moments).

    ``session_ids`` must be unique across writers. Measured on writers the space was not fitted
    on, so the variances are those of new writers.
    """

    def group_means(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        uniq, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        sums = np.zeros((len(uniq), values.shape[1]))
        np.add.at(sums, inverse, values)
        return sums / counts[:, None], inverse, counts

    s_mean, s_of_post, s_size = group_means(session_ids, vectors)
    within = ((vectors - s_mean[s_of_post]) ** 2).sum(axis=0) / max(len(vectors) - len(s_mean), 1)
    session_writer = np.array([writers[np.flatnonzero(s_of_post == i)[0]] for i in range(len(s_mean))])
    w_mean, w_of_session, _ = group_means(session_writer, s_mean)
    spread = ((s_mean - w_mean[w_of_session]) ** 2).mean(axis=0)
    session = np.maximum(spread - within * np.mean(1.0 / s_size), 0.05 * within)
    between = np.maximum(w_mean.var(axis=0), 1e-3 * within)
    return StyleVariances(within=within, session=session, between=between)


def measure_variances_within_kind(
    vectors: np.ndarray, writers: np.ndarray, session_ids: np.ndarray, kinds: np.ndarray
) -> StyleVariances:
    """``measure_variances`` of posts taken within their kind, as the writer model takes them.

    Within and session variances: each writer's posts relative to its own kind means (one
    writer's byline). Between: writers' means relative to the pool's kind means, so what is left
    is how writers differ when they post the same kind.
    """
    own = np.array(vectors, dtype=float, copy=True)
    for writer in np.unique(writers):
        rows = np.flatnonzero(writers == writer)
        own[rows] = within_kind(vectors[rows], kinds[rows])
    spread = measure_variances(own, writers, session_ids)
    pooled = measure_variances(within_kind(vectors, kinds), writers, session_ids)
    return StyleVariances(within=spread.within, session=spread.session, between=pooled.between)
