"""Build the composite test's shipped document references from the public corpora.

Articles: the document representation fitted on the 30 C50 reference authors (both splits; the
other 20 are held out for the benchmarks, ``attribution.composite.reference.c50_split``). Excerpts:
the same authors' articles cut to one seeded span of 100-400 words each (the pool for bylines of
short documents). Posts
read in runs of 20 (time-stamped posts with ``--operators``): the reference two thirds of the
IRA persona accounts in units of 20 consecutive posts (``ira_split``). Each is written as arrays,
not texts, to ``attribution/composite/data/`` with date, commit and a hash of the texts it was
fitted on. ``tests/composite/test_article_reference.py`` checks that the shipped files equal
references rebuilt from the corpora.

    python scripts/build_document_references.py --data ../shared/corpora [--kind article|excerpt|tweet]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import logging
from pathlib import Path

from attribution.bench.registry import provenance
from attribution.composite.reference import REFERENCE_FILES, build_document_reference
from attribution.composite.reference_file import save_reference

OUT = Path(__file__).resolve().parents[1] / "attribution" / "composite" / "data"
SOURCES = {
    "article": "Reuters C50 (both splits), the 30 reference authors of attribution.composite.reference.c50_split",
    "excerpt": "Reuters C50 (both splits), the 30 reference authors, one seeded excerpt of 100-400 words per "
    "article (attribution.composite.excerpts, seed attribution.composite.reference.EXCERPT_SEED)",
    "tweet": "IRA persona accounts (FiveThirtyEight release) in units of 20 consecutive posts, the reference "
    "accounts of attribution.composite.reference.ira_split",
}


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
    parser.add_argument("--kind", choices=sorted(REFERENCE_FILES), action="append")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for kind in args.kind or sorted(REFERENCE_FILES):
        reference = build_document_reference(kind, args.data)
        meta = {
            "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "commit": provenance()["commit"] or "unknown",
            "source": SOURCES[kind],
            "documents": len(reference.authors),
            "authors": len(reference.by_author),
            "texts_sha256": texts_hash(reference.texts),
        }
        path = OUT / REFERENCE_FILES[kind]
        save_reference(reference, path, meta)
        logging.info("wrote %s (%.1f MB)", path, path.stat().st_size / 1e6)


if __name__ == "__main__":
    main()
