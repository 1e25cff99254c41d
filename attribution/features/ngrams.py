"""N-gram families: ``char`` (character n-grams) and ``word`` (word n-grams), tf-idf."""

from __future__ import annotations

from collections import Counter

from sklearn.utils.validation import check_is_fitted

from attribution.features.base import FamilyTransformer, register_family
from attribution.features.counting import NgramTfidf, char_ngrams, check_tf, token_ngrams
from attribution.features.text import check_texts, words


class _NgramFamily(FamilyTransformer):
    """Shared fit/transform: count n-grams per text, then one fitted ``NgramTfidf`` (``tfidf_``)."""

    def _range(self) -> tuple[int, int]:
        try:
            low, high = (int(v) for v in self.ngram_range)
        except (TypeError, ValueError):
            low, high = 0, -1
        if not 1 <= low <= high:
            raise ValueError(
                f"{self.family}: ngram_range must be [low, high] with 1 <= low <= high, got {self.ngram_range!r}"
            )
        if self.max_features is not None and int(self.max_features) < 1:
            raise ValueError(f"{self.family}: max_features must be positive or null, got {self.max_features!r}")
        check_tf(self.tf, self.family)
        return low, high

    def _count(self, text: str, low: int, high: int) -> Counter:
        raise NotImplementedError

    def fit(self, X, y=None):
        """Learn the n-gram vocabulary (the ``max_features`` in most documents) and idf weights."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit and return the (n_texts, n_features) tf-idf CSR, counting each text once."""
        low, high = self._range()
        self.tfidf_ = NgramTfidf(max_features=self.max_features, min_df=self.min_df, tf=self.tf)
        matrix = self.tfidf_.fit_transform(self._count(text, low, high) for text in check_texts(X))
        self.feature_names_ = list(self.tfidf_.terms_)
        self.n_features_out_ = len(self.feature_names_)
        return matrix

    def transform(self, X):
        """(n_texts, n_features) CSR of l2-normalised tf-idf."""
        check_is_fitted(self)
        low, high = self._range()
        return self.tfidf_.transform(self._count(text, low, high) for text in check_texts(X))


@register_family("char")
class CharNgrams(_NgramFamily):
    """Character n-grams (case kept: capitals are style), tf-idf, l2-normalised rows.

    Parameters
    ----------
    ngram_range : [int, int]
        Shortest and longest n-gram (2–5 is the PAN standard).
    max_features : int or None
        Keep the n-grams found in the most fitted documents.
    min_df : int
        Drop n-grams found in fewer documents.
    lowercase : bool
        Fold case before counting.
    tf : {"sublinear", "binary"}
        ``1 + log(count)`` or presence (see ``NgramTfidf``).
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (2, 5),
        max_features: int | None = 20000,
        min_df: int = 2,
        lowercase: bool = False,
        tf: str = "sublinear",
    ):
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.min_df = min_df
        self.lowercase = lowercase
        self.tf = tf

    def _count(self, text: str, low: int, high: int) -> Counter:
        return char_ngrams(text, low, high, lowercase=self.lowercase)


@register_family("word")
class WordNgrams(_NgramFamily):
    """Word n-grams over the shared tokeniser's case-folded words, tf-idf.

    Parameters
    ----------
    ngram_range : [int, int]
        Shortest and longest n-gram in words (1–3).
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
        ngram_range: tuple[int, int] = (1, 3),
        max_features: int | None = 20000,
        min_df: int = 2,
        tf: str = "sublinear",
    ):
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.min_df = min_df
        self.tf = tf

    def _count(self, text: str, low: int, high: int) -> Counter:
        return token_ngrams(words(text), low, high)
