"""Family ``syntax``: spaCy POS-tag n-grams, dependency n-grams and triples, POSNoise n-grams and
parse-shape statistics, all from ONE parse per text (``nlp.parse_texts``, cached on disk)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from attribution.features.base import FamilyTransformer, register_family, standardize_fit, to_csr
from attribution.features.counting import CountBuilder, NgramTfidf, token_ngrams
from attribution.features.text import check_texts
from attribution.progress import ProgressFactory, no_progress

#: Universal POS classes POSNoise keeps as words (function words and punctuation); every other
#: token (nouns, verbs, adjectives, adverbs, numbers, names) becomes its POS placeholder.
POSNOISE_KEEP = frozenset({"ADP", "AUX", "CCONJ", "DET", "PART", "PRON", "SCONJ", "PUNCT"})
#: The sub-views, in column order.
VIEWS = ("pos", "dep", "deptriple", "posnoise")
STATS = (
    "tokens_per_sentence",
    "tree_depth_mean",
    "tree_depth_max_mean",
    "dependency_distance_mean",
    "head_right_share",
)


def doc_events(doc, *, tag: str, function_words: frozenset[str], ranges: dict[str, tuple[int, int]]):
    """One parse -> (per-view n-gram counters, parse-shape statistics); finite for an empty doc."""
    from spacy.attrs import DEP, HEAD, LOWER, POS, TAG

    n = len(doc)
    counters: dict[str, Counter] = {view: Counter() for view in VIEWS}
    if n == 0:
        return counters, [0.0] * len(STATS)
    array = doc.to_array([TAG if tag == "tag" else POS, POS, DEP, LOWER, HEAD]).astype(np.int64)
    strings = doc.vocab.strings
    lookup: dict[int, str] = {}

    def names(column: np.ndarray) -> list[str]:
        for h in np.unique(column):
            if int(h) not in lookup:
                lookup[int(h)] = strings[int(h) & 0xFFFFFFFFFFFFFFFF] if h else ""
        return [lookup[int(h)] for h in column]

    tags, upos, deps, lowers = names(array[:, 0]), names(array[:, 1]), names(array[:, 2]), names(array[:, 3])
    heads = np.arange(n) + array[:, 4]
    counters["pos"] = token_ngrams(tags, *ranges["pos"])
    counters["dep"] = token_ngrams(deps, *ranges["dep"])
    counters["deptriple"] = Counter(f"{upos[h]}>{d}>{p}" for h, d, p in zip(heads.tolist(), deps, upos))
    noise = [w if (p in POSNOISE_KEEP or w in function_words) else f"#{p}" for w, p in zip(lowers, upos)]
    counters["posnoise"] = token_ngrams(noise, *ranges["posnoise"])

    # Parse shape: depth of every token (pointer jumping to the root), per sentence.
    roots = np.flatnonzero(heads == np.arange(n))
    depth = np.zeros(n)
    current = np.arange(n)
    for _ in range(n):
        parent = heads[current]
        moved = parent != current
        if not moved.any():
            break
        depth += moved
        current = parent
    sentence_of = np.searchsorted(roots, np.arange(n), side="right") - 1 if len(roots) else np.zeros(n, int)
    sentence_of = np.clip(sentence_of, 0, None)
    n_sentences = max(len(roots), 1)
    max_depth = np.zeros(n_sentences)
    np.maximum.at(max_depth, sentence_of, depth)
    distance = np.abs(heads - np.arange(n))
    non_root = heads != np.arange(n)
    stats = [
        n / n_sentences,
        float(depth.mean()),
        float(max_depth.mean()),
        float(distance[non_root].mean()) if non_root.any() else 0.0,
        float((heads[non_root] > np.arange(n)[non_root]).mean()) if non_root.any() else 0.0,
    ]
    return counters, stats


@register_family("syntax")
class SyntaxFeatures(FamilyTransformer):
    """Syntactic style from spaCy, one parse per text shared by every sub-view.

    Sub-views (columns ``view:ngram``): ``pos`` tag n-grams, ``dep`` dependency-label n-grams,
    ``deptriple`` head-POS > label > POS triples, ``posnoise`` n-grams over text with content words
    masked by their POS (Halvani & Graner's POSNoise, a topic-independent view); then parse-shape
    statistics (``stat:...``, z-scored). Each view is sublinear tf-idf, l2-normalised on its own.

    Parameters
    ----------
    model : str
        spaCy pipeline (``en_core_web_sm`` by default).
    components : list of str
        Pipeline components to run (``tok2vec`` is added when the model has it).
    batch_size, n_process : int
        Passed to ``nlp.pipe``.
    tag : {"tag", "pos"}
        Fine (Penn) tags or universal POS for the ``pos`` view.
    pos_ngrams, dep_ngrams, posnoise_ngrams : [int, int]
        N-gram ranges of the views.
    max_features : int
        Most-frequent n-grams kept per view.
    min_df : int
        Drop n-grams found in fewer documents.
    cache, cache_dir : bool, str or None
        Read and write parses in the on-disk cache (see ``features.cache``).
    """

    def __init__(
        self,
        *,
        model: str = "en_core_web_sm",
        components: Sequence[str] = ("tagger", "attribute_ruler", "parser"),
        batch_size: int = 64,
        n_process: int = 1,
        tag: str = "tag",
        pos_ngrams: tuple[int, int] = (1, 3),
        dep_ngrams: tuple[int, int] = (1, 2),
        posnoise_ngrams: tuple[int, int] = (1, 3),
        max_features: int = 5000,
        min_df: int = 2,
        use_cache: bool = True,
        cache_dir: str | None = None,
        progress: ProgressFactory = no_progress,
    ):
        self.model = model
        self.components = components
        self.batch_size = batch_size
        self.n_process = n_process
        self.tag = tag
        self.pos_ngrams = pos_ngrams
        self.dep_ngrams = dep_ngrams
        self.posnoise_ngrams = posnoise_ngrams
        self.max_features = max_features
        self.min_df = min_df
        self.use_cache = use_cache
        self.cache_dir = cache_dir
        self.progress = progress

    def _events(self, X):
        from attribution.features.lexical import function_words
        from attribution.features.nlp import parse_texts

        if self.tag not in ("tag", "pos"):
            raise ValueError(f"syntax: tag must be 'tag' or 'pos', got {self.tag!r}")
        ranges = {"pos": self.pos_ngrams, "dep": self.dep_ngrams, "posnoise": self.posnoise_ngrams}
        ranges = {view: (int(low), int(high)) for view, (low, high) in ranges.items()}
        texts = check_texts(X)
        # Parses arrive cache hits first, so rows are collected by index, then put in order.
        counters: list = [None] * len(texts)
        stats = np.zeros((len(texts), len(STATS)))
        words = frozenset(function_words())
        self.cache_stats_ = {}
        for i, doc in parse_texts(
            texts,
            model=self.model,
            components=tuple(self.components),
            batch_size=int(self.batch_size),
            n_process=int(self.n_process),
            cache=bool(self.use_cache),
            cache_dir=self.cache_dir,
            progress=self.progress,
            stats=self.cache_stats_,
        ):
            counters[i], stats[i] = doc_events(doc, tag=self.tag, function_words=words, ranges=ranges)
        return counters, stats

    def fit(self, X, y=None):
        """Parse, learn each view's vocabulary and idf, and the statistics' means and spreads."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit and return the (n_texts, n_features) CSR, parsing each text once."""
        counters, stats = self._events(X)
        builders = {view: CountBuilder() for view in VIEWS}
        for i, per_view in enumerate(counters):
            for view in VIEWS:
                builders[view].add(per_view[view])
            counters[i] = None  # free each document's counters as soon as they are in the matrix
        self.views_, blocks = {}, []
        for view in VIEWS:
            self.views_[view] = NgramTfidf(max_features=self.max_features, min_df=self.min_df)
            blocks.append(self.views_[view].fit_transform_counts(*builders.pop(view).matrix()))
        self.mean_, self.scale_ = standardize_fit(stats)
        self.feature_names_ = [f"{view}:{term}" for view in VIEWS for term in self.views_[view].terms_]
        self.feature_names_ += [f"stat:{name}" for name in STATS]
        self.n_features_out_ = len(self.feature_names_)
        blocks.append(to_csr((stats - self.mean_) / self.scale_))
        return to_csr(sp.hstack(blocks, format="csr"))

    def transform(self, X):
        """(n_texts, n_features) CSR: per-view tf-idf blocks, then z-scored parse statistics."""
        check_is_fitted(self)
        return self._matrix(*self._events(X))

    def _matrix(self, counters, stats):
        blocks = [self.views_[view].transform(c[view] for c in counters) for view in VIEWS]
        blocks.append(to_csr((stats - self.mean_) / self.scale_))
        return to_csr(sp.hstack(blocks, format="csr"))
