"""Lexical family ``mfw``: Burrows-style most-frequent-word rates, z-scored over the corpus."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from attribution.features.base import FamilyTransformer, register_family, standardize_fit, to_csr
from attribution.features.text import check_texts, words


@lru_cache(maxsize=1)
def function_words() -> tuple[str, ...]:
    """The bundled English function-word list (one per line, ``#`` comments)."""
    text = resources.files("attribution.features").joinpath("data/function_words.txt").read_text("utf-8")
    items = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return tuple(dict.fromkeys(item for item in items if item))


def most_frequent_words(tokenized: Sequence[Sequence[str]], n: int, *, culling: float = 0.0) -> list[str]:
    """The ``n`` most frequent words over all documents (ties alphabetical), after culling.

    ``culling`` (stylo's term) keeps only words found in at least that share of the documents.
    """
    totals: Counter[str] = Counter()
    doc_freq: Counter[str] = Counter()
    for tokens in tokenized:
        counts = Counter(tokens)
        totals.update(counts)
        if culling > 0:
            doc_freq.update(counts.keys())
    min_docs = culling * len(tokenized)
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [word for word, _ in ranked if culling <= 0 or doc_freq[word] >= min_docs][:n]


def relative_frequencies(tokenized: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> np.ndarray:
    """(n_docs, len(vocabulary)) word counts divided by each document's token count (0 if empty)."""
    index = {word: j for j, word in enumerate(vocabulary)}
    matrix = np.zeros((len(tokenized), len(vocabulary)), dtype=np.float64)
    for i, tokens in enumerate(tokenized):
        if not tokens:
            continue
        for word, count in Counter(tokens).items():
            j = index.get(word)
            if j is not None:
                matrix[i, j] = count
        matrix[i] /= len(tokens)
    return matrix


def mfw_matrix(
    texts: Sequence[str],
    n: int = 300,
    *,
    vocabulary: Sequence[str] | None = None,
    culling: float = 0.0,
) -> tuple[np.ndarray, list[str]]:
    """Plain relative frequencies of the most frequent words, as Delta methods need them.

    Returns ``(matrix, words)``: ``matrix`` is (n_texts, n_words) float64, rows sum to at most 1.
    Pass the training ``vocabulary`` to get the same columns for new texts; z-scoring is left to
    the Delta estimator (it must use the training corpus's means and spreads).
    """
    tokenized = [words(text) for text in check_texts(texts)]
    vocab = list(vocabulary) if vocabulary is not None else most_frequent_words(tokenized, n, culling=culling)
    return relative_frequencies(tokenized, vocab), vocab


@register_family("mfw")
class MostFrequentWords(FamilyTransformer):
    """Relative frequencies of the ``n`` most frequent words, z-scored with the fitted corpus's
    mean and spread (Burrows' Delta space).

    Parameters
    ----------
    n : int
        How many words (stylo's "MFW"; 100 … 5000 is the usual range).
    culling : float
        Keep only words found in at least this share of the fitted documents (0 = no culling).
    vocabulary : {"mfw", "function_words"}
        ``"function_words"`` uses the bundled function-word list (at most ``n`` of them) instead
        of the corpus's most frequent words: more topic-independent.
    zscore : bool
        Z-score each column (Burrows); otherwise the plain relative frequencies.
    """

    def __init__(self, *, n: int = 300, culling: float = 0.0, vocabulary: str = "mfw", zscore: bool = True):
        self.n = n
        self.culling = culling
        self.vocabulary = vocabulary
        self.zscore = zscore

    def fit(self, X, y=None):
        """Learn the word list and, with ``zscore``, each word's corpus mean and spread."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit and return the (n_texts, n_words) CSR, tokenising each text once."""
        if not isinstance(self.n, int) or self.n < 1:
            raise ValueError(f"mfw: n must be a positive integer, got {self.n!r}")
        if not 0.0 <= self.culling <= 1.0:
            raise ValueError(f"mfw: culling must be in [0, 1], got {self.culling!r}")
        if self.vocabulary not in ("mfw", "function_words"):
            raise ValueError(f"mfw: vocabulary must be 'mfw' or 'function_words', got {self.vocabulary!r}")
        tokenized = [words(text) for text in check_texts(X)]
        if self.vocabulary == "function_words":
            self.words_ = list(function_words()[: self.n])
        else:
            self.words_ = most_frequent_words(tokenized, self.n, culling=self.culling)
        frequencies = relative_frequencies(tokenized, self.words_)
        self.mean_, self.scale_ = standardize_fit(frequencies)
        self.feature_names_ = list(self.words_)
        self.n_features_out_ = len(self.words_)
        return self._scaled(frequencies)

    def transform(self, X):
        """(n_texts, n_words) CSR of z-scored (or plain) relative frequencies."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        return self._scaled(relative_frequencies([words(text) for text in check_texts(X)], self.words_))

    def _scaled(self, frequencies: np.ndarray):
        return to_csr((frequencies - self.mean_) / self.scale_ if self.zscore else frequencies)
