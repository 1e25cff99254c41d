"""Named style counts (function words, punctuation, word lengths, tweet markers) for evidence.

The composite test describes what sets each cluster apart with these counts: they have plain
names (``mfw__upon``, ``punct__semicolon``) and are additive, so a cluster's rate is its summed
counts over its summed tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from attribution.features.lexical import function_words
from attribution.features.text import WORD_RE

#: Function words: topic-poor, author-rich (Mosteller-Wallace, Burrows). The package's one list
#: (``features/data/function_words.txt``), fixed, so the representation never depends on the byline.
FUNCTION_WORDS = function_words()

#: Punctuation marks counted per token.
PUNCTUATION = {
    "comma": ",",
    "period": ".",
    "semicolon": ";",
    "colon": ":",
    "question": "?",
    "exclamation": "!",
    "quote": '"',
    "apostrophe": "'",
    "paren": "(",
    "dash": "-",
    "ellipsis": "…",
}

#: Word-length bins 1..12 and 13+.
LENGTH_BINS = 13

#: Links, mentions/hashtags, words (the features' word pattern) and single punctuation marks.
_TOKEN = re.compile(rf"https?://\S+|[@#]\w+|{WORD_RE.pattern}|[^\w\s]", re.UNICODE)
_WORD_INDEX = {word: i for i, word in enumerate(FUNCTION_WORDS)}


def feature_names() -> list[str]:
    """Names of the count columns, ``family__feature`` like the features layer."""
    names = [f"mfw__{w}" for w in FUNCTION_WORDS]
    names += [f"punct__{name}" for name in PUNCTUATION]
    names += [f"length__word_len_{i + 1}" for i in range(LENGTH_BINS - 1)] + [f"length__word_len_{LENGTH_BINS}+"]
    names += ["length__capitalised", "length__all_caps", "length__digits"]
    names += ["tweet__url", "tweet__mention", "tweet__hashtag", "tweet__line_break"]
    return names


def count_text(text: str) -> tuple[np.ndarray, int]:
    """Style counts of one text and its number of tokens."""
    names_fw = len(FUNCTION_WORDS)
    n_punct = len(PUNCTUATION)
    row = np.zeros(names_fw + n_punct + LENGTH_BINS + 3 + 4)
    punct_index = {mark: names_fw + i for i, mark in enumerate(PUNCTUATION.values())}
    length0 = names_fw + n_punct
    extra = length0 + LENGTH_BINS
    tokens = _TOKEN.findall(text)
    for token in tokens:
        first = token[0]
        if token.startswith(("http://", "https://")):
            row[extra + 3] += 1
        elif first == "@" and len(token) > 1:
            row[extra + 4] += 1
        elif first == "#" and len(token) > 1:
            row[extra + 5] += 1
        elif first.isalnum() or first == "_":
            lower = token.lower().replace("’", "'")
            index = _WORD_INDEX.get(lower)
            if index is not None:
                row[index] += 1
            row[length0 + min(len(token), LENGTH_BINS) - 1] += 1
            if token.isdigit():
                row[extra + 2] += 1
            elif token.isupper() and len(token) > 1:
                row[extra + 1] += 1
            elif first.isupper():
                row[extra] += 1
        else:
            index = punct_index.get(token) if token not in "“”" else punct_index['"']
            if token in "‘’":
                index = punct_index["'"]
            if token in "–—":
                index = punct_index["-"]
            if index is not None:
                row[index] += 1
    row[extra + 6] = text.count("\n")
    return row, len(tokens)


def count_table(texts: Sequence[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The representation adapter: additive style counts ``(n, p)`` and token totals ``(n,)``.

    This is the one place the composite test reads text; any additive count representation
    (for instance the features layer's MFW counts) can replace it.
    """
    rows = []
    totals = np.zeros(len(texts))
    for i, text in enumerate(texts):
        row, total = count_text(text)
        rows.append(row)
        totals[i] = total
    matrix = np.vstack(rows) if rows else np.zeros((0, len(feature_names())))
    return sparse.csr_matrix(matrix), totals


def counts_to_rates(counts: np.ndarray | sparse.spmatrix, totals: np.ndarray) -> np.ndarray:
    """Square-root relative frequencies (variance-stabilised rates), dense ``(n, p)``."""
    counts = sparse.csr_matrix(counts).toarray() if sparse.issparse(counts) else np.asarray(counts, dtype=float)
    totals = np.maximum(np.asarray(totals, dtype=float), 1.0)
    return np.sqrt(counts / totals[..., None])


def function_word_counts(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Function-word counts ``(n, len(FUNCTION_WORDS))`` and token totals ``(n,)``."""
    counts, totals = count_table(texts)
    return counts[:, : len(FUNCTION_WORDS)].toarray(), totals
