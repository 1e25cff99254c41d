"""The frozen input of the style encoder: MiniLM's token states mean-pooled at every layer.

Why every layer: the last layer (the sentence vector) says what a text is about; the lower layers
still carry how it is written (word pieces, punctuation, function words). The trained head
(``features.style_encoder``) learns which directions of these states follow the writer.
Long texts are cut into windows of ``WINDOW_TOKENS`` word pieces (at most ``MAX_WINDOWS``,
evenly spaced); posts joined one per line can be encoded line by line (``line_breaks``). A text's
vector is the mean over its windows or lines. Vectors are cached on disk per text (float16).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from attribution.features.cache import DiskCache, namespace, read_vectors, text_key
from attribution.features.embed import DEFAULT_MODEL, load_embedding_model, torch_threads
from attribution.progress import ProgressFactory, no_progress

#: Bump when windows or pooling change: part of every cache key.
BACKBONE_VERSION = 1
WINDOW_TOKENS = 128
MAX_WINDOWS = 4
#: Windows per forward pass.
BATCH_WINDOWS = 32


def _windows(ids: list[int], width: int, limit: int) -> list[list[int]]:
    """Word-piece windows of ``width`` (at most ``limit``, evenly spaced); one empty window for none."""
    if not ids:
        return [[]]
    starts = list(range(0, len(ids), width))
    if len(starts) > limit:
        starts = [starts[i] for i in np.linspace(0, len(starts) - 1, limit).round().astype(int)]
    return [ids[s : s + width] for s in starts]


def _pieces(text: str, line_breaks: bool) -> list[str]:
    lines = [line for line in text.split("\n") if line.strip()] if line_breaks else [text]
    return lines or [text]


class StyleBackbone:
    """Layer-pooled MiniLM states of texts: ``states(texts)`` -> (n, layers * dim) float32."""

    def __init__(
        self,
        model: str | None = DEFAULT_MODEL,
        *,
        line_breaks: bool = False,
        threads: int | None = 1,
        use_cache: bool = True,
        cache_dir: str | None = None,
        progress: ProgressFactory = no_progress,
    ):
        self.model = model
        self.line_breaks = line_breaks
        self.threads = threads
        self.use_cache = use_cache
        self.cache_dir = cache_dir
        self.progress = progress

    def _encoder(self):
        encoder = load_embedding_model(self.model, "cpu")
        return encoder[0].auto_model, encoder.tokenizer

    def hidden_size(self) -> int:
        """Width of one layer's block of a state vector (the last block is the sentence vector)."""
        return int(self._encoder()[0].config.hidden_size)

    def dimension(self) -> int:
        """Width of a state vector: (hidden layers + embeddings) * hidden size."""
        transformer, _ = self._encoder()
        return (transformer.config.num_hidden_layers + 1) * transformer.config.hidden_size

    def settings(self) -> dict:
        """What determines a vector: the model, windows, line splitting, this module's version."""
        return {
            "model": str(self.model or DEFAULT_MODEL),
            "window_tokens": WINDOW_TOKENS,
            "max_windows": MAX_WINDOWS,
            "line_breaks": False,  # entries are whole texts; line mode averages cached lines
            "version": BACKBONE_VERSION,
        }

    def states(self, texts: Sequence[str]) -> np.ndarray:
        """(n_texts, layers * dim) float32, from the cache where possible.

        With ``line_breaks`` a text's state is the mean of its lines' states, each line cached as
        a text of its own (so posts already encoded singly are not encoded again in episodes).
        """
        if not self.line_breaks:
            return self._cached(texts)
        pieces = [_pieces(text, True) for text in texts]
        unique = sorted({p for lines in pieces for p in lines})
        where = {p: i for i, p in enumerate(unique)}
        lines = self._cached(unique)
        return np.stack([lines[[where[p] for p in ps]].mean(axis=0) for ps in pieces]).astype(np.float32)

    def _cached(self, texts: Sequence[str]) -> np.ndarray:
        dim = self.dimension()
        store = None
        if self.use_cache:
            settings = self.settings()
            store = DiskCache(self.cache_dir, namespace("style-backbone", settings), settings=settings)
        out = np.zeros((len(texts), dim), dtype=np.float32)
        keys = [text_key(t) for t in texts] if store else []
        missing = read_vectors(store, keys, out, "<f2")
        # Encode in chunks of texts so finished texts reach the cache as we go.
        chunk = 512
        for start in self.progress(
            range(0, len(missing), chunk), desc="style encoder", total=-(-len(missing) // chunk)
        ):
            rows = missing[start : start + chunk]
            vectors = self._encode([texts[i] for i in rows])
            for i, vector in zip(rows, vectors):
                # Rounded as the cache stores it, so a result never depends on the cache's state.
                stored = vector.astype("<f2")
                out[i] = stored
                if store:
                    store.put(keys[i], stored.tobytes())
        return out

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        transformer, tokenizer = self._encoder()
        width = WINDOW_TOKENS - 2
        owners, windows = [], []
        for i, text in enumerate(texts):
            ids = tokenizer(text, add_special_tokens=False, truncation=False, verbose=False)["input_ids"]
            for window in _windows(ids, width, MAX_WINDOWS):
                owners.append(i)
                windows.append([tokenizer.cls_token_id, *window, tokenizer.sep_token_id])
        layers = transformer.config.num_hidden_layers + 1
        pooled = np.zeros((len(windows), layers * transformer.config.hidden_size), dtype=np.float32)
        order = np.argsort([len(w) for w in windows], kind="stable")
        with torch_threads(self.threads), torch.inference_mode():
            for b in range(0, len(order), BATCH_WINDOWS):
                batch = order[b : b + BATCH_WINDOWS]
                longest = max(len(windows[j]) for j in batch)
                ids = torch.zeros((len(batch), longest), dtype=torch.long)
                mask = torch.zeros((len(batch), longest), dtype=torch.long)
                for row, j in enumerate(batch):
                    ids[row, : len(windows[j])] = torch.tensor(windows[j])
                    mask[row, : len(windows[j])] = 1
                hidden = transformer(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
                weights = mask.unsqueeze(-1).float()
                means = [(h * weights).sum(1) / weights.sum(1) for h in hidden]
                pooled[batch] = torch.cat(means, dim=1).numpy()
        out = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
        counts = np.bincount(owners, minlength=len(texts)).astype(np.float32)
        np.add.at(out, np.asarray(owners), pooled)
        return out / np.maximum(counts, 1.0)[:, None]
