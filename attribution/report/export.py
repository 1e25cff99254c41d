"""Results written to a file in the format its extension names: the whole result as JSON, or
one row per item as CSV (for spreadsheets). Written atomically; an unknown extension is refused."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attribution.atomic import atomic_open, output_format
from attribution.report.jsonio import to_jsonable, write_json

#: File extension -> format written.
FORMATS = {".json": "json", ".csv": "csv"}


def result_format(path: str | Path) -> str:
    """``json`` or ``csv`` from ``path``'s extension; anything else is a usage error, raised before work."""
    return output_format(path, FORMATS)


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One CSV row from a nested record: ``{"a": {"b": 1}}`` -> ``{"a.b": 1}``; lists as JSON text."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, prefix=f"{name}."))
        elif isinstance(value, list):
            row[name] = json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True)
        else:
            row[name] = to_jsonable(value)
    return row


def write_result(path: str | Path, result: dict[str, Any], rows: Sequence[dict[str, Any]]) -> None:
    """Write ``result`` (JSON) or ``rows`` (CSV, one flattened row each) to ``path`` atomically."""
    if result_format(path) == "json":
        write_json(path, result)
        return
    flat = [flatten(r) for r in rows]
    columns = list(dict.fromkeys(name for r in flat for name in r))
    with atomic_open(path, "w", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
