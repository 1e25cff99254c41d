"""Family ``style``: the project's trained style encoder, a small head over frozen MiniLM states.

The head (standardise, one hidden layer, projection, unit length) was trained contrastively on
the ``train`` writers of the public corpora so that one writer on different topics lands close and
different writers on one topic land apart (``attribution.style.train``). It ships as arrays
(``data/style_encoder/head.npz``, float16, no pickles) with its card (``card.json``: training
data, held-out results, limits); the backbone is the installed MiniLM, so nothing is downloaded.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from attribution.atomic import write_bytes
from attribution.errors import ModelError
from attribution.features.base import FamilyTransformer, register_family, to_csr
from attribution.features.embed import DEFAULT_MODEL
from attribution.features.style_backbone import StyleBackbone
from attribution.features.text import check_texts
from attribution.progress import ProgressFactory, no_progress

SHIPPED = Path(__file__).parent / "data" / "style_encoder"
HEAD_ARRAYS = ("mean", "scale", "w1", "b1", "w2", "b2")


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh form (what the head was trained with)."""
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x**3)))


class StyleHead:
    """The trained head's arrays and its forward pass (numpy; float32)."""

    def __init__(self, arrays: dict[str, np.ndarray], card: dict):
        missing = [name for name in HEAD_ARRAYS if name not in arrays]
        if missing:
            raise ModelError(f"style encoder head lacks arrays {missing}")
        self.arrays = {name: np.asarray(arrays[name], dtype=np.float32) for name in HEAD_ARRAYS}
        self.card = card

    @property
    def dimension(self) -> int:
        return int(self.arrays["w2"].shape[1])

    def __call__(self, states: np.ndarray) -> np.ndarray:
        """Unit-length style vectors of backbone states."""
        a = self.arrays
        z = (np.asarray(states, dtype=np.float32) - a["mean"]) / a["scale"]
        out = gelu(z @ a["w1"] + a["b1"]) @ a["w2"] + a["b2"]
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def save(self, folder: Path) -> None:
        """Write ``head.npz`` (float16) and ``card.json`` into ``folder``, each atomically."""
        folder.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, allow_pickle=False, **{k: v.astype(np.float16) for k, v in self.arrays.items()})
        write_bytes(folder / "head.npz", buffer.getvalue())
        write_bytes(folder / "card.json", (json.dumps(self.card, indent=2, sort_keys=True) + "\n").encode())


def load_head(folder: str | Path | None = None) -> StyleHead:
    """The head in ``folder`` (default: the one shipped with the package)."""
    return _load_head(str(Path(folder) if folder else SHIPPED))


@lru_cache(maxsize=2)
def _load_head(folder: str) -> StyleHead:
    path = Path(folder)
    try:
        with np.load(path / "head.npz", allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        card = json.loads((path / "card.json").read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"style encoder in {path} cannot be read: {exc}") from exc
    return StyleHead(arrays, card)


@register_family("style")
class StyleEncoder(FamilyTransformer):
    """Trained style vectors (``style_000``…), unit length: cosine = dot product.

    Parameters
    ----------
    head : str or None
        Folder of a trained head (``head.npz``, ``card.json``); None = the shipped one.
    model : str or None
        The backbone; must be the model the head was trained on (the installed MiniLM).
    line_breaks : bool
        Encode each line on its own and average (posts joined one per line).
    threads : int or None
        Torch CPU threads while encoding.
    use_cache, cache_dir : bool, str or None
        Backbone states are cached on disk per text (see ``features.cache``).
    """

    def __init__(
        self,
        *,
        head: str | None = None,
        model: str | None = DEFAULT_MODEL,
        line_breaks: bool = False,
        threads: int | None = 1,
        use_cache: bool = True,
        cache_dir: str | None = None,
        progress: ProgressFactory = no_progress,
    ):
        self.head = head
        self.model = model
        self.line_breaks = line_breaks
        self.threads = threads
        self.use_cache = use_cache
        self.cache_dir = cache_dir
        self.progress = progress

    def backbone(self) -> StyleBackbone:
        return StyleBackbone(
            self.model,
            line_breaks=self.line_breaks,
            threads=self.threads,
            use_cache=self.use_cache,
            cache_dir=self.cache_dir,
            progress=self.progress,
        )

    def encode(self, X) -> np.ndarray:
        """(n_texts, dim) float32 unit-length style vectors."""
        return load_head(self.head)(self.backbone().states(check_texts(X)))

    def fit(self, X, y=None):
        """Nothing to learn (the head is trained once, by ``attribution train-style-encoder``)."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        vectors = self.encode(X)
        self.feature_names_ = [f"style_{j:03d}" for j in range(vectors.shape[1])]
        self.n_features_out_ = len(self.feature_names_)
        return to_csr(vectors)

    def transform(self, X):
        check_is_fitted(self)
        return to_csr(self.encode(X))
