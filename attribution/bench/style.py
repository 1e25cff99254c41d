"""``bench style``: does a representation find the writer when topic is held fixed?

Held-out writers only: the ``test`` split of ``composite.pools`` (IRA persona accounts, US
senators; C50 authors' ``test/`` articles), none seen by the encoder's training or tuning. For
single tweets, 10-tweet episodes (runs of ten consecutive posts of one account; each account's
40 posts are drawn as four such runs) and articles, four representations are scored on
topic-controlled pairs (same writer on another topic against another writer on the same topic;
``style.pairs``, topics from ``style.topics``; an episode's "topic" is the week of its first
post) and by retrieval MRR:

- ``char``: character 2-4-gram tf-idf (the ``char`` family, fitted on the collection);
- ``minilm``: all-MiniLM-L6-v2 off the shelf (its own pooling: mean of the last layer's token
  states, per 128-piece window, averaged; the last slice of the backbone's states);
- ``encoder``: the shipped style encoder (the ``style`` family, as a user's run computes it);
- ``shipped``: ``style.similarity.combined_similarity`` of char and encoder with the card's weight.

``content_independence`` is the share of the open-pair AUC's margin over chance that survives
topic matching (``style.pairs.content_independence``), for the shipped combination, over the
three genres' mean. Speed: fresh texts (no cache) through the family on this machine.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
from sklearn.metrics.pairwise import cosine_similarity

from attribution.corpora import resolve_data_dir
from attribution.features.style_backbone import StyleBackbone
from attribution.features.style_encoder import SHIPPED, StyleEncoder, load_head
from attribution.progress import ProgressFactory, no_progress
from attribution.style.pairs import content_independence, controlled_pairs, open_pairs, pair_auc, retrieval_mrr
from attribution.style.similarity import char_similarity, combined_similarity
from attribution.style.train import GenreSet, genre_sets

log = logging.getLogger(__name__)

REPRESENTATIONS = ("char", "minilm", "encoder", "shipped")
SPEED_TWEETS = 300
SPEED_ARTICLES = 20


def similarities(data: GenreSet, genre: str, weight: float, hidden: int) -> dict[str, np.ndarray]:
    """The four similarity matrices of one genre's collection."""
    encoder = StyleEncoder(line_breaks=genre == "episode").encode(data.texts)
    char = char_similarity(data.texts)
    out = {"char": char, "minilm": cosine_similarity(data.states[:, -hidden:]), "encoder": encoder @ encoder.T}
    out["shipped"] = combined_similarity(char, out["encoder"], weight)
    return out


def _speed(texts: list[str]) -> float:
    started = time.perf_counter()
    StyleEncoder(use_cache=False).encode(texts)
    return round(len(texts) / (time.perf_counter() - started), 2)


def run(data_dir: str | Path | None, *, seed: int = 0, progress: ProgressFactory = no_progress) -> dict:
    """The flat keys of issue 20 plus per-genre detail."""
    data = str(resolve_data_dir(data_dir, need="tweets"))
    head = load_head()
    weight = float(head.card["combination_weight"])
    hidden = StyleBackbone().hidden_size()
    sets, _ = genre_sets(data, "test", folder="test", seed=seed, progress=progress)
    result: dict = {"combination_weight": weight, "writers": {}, "texts": {}, "open_auc": {}}
    independence = []
    for genre, genre_set in sets.items():
        log.info("bench style: %s, %d texts", genre, len(genre_set.texts))
        matrices = similarities(genre_set, genre, weight, hidden)
        pairs, same = controlled_pairs(genre_set.writers, genre_set.topics, seed=seed)
        loose, loose_same = open_pairs(genre_set.writers, seed=seed)
        result["writers"][genre] = int(len(np.unique(genre_set.writers)))
        result["texts"][genre] = len(genre_set.texts)
        result["open_auc"][genre] = {}
        for name, matrix in matrices.items():
            auc = pair_auc(matrix, pairs, same)
            result[f"{name}_auc_{genre}"] = round(auc, 4) if auc is not None else None
            mrr = retrieval_mrr(matrix, genre_set.writers, genre_set.topics, seed=seed)
            result[f"{name}_mrr_{genre}"] = round(mrr, 4) if mrr is not None else None
            loose_auc = pair_auc(matrix, loose, loose_same)
            result["open_auc"][genre][name] = round(loose_auc, 4) if loose_auc is not None else None
            if name == "shipped":
                independence.append(content_independence(auc, loose_auc))
    kept = [v for v in independence if v is not None]
    result["content_independence"] = round(float(np.mean(kept)), 4) if kept else None
    result["docs_per_second"] = _speed(sets["tweet"].texts[:SPEED_TWEETS])
    result["docs_per_second_article"] = _speed(sets["article"].texts[:SPEED_ARTICLES])
    result["shipped_mb"] = round(sum(p.stat().st_size for p in SHIPPED.iterdir()) / 2**20, 3)
    result["encoder_version"] = head.card.get("version")
    return result
