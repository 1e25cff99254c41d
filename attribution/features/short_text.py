"""Family ``short``: style features that work on 10-40-word posts, with no fitted vocabulary.

Hashed (stateless) character 1-4-grams and word 1-2-grams of the post with links, mentions and
numbers masked (what a link points to or whom a post answers is topic, how a writer writes
around them is style), plus the typography rates of ``punct`` (links, hashtags, capitals,
marks, emoji). Hashing keeps the columns fixed across corpora, so a projection learned on one
set of writers (the composite test's style space) applies to any byline without shipping a
vocabulary.
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from attribution.features.base import FamilyTransformer, register_family, to_csr
from attribution.features.text import HASHTAG_RE, MENTION_RE, URL_RE, WORD_RE, check_texts
from attribution.features.typography import MARKS, RATIOS, typography_row

_NUMBER_RE = re.compile(r"\d+")


def mask_post(text: str) -> str:
    """Links, mentions and digits replaced by placeholders that keep where they stand."""
    text = URL_RE.sub("↗", text)
    text = MENTION_RE.sub("@", text)
    return _NUMBER_RE.sub("0", text)


#: Kinds of post: link or not x reply or not x 0, 1 or 2+ hashtags.
N_POST_KINDS = 12


def post_kinds(texts: list[str]) -> np.ndarray:
    """The kind of each post (0..11): whether it shares a link, answers someone, plays hashtags.

    Every writer of a stream posts every kind, and the kinds differ in style more than writers
    do, so the composite test compares posts within their kind (``composite.posts``).
    """
    kinds = []
    for text in texts:
        link = URL_RE.search(text) is not None
        reply = MENTION_RE.match(text.lstrip()) is not None
        tags = min(2, len(HASHTAG_RE.findall(text)))
        kinds.append(6 * link + 3 * reply + tags)
    return np.asarray(kinds, dtype=np.int64)


def _counts(n_features: int, **settings) -> HashingVectorizer:
    """Raw hashed n-gram counts (no sign flips, no norm): the rates are taken afterwards."""
    return HashingVectorizer(n_features=n_features, alternate_sign=False, norm=None, dtype=np.float64, **settings)


@register_family("short")
class ShortTextStyle(FamilyTransformer):
    """Hashed char and word n-grams of masked posts (sublinear tf, rows l2-normalised per block)
    and log-scaled typography rates; ``n_char`` and ``n_word`` are the hashed widths.
    """

    def __init__(self, *, n_char: int = 2**14, n_word: int = 2**13, typography_weight: float = 0.3):
        self.n_char = n_char
        self.n_word = n_word
        self.typography_weight = typography_weight

    def fit(self, X, y=None):
        """Nothing to learn: the columns are fixed by the hash widths."""
        self.feature_names_ = (
            [f"char_{i}" for i in range(self.n_char)]
            + [f"word_{i}" for i in range(self.n_word)]
            + [f"{name}_rate" for name in MARKS]
            + list(RATIOS)
        )
        self.n_features_out_ = len(self.feature_names_)
        return self

    def transform(self, X) -> sp.csr_matrix:
        """(n_texts, n_char + n_word + typography) CSR."""
        texts = check_texts(X)
        if not hasattr(self, "feature_names_"):
            self.fit(texts)
        masked = [mask_post(text) for text in texts]
        chars = _counts(self.n_char, analyzer="char", ngram_range=(1, 4), lowercase=False).transform(masked)
        words = _counts(
            self.n_word, tokenizer=WORD_RE.findall, token_pattern=None, ngram_range=(1, 2), lowercase=True
        ).transform(masked)
        blocks = []
        for block in (chars, words):
            block.data = 1.0 + np.log(block.data)
            blocks.append(normalize(block))
        rates = np.log1p(np.array([typography_row(text) for text in texts], dtype=np.float64).reshape(len(texts), -1))
        blocks.append(sp.csr_matrix(self.typography_weight * rates))
        return to_csr(sp.hstack(blocks, format="csr"))
