"""Decoding bytes and normalising text the same way for every source.

``normalise_text`` (one string) and ``normalise_texts`` (a column, vectorised with Arrow) are
one definition: the scalar form calls the column form, so a corpus loaded in batches and a
text pasted into the web page are normalised identically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from charset_normalizer import from_bytes

#: Among equally plausible guesses, the Western encodings English text most often comes in.
_PREFERRED = ("cp1252", "iso8859_15", "latin_1")

#: Bytes that almost never occur in text files: a file with these is treated as binary.
_BINARY_MARKERS = (b"\x00",)

#: Python's own whitespace (``str.isspace``), spelled out so Arrow trims exactly what
#: ``str.strip`` would.
WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class UndecodableError(ValueError):
    """Bytes that are binary or in no encoding we can detect with confidence."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` as UTF-8, else the detected encoding; return ``(text, encoding)``.

    Raises ``UndecodableError`` for binary data or when no encoding is detected.
    """
    if any(marker in data for marker in _BINARY_MARKERS):
        raise UndecodableError("binary data (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data))
    if not matches:
        raise UndecodableError("not UTF-8 and no other encoding could be detected")
    # Short texts fit many code pages equally well; break ties towards Western encodings.
    least_chaos = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos == least_chaos]
    best = next((m for enc in _PREFERRED for m in tied if m.encoding == enc), tied[0])
    return str(best), best.encoding


def repair_surrogates(text: str) -> str:
    """Replace lone UTF-16 surrogates (JSON can carry ``"\\ud800"``) with U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def normalise_texts(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Vectorised ``normalise_text`` over an Arrow string column (nulls stay null)."""
    # NUL and CR go first: removing them after NFC could leave a sequence NFC would compose.
    texts = pc.replace_substring(texts, "\x00", "")
    texts = pc.replace_substring(texts, "\r\n", "\n")
    texts = pc.replace_substring(texts, "\r", "\n")
    texts = pc.utf8_normalize(texts, form="NFC")
    return pc.utf8_trim(texts, characters=WHITESPACE)


def normalise_text(text: str) -> str:
    """NFC-normalise, unify line ends, drop NUL and trim; the form every extractor sees."""
    return normalise_texts(pa.array([repair_surrogates(text)], type=pa.string()))[0].as_py()


def to_string_array(values) -> tuple[pa.Array, list[int]]:
    """An Arrow string array from a pandas column; non-strings are written with ``str``.

    Returns the array and the positions whose text needed repair (lone surrogates).
    """
    try:
        return pa.array(values, type=pa.string(), from_pandas=True), []
    except (pa.ArrowException, UnicodeEncodeError, TypeError):
        pass
    repaired: list[int] = []
    out: list[str | None] = []
    for position, value in enumerate(values):
        if value is None or (isinstance(value, float) and value != value):
            out.append(None)
            continue
        text = value if isinstance(value, str) else str(value)
        fixed = repair_surrogates(text)
        if fixed != text:
            repaired.append(position)
        out.append(fixed)
    return pa.array(out, type=pa.string()), repaired


# --- Language -------------------------------------------------------------------------------
# The default models are English. A cheap vectorised screen (function-word hits per language,
# letters per script) picks candidates; lingua, with only a few languages loaded, confirms them.

#: Words frequent in English prose and rare in the other languages screened.
ENGLISH_WORDS = (
    "the and to of is in that it for you was with on are be this have not but at they his from "
    "by we will or an what all were my your can there their has been would who if when more"
).split()

#: Function words distinctive for each screened language (words that are also common English
#: words are left out).
OTHER_WORDS = {
    "Spanish": "el los las del que por con para una pero como más está este esta muy también sus".split(),
    "French": "le les des et est une du qui dans pour pas sur au avec je vous nous ce cette sont".split(),
    "German": "der das und ist nicht ein eine ich zu mit sich den dem auf für auch wir sie dass wird werden "
    "haben durch nach über".split(),
    "Italian": "il di che della per non una sono gli questo come anche più mi ti ci".split(),
    "Portuguese": "os do da em um uma para com não mais ao dos das pelo pela você".split(),
    "Dutch": "het een van en niet zijn ook maar bij voor wat nog dat".split(),
}

#: Scripts that English text is not written in.
OTHER_SCRIPTS = ("Cyrillic", "Arabic", "Greek", "Hebrew", "Han", "Hiragana", "Katakana", "Hangul", "Thai", "Devanagari")

#: Texts with fewer letters than this are too short to judge and are never flagged.
MIN_LETTERS = 20

_URL = r"https?://\S+|www\.\S+"

#: Punctuation and symbols trimmed from the ends of each word (ASCII and the common Unicode
#: quotes, dashes and ellipses); trimming words is far cheaper than a Unicode regex per match.
PUNCTUATION = (
    "".join(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum())
    + "\u00a1\u00bf\u00ab\u00bb\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022\u00b7"
)


@dataclass
class TextAnalysis:
    """Per-text words (lower case, links removed, punctuation trimmed) and near-exact forms."""

    words: pa.ListArray
    fingerprints: pa.Array


def analyse_texts(texts: pa.Array) -> TextAnalysis:
    """Split texts into words once, for the language screen and the duplicate check."""
    lowered = pc.replace_substring_regex(pc.utf8_lower(pc.fill_null(texts, "")), _URL, " ")
    split = pc.utf8_split_whitespace(lowered)
    flat = pc.utf8_trim(split.flatten(), characters=PUNCTUATION)
    words = pa.ListArray.from_arrays(split.offsets, flat)
    return TextAnalysis(words=words, fingerprints=pc.binary_join(words, ""))


def fingerprints(texts: pa.Array) -> pa.Array:
    """The near-exact form of each text: lower case, links removed, words joined without the
    spacing and punctuation around them, so texts differing only in those are equal."""
    return analyse_texts(texts).fingerprints


def screen_languages(texts: pa.Array, analysis: TextAnalysis | None = None) -> list[tuple[int, str]]:
    """Positions of texts that look non-English, with the language or script they look like.

    Vectorised: words are looked up in small function-word sets per language; letters of other
    scripts are counted once. lingua (few languages loaded) confirms the word-based candidates.
    Texts with fewer than ``MIN_LETTERS`` letters (of words, links excluded) are never flagged.
    """
    n = len(texts)
    if n == 0:
        return []
    analysis = analysis or analyse_texts(texts)
    words = analysis.words
    flat = words.flatten()
    parents = pc.list_parent_indices(words).to_numpy()

    def per_text(weights) -> np.ndarray:
        return np.bincount(parents, weights=np.asarray(weights, dtype=np.float64), minlength=n)

    letters = pc.utf8_length(analysis.fingerprints).to_numpy(zero_copy_only=False)
    judged = letters >= MIN_LETTERS
    if not judged.any():
        return []
    found: dict[int, str] = {}
    scripts = "".join(f"\\p{{{s}}}" for s in OTHER_SCRIPTS)
    foreign = pc.fill_null(pc.count_substring_regex(analysis.fingerprints, f"[{scripts}]"), 0)
    foreign = foreign.to_numpy(zero_copy_only=False)
    for position in np.flatnonzero(judged & (foreign * 2 > letters)):
        text = analysis.fingerprints[int(position)].as_py()
        counts = {s: len(re.findall(_script_class(s), text)) for s in OTHER_SCRIPTS}
        found[int(position)] = max(counts, key=counts.get) + " script"
    english = per_text(pc.is_in(flat, value_set=pa.array(ENGLISH_WORDS)).to_numpy(zero_copy_only=False))
    best = np.zeros(n)
    guess = np.full(n, -1)
    languages = list(OTHER_WORDS)
    for index, language in enumerate(languages):
        hits = per_text(pc.is_in(flat, value_set=pa.array(OTHER_WORDS[language])).to_numpy(zero_copy_only=False))
        better = hits > best
        guess[better] = index
        best = np.maximum(best, hits)
    # Two distinctive words, more than the English ones, and an eighth of all words.
    count = np.diff(words.offsets.to_numpy())
    screen = judged & (best >= 2) & (best > english) & (best * 8 >= count)
    candidates = [int(p) for p in np.flatnonzero(screen) if int(p) not in found]
    if candidates:
        confirmed = _confirm_with_lingua(
            [texts[p].as_py() for p in candidates], [languages[guess[p]] for p in candidates]
        )
        for position, language in zip(candidates, confirmed):
            if language is not None:
                found[position] = language
    return sorted(found.items())


#: Unicode blocks of the screened scripts, for naming the script of a flagged text.
_SCRIPT_RANGES = {
    "Cyrillic": "\u0400-\u052f",
    "Arabic": "\u0600-\u06ff\u0750-\u077f",
    "Greek": "\u0370-\u03ff",
    "Hebrew": "\u0590-\u05ff",
    "Han": "\u4e00-\u9fff",
    "Hiragana": "\u3040-\u309f",
    "Katakana": "\u30a0-\u30ff",
    "Hangul": "\uac00-\ud7af",
    "Thai": "\u0e00-\u0e7f",
    "Devanagari": "\u0900-\u097f",
}


def _script_class(script: str) -> str:
    return f"[{_SCRIPT_RANGES[script]}]"


@lru_cache(maxsize=1)
def _detector():
    """lingua with the screened languages only; one, bounded and clearable (``cache_clear``)."""
    from lingua import Language, LanguageDetectorBuilder

    names = ["ENGLISH", *(name.upper() for name in OTHER_WORDS)]
    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in names)).build()


def _confirm_with_lingua(texts: list[str], guesses: list[str]) -> list[str | None]:
    """lingua's verdict for each candidate: its language name, or ``None`` when it says English."""
    try:
        detector = _detector()
    except ImportError:  # lingua is optional: trust the word screen
        return guesses
    out: list[str | None] = []
    for language in detector.detect_languages_in_parallel_of(texts):
        name = None if language is None else language.name.title()
        out.append(None if name in (None, "English") else name)
    return out
