"""Which source column feeds which corpus column: explicit options first, then common names."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields

import pandas as pd

from attribution.corpus.report import LoadReport
from attribution.errors import CorpusError

#: Common column names, tried in order when the user names none.
CANDIDATES = {
    "text": ("text", "content", "body", "tweet", "full_text"),
    "author": ("author", "writer", "author_label"),
    "byline": ("byline", "user", "screen_name", "account", "handle"),
    "time": ("timestamp", "created_at", "posted_at", "published_at", "publish_date", "date", "time", "datetime"),
    "id": ("id", "doc_id", "tweet_id", "tweet_id_approx", "tweetid"),
    "title": ("title", "headline"),
    "kind": ("kind",),
    "source": ("source",),
}


def _shown(present: list[str]) -> str:
    return ", ".join(str(c) for c in present if not str(c).startswith("_")) or "(none)"


def _suggest(wanted: str, present: list[str]) -> str:
    names = {str(c).lower(): str(c) for c in present if not str(c).startswith("_")}
    close = difflib.get_close_matches(wanted.lower(), list(names), n=1, cutoff=0.6)
    close = close or [n for n in names if n in wanted.lower() or wanted.lower() in n]
    return f"; did you mean {names[close[0]]!r}?" if close else ""


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

    def resolve(self, frame: pd.DataFrame, path: str, report: LoadReport | None = None) -> dict[str, str | None]:
        """Map each field to a column present in ``frame``; an explicit missing name is an error.

        A guessed name matches case-insensitively (``Text``, ``CONTENT``) with a warning; columns
        that feed no field are kept in ``meta`` and named in ``report``.
        """
        present = list(frame.columns)
        lowered = {str(c).lower(): c for c in reversed(present)}
        resolved: dict[str, str | None] = {}
        for spec in fields(self):
            wanted = getattr(self, spec.name)
            if wanted is not None:
                if wanted not in present:
                    raise CorpusError(
                        f"no column {wanted!r} for --{spec.name}-col; the columns are: {_shown(present)}"
                        + _suggest(wanted, present),
                        path=path,
                    )
                resolved[spec.name] = wanted
                continue
            exact = next((c for c in CANDIDATES[spec.name] if c in present), None)
            loose = next((lowered[c] for c in CANDIDATES[spec.name] if c in lowered), None)
            resolved[spec.name] = exact or loose
            if exact is None and loose is not None and report is not None:
                report.add(path, None, f"columns: using column {loose!r} for {spec.name}", "warning")
        if resolved["text"] is None:
            raise CorpusError(f"no text column found (columns: {_shown(present)}); name it with --text-col", path=path)
        # The same column may feed two fields (tweets: author = byline); "used" means any.
        used = set(v for v in resolved.values() if v)
        unknown = [str(c) for c in present if c not in used and not str(c).startswith("_")]
        if unknown and report is not None:
            report.add(
                path,
                None,
                f"columns: {', '.join(unknown)} match no corpus field; kept in meta",
                "warning",
            )
        return resolved
