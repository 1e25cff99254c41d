"""Decoding bytes and normalising text the same way for every source."""

from __future__ import annotations

import unicodedata

from charset_normalizer import from_bytes

#: Among equally plausible guesses, the Western encodings English text most often comes in.
_PREFERRED = ("cp1252", "iso8859_15", "latin_1")

#: Bytes that almost never occur in text files: a file with these is treated as binary.
_BINARY_MARKERS = (b"\x00",)


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


def normalise_text(text: str) -> str:
    """NFC-normalise, unify line ends and trim; the form every extractor sees."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text.strip()
