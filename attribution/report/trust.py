"""How far to trust one score: text length, encoding, language and genre against the training texts.

The web page and the command line (``score``, ``verify``) show the same notes.

Each check is a small pure function returning a note ``{"check", "level", "text", "value"}``
with ``level`` in ``ok`` / ``caution`` / ``warning``. They are warnings to the reader, never
changes to the score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from attribution.features.lexical import function_words
from attribution.features.text import words as text_words

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"(?<!\w)[@#]\w+")

#: English function words (the package's one list); English prose has roughly 40-55% of its
#: tokens among them.
ENGLISH_FUNCTION_WORDS = frozenset(function_words())

#: Below this many words, stylometric scores are unreliable; below the first, very unreliable.
SHORT_WORDS, ADEQUATE_WORDS = 150, 500
#: Function-word share under which a text is probably not English (English prose: ~0.4-0.55).
MIN_ENGLISH_SHARE, LOW_ENGLISH_SHARE = 0.15, 0.28


def words(text: str) -> list[str]:
    """The text's words, lower-cased, by the features' tokeniser (links are not words)."""
    return text_words(text)


def _tiered_note(check: str, value: int, limits: tuple[int, int], messages: tuple[str, str, str]) -> dict:
    """A note whose level falls with ``value``: ``warning`` under the first limit, ``caution`` under
    the second, ``ok`` above; ``messages`` in that order."""
    low, enough = limits
    level = "warning" if value < low else "caution" if value < enough else "ok"
    message = messages[("warning", "caution", "ok").index(level)]
    return {"check": check, "level": level, "text": message, "value": value}


def length_note(text: str) -> dict:
    """How many words the text has against what stylometry needs."""
    n = len(words(text))
    return _tiered_note(
        "length",
        n,
        (SHORT_WORDS, ADEQUATE_WORDS),
        (
            f"Only {n} words. Below about {SHORT_WORDS} words style measures are mostly noise: "
            "treat any ranking as a guess.",
            f"{n} words. Scores firm up from about {ADEQUATE_WORDS} words; read the probabilities as rough.",
            f"{n} words: long enough for stylometry.",
        ),
    )


def english_share(text: str) -> float:
    """Share of the text's words that are common English function words (0..1)."""
    tokens = words(text)
    if not tokens:
        return 0.0
    return sum(t in ENGLISH_FUNCTION_WORDS for t in tokens) / len(tokens)


def language_note(text: str) -> dict:
    """Whether the text reads as English, the language the features are built for."""
    share = english_share(text)
    if share < MIN_ENGLISH_SHARE:
        level, message = (
            "warning",
            (
                f"This does not look like English (common English words make up {share:.0%} of it, "
                "against 40-55% in English prose). The features are built for English: the scores mean little."
            ),
        )
    elif share < LOW_ENGLISH_SHARE:
        level, message = (
            "caution",
            (
                f"Common English words make up only {share:.0%} of the text: it may be mixed-language, "
                "a list, or heavily formatted, and the scores are less reliable."
            ),
        )
    else:
        level, message = "ok", f"Reads as English ({share:.0%} common English words)."
    return {"check": "language", "level": level, "text": message, "value": round(share, 3)}


def genre_markers(text: str) -> dict:
    """Counts that separate posts from articles: links, @mentions/#tags, words, lines."""
    return {
        "words": len(words(text)),
        "links": len(_URL.findall(text)),
        "tags": len(_MENTION.findall(text)),
        "lines": text.count("\n") + 1,
    }


def genre_note(
    text: str,
    *,
    training_kind: str | None = None,
    training_words: Sequence[int] = (),
    compared_with: str = "training texts",
) -> dict:
    """Whether the text is of the kind and length the model was trained on.

    ``training_kind`` is ``article`` or ``tweet``; ``training_words`` the word counts of the
    training texts (their 5th-95th percentile is the range called "in genre"); ``compared_with``
    names them in the message (``verify`` compares with the candidate's known texts).
    """
    markers = genre_markers(text)
    post_like = markers["words"] < 80 or (markers["links"] + markers["tags"]) >= 2
    kind = "tweet" if post_like else "article"
    problems = []
    if training_kind and training_kind != kind:
        problems.append(
            f"it looks like {'a social-media post' if kind == 'tweet' else 'an article'}, "
            f"but the model was trained on {'posts' if training_kind == 'tweet' else 'articles'}"
        )
    if len(training_words) >= 5:
        ordered = sorted(training_words)
        low = ordered[int(0.05 * (len(ordered) - 1))]
        high = ordered[int(round(0.95 * (len(ordered) - 1)))]
        if not low <= markers["words"] <= high:
            problems.append(
                f"its length ({markers['words']} words) is outside the {compared_with}' usual range "
                f"({low}-{high} words)"
            )
    if problems:
        message = "Out of genre: " + "; ".join(problems) + ". Style differs by genre, so the scores are less reliable."
        level = "warning" if training_kind and training_kind != kind else "caution"
    elif training_kind or training_words:
        level, message = "ok", f"Same kind and length range as the {compared_with}."
    else:
        level, message = "caution", "The model does not record its training genre; genre could not be checked."
    return {"check": "genre", "level": level, "text": message, "value": kind}


def encoding_note(encoding: str) -> dict:
    """Whether the text's bytes were UTF-8; a guessed legacy encoding can garble letters and quotes."""
    if encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig", "ascii"):
        return {"check": "encoding", "level": "ok", "text": "UTF-8 text.", "value": encoding}
    return {
        "check": "encoding",
        "level": "caution",
        "text": f"The file is not UTF-8: it was read as {encoding}. If letters or quotes look wrong in it, "
        "save it as UTF-8 and score again: wrong characters change the style measures.",
        "value": encoding,
    }


#: Fewer impostor writers than these make General Impostors answer "same author" too easily.
FEW_IMPOSTORS, ENOUGH_IMPOSTORS = 5, 10


def impostor_note(writers: int) -> dict:
    """Whether the impostor pool is broad enough for a same-author verdict to mean much."""
    return _tiered_note(
        "impostors",
        writers,
        (FEW_IMPOSTORS, ENOUGH_IMPOSTORS),
        (
            f"Only {writers} other writer(s) in the impostor pool. The test asks whether the text is closer to "
            "the candidate than to these few; a text by anyone else can pass as the candidate's. "
            "Pass --impostors with a broad corpus of similar writers.",
            f"{writers} other writers in the impostor pool; a broader pool of similar writers makes the verdict firmer.",
            f"{writers} other writers in the impostor pool.",
        ),
    )


def trust_notes(
    text: str,
    *,
    training_kind: str | None = None,
    training_words: Sequence[int] = (),
    encoding: str | None = None,
    compared_with: str = "training texts",
) -> list[dict]:
    """All checks for one text, in reading order (encoding only when the bytes were read from a file)."""
    notes = [length_note(text)]
    if encoding is not None:
        notes.append(encoding_note(encoding))
    notes.append(language_note(text))
    notes.append(
        genre_note(text, training_kind=training_kind, training_words=training_words, compared_with=compared_with)
    )
    return notes


def overall_trust(notes: Sequence[dict]) -> str:
    """``low`` when any check warns, ``medium`` when any cautions, else ``high``."""
    levels = {note["level"] for note in notes}
    return "low" if "warning" in levels else "medium" if "caution" in levels else "high"
