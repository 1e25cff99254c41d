"""Family ``punct``: punctuation and typography rates (marks, quote and dash styles, capitals,
digits, emoji, URLs, mentions and hashtags)."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from sklearn.utils.validation import check_is_fitted

from attribution.features.base import FamilyTransformer, register_family, standardize_fit, to_csr
from attribution.features.text import HASHTAG_RE, MENTION_RE, URL_RE, WORD_RE, check_texts

#: feature name -> literal substring counted per 1,000 characters.
MARKS = {
    "period": ".",
    "comma": ",",
    "semicolon": ";",
    "colon": ":",
    "exclamation": "!",
    "question": "?",
    "apostrophe_straight": "'",
    "apostrophe_curly": "’",
    "quote_straight": '"',
    "quote_curly_open": "“",
    "quote_curly_close": "”",
    "single_quote_curly_open": "‘",
    "paren": "(",
    "bracket": "[",
    "hyphen": "-",
    "double_hyphen": "--",
    "spaced_hyphen": " - ",
    "en_dash": "–",
    "em_dash": "—",
    "ellipsis_dots": "...",
    "ellipsis_char": "…",
    "slash": "/",
    "ampersand": "&",
    "asterisk": "*",
    "percent": "%",
    "dollar": "$",
    "repeated_exclamation": "!!",
    "repeated_question": "??",
    "interrobang": "?!",
    "double_space": "  ",
    "newline": "\n",
}

_ALLCAPS_RE = re.compile(r"\b[A-Z]{2,}\b")
_TITLE_RE = re.compile(r"\b[A-Z][a-z]")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s[,.;:!?]")


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF


RATIOS = (
    "uppercase_share",  # capitals among letters
    "allcaps_word_share",  # words of 2+ capitals among words
    "titlecase_word_share",  # capitalised words among words
    "digit_share",  # digits among characters
    "non_ascii_share",  # non-ASCII among characters
    "space_before_punct",  # " ," " ." … per 1,000 characters
    "emoji",  # per 1,000 characters
    "url",  # per word
    "mention",  # per word
    "hashtag",  # per word
)


def typography_row(text: str) -> list[float]:
    """One text's rates, in ``MARKS`` then ``RATIOS`` order; 0 for an empty text."""
    n_chars = max(len(text), 1)
    per_k = 1000.0 / n_chars
    row = [text.count(mark) * per_k for mark in MARKS.values()]
    # Character classes from one C-speed count of distinct characters, not a regex per class.
    upper = letters = digits = non_ascii = emoji = 0
    for char, count in Counter(text).items():
        if char.isalpha():
            letters += count
            upper += count if char.isupper() else 0
        elif char.isdigit():
            digits += count
        if not char.isascii():
            non_ascii += count
            emoji += count if _is_emoji(char) else 0
    n_words = max(len(WORD_RE.findall(text)), 1)
    row += [
        upper / max(letters, 1),
        len(_ALLCAPS_RE.findall(text)) / n_words,
        len(_TITLE_RE.findall(text)) / n_words,
        digits / n_chars,
        non_ascii / n_chars,
        len(_SPACE_BEFORE_PUNCT_RE.findall(text)) * per_k,
        emoji * per_k,
        len(URL_RE.findall(text)) / n_words,
        len(MENTION_RE.findall(text)) / n_words,
        len(HASHTAG_RE.findall(text)) / n_words,
    ]
    return row


@register_family("punct")
class Typography(FamilyTransformer):
    """Per-mark punctuation rates, quote/dash/ellipsis styles, capitals, digits, emoji and tweet
    markers; ``standardize`` z-scores each column with the fitted corpus's mean and spread.
    """

    def __init__(self, *, standardize: bool = True):
        self.standardize = standardize

    def _rows(self, X) -> np.ndarray:
        texts = check_texts(X)
        return np.array([typography_row(text) for text in texts], dtype=np.float64).reshape(len(texts), -1)

    def fit(self, X, y=None):
        """Learn each column's mean and spread (used with ``standardize``)."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit and return the (n_texts, n_features) CSR, reading each text once."""
        self.feature_names_ = [f"{name}_rate" for name in MARKS] + list(RATIOS)
        self.n_features_out_ = len(self.feature_names_)
        rows = self._rows(X).reshape(-1, self.n_features_out_)
        self.mean_, self.scale_ = standardize_fit(rows)
        return self._scaled(rows)

    def transform(self, X):
        """(n_texts, n_features) CSR of rates (z-scored with ``standardize``)."""
        check_is_fitted(self)
        return self._scaled(self._rows(X).reshape(-1, self.n_features_out_))

    def _scaled(self, rows: np.ndarray):
        return to_csr((rows - self.mean_) / self.scale_ if self.standardize else rows)
