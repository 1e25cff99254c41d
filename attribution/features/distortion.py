"""``distort`` family: character n-grams of text-distorted articles (Stamatatos 2017, DV-MA).

Every word outside the ``n_words`` most frequent words of the fitted texts is masked letter by
letter (``Reuters`` -> ``*******``) and every digit becomes ``#``; the frequent (function) words,
punctuation, spacing and word lengths stay. Character n-grams of the masked text then see style
(function words, punctuation, word-length rhythm) but not topic words, which is what carries
across topics: on Reuters C50, whose test articles are partly on other topics than the training
ones, this generalises better than n-grams of the raw text.
"""

from __future__ import annotations

import re
from collections import Counter

from sklearn.utils.validation import check_is_fitted

from attribution.features.base import register_family
from attribution.features.counting import char_ngrams
from attribution.features.ngrams import _NgramFamily
from attribution.features.text import check_texts

#: DV-MA masks runs of letters (digits are masked apart, as #): a masking rule, not a tokeniser.
_WORD_RE = re.compile(r"[^\W\d_]+")
_DIGIT_RE = re.compile(r"\d")


def frequent_words(texts, n: int) -> list[str]:
    """The ``n`` most frequent case-folded words of ``texts`` (ties broken alphabetically)."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(word.lower() for word in _WORD_RE.findall(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [word for word, _ in ranked[:n]]


def distort_text(text: str, keep: set[str] | frozenset[str]) -> str:
    """DV-MA distortion: words not in ``keep`` (case-folded) -> ``*`` per letter, digits -> ``#``."""
    text = _DIGIT_RE.sub("#", text)
    return _WORD_RE.sub(lambda m: m.group(0) if m.group(0).lower() in keep else "*" * len(m.group(0)), text)


@register_family("distort")
class DistortedCharNgrams(_NgramFamily):
    """Character n-grams of DV-MA distorted text, tf-idf, l2-normalised rows.

    Parameters
    ----------
    n_words : int
        How many most frequent words of the fitted texts stay unmasked (Stamatatos: 100-300).
    ngram_range : [int, int]
        Shortest and longest character n-gram.
    max_features : int or None
        Keep the n-grams found in the most fitted documents.
    min_df : int
        Drop n-grams found in fewer documents.
    tf : {"sublinear", "binary"}
        ``1 + log(count)`` or presence (see ``NgramTfidf``).
    """

    def __init__(
        self,
        *,
        n_words: int = 300,
        ngram_range: tuple[int, int] = (1, 5),
        max_features: int | None = 100000,
        min_df: int = 2,
        tf: str = "sublinear",
    ):
        self.n_words = n_words
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.min_df = min_df
        self.tf = tf

    def _count(self, text: str, low: int, high: int) -> Counter:
        return char_ngrams(distort_text(text, self.keep_set_), low, high)

    def fit_transform(self, X, y=None):
        """Learn the unmasked words, then the n-gram vocabulary and idf of the distorted texts."""
        texts = check_texts(X)
        if int(self.n_words) < 0:
            raise ValueError(f"{self.family}: n_words must be >= 0, got {self.n_words!r}")
        self.keep_words_ = frequent_words(texts, int(self.n_words))
        return super().fit_transform(texts)

    @property
    def keep_set_(self) -> frozenset[str]:
        """The unmasked words as a set (derived, so a saved model holds only the list)."""
        return frozenset(self.keep_words_)

    def transform(self, X):
        """(n_texts, n_features) CSR of l2-normalised tf-idf of the distorted texts."""
        check_is_fitted(self)
        return super().transform(X)
