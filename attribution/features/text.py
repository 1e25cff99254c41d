"""The one tokeniser every non-spaCy extractor shares: words, sentences, URLs, mentions.

Regular expressions, not a model: cheap enough to run per family, and identical everywhere, so
no extractor lowercases or splits text its own way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: A word: letters/digits with inner apostrophes ("don't", "o'clock"); case folded by ``words``.
WORD_RE = re.compile(r"\w+(?:['’]\w+)*")
#: A possible sentence end: terminal punctuation (optionally a closing quote/bracket), space, then
#: a capital or digit (optionally behind an opening quote); or a blank line. One cheap pattern;
#: the abbreviation check runs in Python on these few candidates only.
_BREAK_RE = re.compile(r"([.!?…][\"'”’)\]]?)\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n")
#: Abbreviations (and single initials) after which a full stop rarely ends a sentence.
_ABBREVIATION_RE = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|Inc|Co|Corp|Ltd|No|Gen|Sen|Rep)|\b[A-Z])\.\Z")
URL_RE = re.compile(r"https?://\S+|www\.\S+")
MENTION_RE = re.compile(r"(?<!\w)@\w+")
HASHTAG_RE = re.compile(r"(?<!\w)#\w+")


def check_texts(texts: Iterable[str] | str) -> list[str]:
    """Validate a batch of texts: a list of strings (``None`` becomes ``""``)."""
    if isinstance(texts, (str, bytes)):
        raise ValueError("expected a sequence of texts, got a single string; wrap it in a list")
    out = []
    for i, text in enumerate(texts):
        if text is None:
            out.append("")
        elif isinstance(text, str):
            out.append(text)
        else:
            raise ValueError(f"text {i} is a {type(text).__name__}, expected str")
    return out


def words(text: str) -> list[str]:
    """Case-folded word tokens of ``text`` (URLs, mentions and hashtags are not words)."""
    if "http" in text or "www." in text:
        text = URL_RE.sub(" ", text)
    return WORD_RE.findall(text.lower())


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences cheaply (punctuation + capital, or a blank line); no empties."""
    parts, start = [], 0
    for match in _BREAK_RE.finditer(text):
        mark = match.group(1)
        if mark == "." and _ABBREVIATION_RE.search(text, max(0, match.start() - 5), match.end(1)):
            continue
        parts.append(text[start : match.end(1) if mark else match.start()])
        start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def sentence_lengths(text: str) -> list[int]:
    """Words per sentence of ``text`` (sentences with no word are dropped)."""
    lengths = [len(WORD_RE.findall(sentence)) for sentence in sentences(text)]
    return [n for n in lengths if n > 0]
