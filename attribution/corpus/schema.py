"""The one record type the engine reads, as a ``datasets`` schema.

Every corpus, whatever its source, becomes a ``datasets.Dataset`` with exactly these columns.
``meta`` holds free per-row data as a JSON object string, because Arrow needs one type per
column and free metadata differs between rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import datasets

KINDS = ("article", "tweet")

COLUMNS = ("id", "text", "byline", "author", "kind", "timestamp", "title", "source", "meta")

FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "text": datasets.Value("string"),
        "byline": datasets.Value("string"),
        "author": datasets.Value("string"),
        "kind": datasets.Value("string"),
        "timestamp": datasets.Value("timestamp[us, tz=UTC]"),
        "title": datasets.Value("string"),
        "source": datasets.Value("string"),
        "meta": datasets.Value("string"),
    }
)


@dataclass
class Document:
    """One text as the engine sees it.

    ``byline`` is the name the text was published under; ``author`` is the true writer when
    known (``None`` otherwise). ``timestamp`` is timezone-aware or ``None``.
    """

    id: str
    text: str
    byline: str | None = None
    author: str | None = None
    kind: str = "article"
    timestamp: datetime | None = None
    title: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_row(self) -> dict[str, Any]:
        """The row as stored in a corpus ``Dataset``."""
        return {
            "id": self.id,
            "text": self.text,
            "byline": self.byline,
            "author": self.author,
            "kind": self.kind,
            "timestamp": self.timestamp,
            "title": self.title,
            "source": self.source,
            "meta": json.dumps(self.meta, sort_keys=True, ensure_ascii=False),
        }


def documents_to_dataset(documents: list[Document]) -> datasets.Dataset:
    """Build a corpus ``Dataset`` from documents."""
    rows = [doc.to_row() for doc in documents]
    columns = {name: [row[name] for row in rows] for name in COLUMNS}
    return datasets.Dataset.from_dict(columns, features=FEATURES)


def row_meta(row: dict[str, Any]) -> dict[str, Any]:
    """Decode the ``meta`` column of one corpus row."""
    return json.loads(row.get("meta") or "{}")
