"""N-gram families: ``char`` (character n-grams) and ``word`` (word n-grams), sublinear tf-idf."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from attribution.features.base import FamilyTransformer, register_family, to_csr
from attribution.features.text import check_texts, words


class _TfidfFamily(FamilyTransformer):
    """Shared fit/transform around one fitted ``TfidfVectorizer`` (``vectorizer_``)."""

    def _vectorizer(self, n_docs: int) -> TfidfVectorizer:
        raise NotImplementedError

    def _check_range(self) -> tuple[int, int]:
        low, high = (int(v) for v in self.ngram_range)
        if not 1 <= low <= high:
            raise ValueError(f"{self.family}: ngram_range must be [low, high] with 1 <= low <= high, got {self.ngram_range!r}")
        if self.max_features is not None and int(self.max_features) < 1:
            raise ValueError(f"{self.family}: max_features must be positive or null, got {self.max_features!r}")
        return low, high

    def fit(self, X, y=None):
        """Learn the n-gram vocabulary (the ``max_features`` most frequent) and idf weights."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit and return the (n_texts, n_features) tf-idf CSR in one pass over the texts."""
        texts = check_texts(X)
        self.vectorizer_ = self._vectorizer(len(texts))
        try:
            matrix = self.vectorizer_.fit_transform(texts)
        except ValueError:
            # Empty vocabulary (every text empty or below min_df): no features, not a crash.
            self.vectorizer_ = None
            self.feature_names_ = []
            self.n_features_out_ = 0
            return to_csr(_empty(len(texts)))
        self.feature_names_ = [str(name) for name in self.vectorizer_.get_feature_names_out()]
        self.n_features_out_ = len(self.feature_names_)
        return to_csr(matrix)

    def transform(self, X):
        """(n_texts, n_features) CSR of l2-normalised sublinear tf-idf."""
        check_is_fitted(self)
        texts = check_texts(X)
        if self.vectorizer_ is None:
            return to_csr(_empty(len(texts)))
        return to_csr(self.vectorizer_.transform(texts))


def _empty(n_rows: int):
    import scipy.sparse as sp

    return sp.csr_matrix((n_rows, 0), dtype="float64")


@register_family("char")
class CharNgrams(_TfidfFamily):
    """Character n-grams (case kept: capitals are style), sublinear tf-idf, l2-normalised rows.

    Parameters
    ----------
    ngram_range : [int, int]
        Shortest and longest n-gram (2–5 is the PAN standard).
    max_features : int or None
        Keep the most frequent n-grams over the fitted corpus.
    min_df : int
        Drop n-grams found in fewer documents.
    word_boundaries : bool
        Only n-grams inside words padded with spaces (sklearn's ``char_wb``): prefix/suffix-aware,
        fewer cross-word n-grams.
    lowercase : bool
        Fold case before counting.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (2, 5),
        max_features: int | None = 20000,
        min_df: int = 2,
        word_boundaries: bool = False,
        lowercase: bool = False,
    ):
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.min_df = min_df
        self.word_boundaries = word_boundaries
        self.lowercase = lowercase

    def _vectorizer(self, n_docs: int) -> TfidfVectorizer:
        # A corpus smaller than min_df still gets features (sklearn would refuse).
        return TfidfVectorizer(
            analyzer="char_wb" if self.word_boundaries else "char",
            ngram_range=self._check_range(),
            max_features=self.max_features,
            min_df=max(1, min(int(self.min_df), n_docs)),
            lowercase=self.lowercase,
            sublinear_tf=True,
            dtype=np.float64,
        )


@register_family("word")
class WordNgrams(_TfidfFamily):
    """Word n-grams over the shared tokeniser's case-folded words, sublinear tf-idf.

    Parameters
    ----------
    ngram_range : [int, int]
        Shortest and longest n-gram in words (1–3).
    max_features : int or None
        Keep the most frequent n-grams over the fitted corpus.
    min_df : int
        Drop n-grams found in fewer documents.
    """

    def __init__(self, *, ngram_range: tuple[int, int] = (1, 3), max_features: int | None = 20000, min_df: int = 2):
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.min_df = min_df

    def _vectorizer(self, n_docs: int) -> TfidfVectorizer:
        # A corpus smaller than min_df still gets features (sklearn would refuse).
        return TfidfVectorizer(
            analyzer="word",
            tokenizer=words,
            token_pattern=None,
            lowercase=False,  # ``words`` already case-folds
            ngram_range=self._check_range(),
            max_features=self.max_features,
            min_df=max(1, min(int(self.min_df), n_docs)),
            sublinear_tf=True,
            dtype=np.float64,
        )
