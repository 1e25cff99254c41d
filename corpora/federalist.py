"""The Federalist Papers (Project Gutenberg #1404) with Mosteller-Wallace labels.

The salutation and the "PUBLIUS" signature (and the footnotes after it) are stripped: they are
identical across authors and carry no style. ``gutenberg_author_line`` is never used: that
edition already assigns the disputed papers to Madison.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from attribution.corpus.load import Corpus
from attribution.corpus.report import LoadReport
from attribution.corpus.schema import Document, documents_to_dataset

PAPERS = Path(__file__).parent / "federalist" / "papers.jsonl"
BYLINE = "Publius"

#: author_label -> (true author or None when disputed, short label)
LABELS = {
    "HAMILTON": ("Hamilton", "Hamilton"),
    "MADISON": ("Madison", "Madison"),
    "JAY": ("Jay", "Jay"),
    "HAMILTON AND MADISON": ("Hamilton and Madison", "joint"),
    "HAMILTON OR MADISON": (None, "disputed"),
}

_SALUTATION = re.compile(r"^\s*To the People of the State of New York:?\s*", re.IGNORECASE)
_SIGNATURE = re.compile(r"^\s*PUBLIUS\b", re.MULTILINE)


def clean_paper(text: str) -> str:
    """Strip salutation, signature and trailing footnotes."""
    text = _SALUTATION.sub("", text)
    match = _SIGNATURE.search(text)
    if match:
        text = text[: match.start()]
    return text.strip()


def load_federalist(data_dir: str | Path | None = None) -> Corpus:
    """All 85 papers under the byline "Publius"; disputed papers have no ``author``."""
    report = LoadReport()
    documents = []
    with PAPERS.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            report.rows_read += 1
            author, label = LABELS[record["author_label"]]
            documents.append(
                Document(
                    id=f"federalist-{record['id']:02d}",
                    text=clean_paper(record["text"]),
                    byline=BYLINE,
                    author=author,
                    kind="article",
                    title=record["title"],
                    source="Project Gutenberg #1404",
                    meta={"paper": record["id"], "label": label},
                )
            )
    report.rows_used = len(documents)
    return Corpus(documents_to_dataset(documents), report, "federalist")
