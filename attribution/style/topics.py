"""What "the same topic" means for the topic-controlled pairs, defined without any style model.

A topic is a cluster of content words: tf-idf of lower-cased words of three or more letters,
hashtags and names included, function words and English stop words removed, clustered with
k-means (about ``DOCS_PER_TOPIC`` texts a cluster). Two texts share a topic when they fall in
one cluster. Content words are what a topic is; a style representation that scores two writers
on one topic as one writer is reading topic, which is what these pairs expose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from attribution.features.lexical import function_words

DOCS_PER_TOPIC = 25
TOKEN = r"(?u)#?\b[^\W\d_]{3,}\b"


def topic_labels(texts: Sequence[str], *, seed: int = 0, docs_per_topic: int = DOCS_PER_TOPIC) -> np.ndarray:
    """A topic cluster per text (-1 for a text without content words)."""
    words = set(ENGLISH_STOP_WORDS) | {w.lower() for w in function_words()} | {"http", "https", "amp"}
    # The stop list as the tokenizer cuts it ("don't" -> "don"), so every piece is dropped.
    stop = sorted(words | {piece for word in words for piece in re.findall(TOKEN, word)})
    vectorizer = TfidfVectorizer(lowercase=True, token_pattern=TOKEN, stop_words=stop, min_df=2, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    has_words = np.asarray(matrix.getnnz(axis=1) > 0)
    labels = np.full(len(texts), -1, dtype=np.int64)
    k = max(2, int(has_words.sum()) // docs_per_topic)
    model = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048)
    labels[has_words] = model.fit_predict(matrix[has_words])
    return labels
