"""The one tokeniser every non-spaCy extractor shares: words, sentences, URLs, mentions.

Regular expressions, not a model: cheap enough to run per family, and identical everywhere, so
no extractor lowercases or splits text its own way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

#: A word: letters/digits with inner apostrophes ("don't", "o'clock"); case folded by ``words``.
WORD_RE = re.compile(r"\w+(?:['’]\w+)*")
#: Abbreviations after which a full stop rarely ends a sentence (each a fixed-width lookbehind).
_NO_SPLIT_AFTER = ("Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "vs", "Inc", "Co", "Corp", "Ltd", "No", "Gen", "Sen", "Rep")
_GUARDS = "".join(rf"(?<!\b{abbr}\.)" for abbr in _NO_SPLIT_AFTER) + r"(?<!\b[A-Z]\.)"
#: Sentence ends: terminal punctuation (optionally a closing quote/bracket), space, then a capital
#: or digit (optionally behind an opening quote); or a blank line.
SENTENCE_END_RE = re.compile(
    rf"{_GUARDS}(?<=[.!?…])\s+(?=[\"'“‘(\[]?[A-Z0-9])"
    rf"|(?<=[.!?…][\"'”’)\]])\s+(?=[\"'“‘(\[]?[A-Z0-9])"
    r"|\n\s*\n"
)
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
    return [part.strip() for part in SENTENCE_END_RE.split(text) if part and part.strip()]


def sentence_lengths(text: str) -> list[int]:
    """Words per sentence of ``text`` (sentences with no word are dropped)."""
    lengths = [len(WORD_RE.findall(sentence)) for sentence in sentences(text)]
    return [n for n in lengths if n > 0]


def join_lines(texts: Sequence[str]) -> str:
    """Join posts into one analysis unit, one post per line."""
    return "\n".join(text.strip() for text in texts)
