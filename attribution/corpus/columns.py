"""Which source column feeds which corpus column: explicit options first, then common names."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from attribution.errors import CorpusError

#: Common column names, tried in order when the user names none.
CANDIDATES = {
    "text": ("text", "content", "body", "tweet", "full_text"),
    "author": ("author", "writer", "author_label"),
    "byline": ("byline", "user", "screen_name", "account", "handle"),
    "time": ("timestamp", "created_at", "publish_date", "date", "time", "datetime"),
    "id": ("id", "doc_id", "tweet_id", "tweet_id_approx", "tweetid"),
    "title": ("title", "headline"),
    "kind": ("kind",),
    "source": ("source",),
}


@dataclass(frozen=True)
class ColumnMap:
    """Source column names for each corpus field; ``None`` means guess from ``CANDIDATES``."""

    text: str | None = None
    author: str | None = None
    byline: str | None = None
    time: str | None = None
    id: str | None = None
    title: str | None = None
    kind: str | None = None
    source: str | None = None

    def resolve(self, frame: pd.DataFrame, path: str) -> dict[str, str | None]:
        """Map each field to a column present in ``frame``; an explicit missing name is an error."""
        present = list(frame.columns)
        resolved: dict[str, str | None] = {}
        for spec in fields(self):
            wanted = getattr(self, spec.name)
            if wanted is not None:
                if wanted not in present:
                    shown = ", ".join(c for c in present if not c.startswith("_"))
                    raise CorpusError(
                        f"no column {wanted!r} for --{spec.name}-col; the columns are: {shown}", path=path
                    )
                resolved[spec.name] = wanted
            else:
                resolved[spec.name] = next((c for c in CANDIDATES[spec.name] if c in present), None)
        if resolved["text"] is None:
            shown = ", ".join(c for c in present if not c.startswith("_"))
            raise CorpusError(f"no text column found (columns: {shown}); name it with --text-col", path=path)
        return resolved
