"""Build the composite test's shipped article reference from the public Reuters C50 corpus.

Fits the document representation on the 30 C50 reference authors (both splits; the other 20 are
held out for the benchmarks, ``attribution.composite.reference.c50_split``) and writes its arrays,
not the texts, to ``attribution/composite/data/article_reference.npz`` with date, commit and a
hash of the texts it was fitted on. ``tests/composite/test_article_reference.py`` checks that the
shipped file equals a reference rebuilt from the corpus.

    python scripts/build_article_reference.py --data ../shared/corpora
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import logging
from pathlib import Path

from attribution.bench.registry import provenance
from attribution.composite.reference import ARTICLE_REFERENCE_FILE, build_article_reference
from attribution.composite.reference_file import save_reference

OUT = Path(__file__).resolve().parents[1] / "attribution" / "composite" / "data" / ARTICLE_REFERENCE_FILE


def texts_hash(texts: list[str]) -> str:
    """sha256 of the reference texts in order (what the arrays were fitted on)."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    reference = build_article_reference(args.data)
    meta = {
        "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": provenance()["commit"] or "unknown",
        "source": "Reuters C50 (both splits), the 30 reference authors of attribution.composite.reference.c50_split",
        "documents": len(reference.authors),
        "authors": len(reference.by_author),
        "texts_sha256": texts_hash(reference.texts),
    }
    save_reference(reference, OUT, meta)
    logging.info("wrote %s (%.1f MB)", OUT, OUT.stat().st_size / 1e6)


if __name__ == "__main__":
    main()
