"""Family ``length``: word and sentence length distributions and vocabulary richness measures
that do not grow or shrink with text length (MATTR, Yule's K, windowed hapax rates)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.utils.validation import check_is_fitted

from attribution.features.base import FamilyTransformer, register_family, standardize_fit, to_csr
from attribution.features.text import check_texts, sentence_lengths, words

#: Upper edges of the sentence-length bins, in words (the last bin is open).
SENTENCE_BINS = (5, 10, 15, 20, 30, 40)
MAX_WORD_LENGTH = 15


def mattr(tokens: Sequence[str], window: int) -> float:
    """Moving-average type-token ratio over windows of ``window`` tokens (plain TTR if shorter).

    Vectorised: token ``i`` is new in the windows starting after its previous occurrence, so the
    sum of types over all windows is a sum of interval lengths, with no loop over windows.
    """
    n = len(tokens)
    if n == 0:
        return 0.0
    if n <= window:
        return len(set(tokens)) / n
    ids = np.unique(np.asarray(tokens, dtype=object), return_inverse=True)[1] if n else np.zeros(0, int)
    order = np.argsort(ids, kind="stable")
    previous = np.full(n, -1, dtype=np.int64)
    same = ids[order][1:] == ids[order][:-1]
    previous[order[1:][same]] = order[:-1][same]
    positions = np.arange(n)
    # Windows are [s, s + window) for s in 0..n - window; token i counts in windows with
    # max(previous[i] + 1, i - window + 1) <= s <= min(i, n - window).
    first = np.maximum(previous + 1, positions - window + 1)
    last = np.minimum(positions, n - window)
    total = np.clip(last - first + 1, 0, None).sum()
    return float(total) / ((n - window + 1) * window)


def yules_k(tokens: Sequence[str]) -> float:
    """Yule's K, 10^4 (sum_i i^2 V_i - N) / N^2 (0 for fewer than two tokens)."""
    n = len(tokens)
    if n < 2:
        return 0.0
    spectrum = Counter(Counter(tokens).values())
    return 1e4 * (sum(i * i * v for i, v in spectrum.items()) - n) / (n * n)


def windowed_legomena(tokens: Sequence[str], window: int) -> tuple[float, float]:
    """Mean share of hapax and dis legomena per consecutive ``window``-token chunk."""
    if not tokens:
        return 0.0, 0.0
    chunks = [tokens[i : i + window] for i in range(0, max(len(tokens) - window + 1, 1), window)]
    hapax = dis = 0.0
    for chunk in chunks:
        spectrum = Counter(Counter(chunk).values())
        hapax += spectrum.get(1, 0) / len(chunk)
        dis += 2 * spectrum.get(2, 0) / len(chunk)
    return hapax / len(chunks), dis / len(chunks)


def feature_names() -> list[str]:
    """Column names of ``length_row``."""
    names = ["words_log", "word_length_mean", "word_length_std"]
    names += [f"word_length_{k}" for k in range(1, MAX_WORD_LENGTH)] + [f"word_length_{MAX_WORD_LENGTH}plus"]
    names += ["sentences_log", "sentence_length_mean", "sentence_length_std", "sentence_length_median"]
    edges = (0,) + SENTENCE_BINS
    names += [f"sentence_length_{lo + 1}_{hi}" for lo, hi in zip(edges, SENTENCE_BINS)]
    names += [f"sentence_length_{SENTENCE_BINS[-1] + 1}plus"]
    names += ["mattr", "yules_k", "hapax_rate", "dis_legomena_rate"]
    return names


def length_row(text: str, window: int) -> list[float]:
    """One text's length and richness values, in ``feature_names`` order; finite for any text."""
    tokens = words(text)
    lengths = np.array([len(t) for t in tokens], dtype=np.float64)
    row = [math.log1p(len(tokens))]
    row += [lengths.mean(), lengths.std()] if len(tokens) else [0.0, 0.0]
    hist = np.bincount(np.minimum(lengths.astype(int), MAX_WORD_LENGTH), minlength=MAX_WORD_LENGTH + 1)[1:]
    row += list(hist / max(len(tokens), 1))
    sentence = np.array(sentence_lengths(text), dtype=np.float64)
    row.append(math.log1p(len(sentence)))
    row += [sentence.mean(), sentence.std(), float(np.median(sentence))] if len(sentence) else [0.0, 0.0, 0.0]
    bins = np.searchsorted(np.array(SENTENCE_BINS), sentence, side="left")
    row += list(np.bincount(bins, minlength=len(SENTENCE_BINS) + 1) / max(len(sentence), 1))
    hapax, dis = windowed_legomena(tokens, window)
    row += [mattr(tokens, window), yules_k(tokens), hapax, dis]
    return row


@register_family("length")
class LengthRichness(FamilyTransformer):
    """Word and sentence length distributions plus length-robust richness (MATTR, Yule's K,
    windowed hapax and dis legomena rates); ``standardize`` z-scores each column.

    Parameters
    ----------
    window : int
        Window in tokens for MATTR and the hapax rates.
    standardize : bool
        Z-score columns with the fitted corpus's mean and spread.
    """

    def __init__(self, *, window: int = 100, standardize: bool = True):
        self.window = window
        self.standardize = standardize

    def _rows(self, X) -> np.ndarray:
        names = feature_names()
        rows = [length_row(text, int(self.window)) for text in check_texts(X)]
        return np.array(rows, dtype=np.float64).reshape(len(rows), len(names))

    def fit(self, X, y=None):
        """Learn each column's mean and spread (used with ``standardize``)."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit and return the (n_texts, n_features) CSR, reading each text once."""
        if int(self.window) < 2:
            raise ValueError(f"length: window must be at least 2 tokens, got {self.window!r}")
        self.feature_names_ = feature_names()
        self.n_features_out_ = len(self.feature_names_)
        rows = self._rows(X)
        self.mean_, self.scale_ = standardize_fit(rows)
        return self._scaled(rows)

    def transform(self, X):
        """(n_texts, n_features) CSR of length and richness values."""
        check_is_fitted(self)
        return self._scaled(self._rows(X))

    def _scaled(self, rows: np.ndarray):
        return to_csr((rows - self.mean_) / self.scale_ if self.standardize else rows)
