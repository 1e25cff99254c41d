"""Deterministic JSON: the same inputs and seed give byte-identical output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from attribution.atomic import write_text


def to_jsonable(value: Any) -> Any:
    """Convert numpy, dataclasses, paths and datetimes; non-finite floats become ``None``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        items = sorted(value) if isinstance(value, set) else value
        return [to_jsonable(v) for v in items]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def dumps(value: Any) -> str:
    """Canonical JSON text (sorted keys, no NaN)."""
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False)


def write_json(path: str | Path, value: Any) -> None:
    """Write canonical JSON atomically."""
    write_text(path, dumps(value) + "\n")


def print_json(value: Any, also_to: str | Path | None = None) -> None:
    """Print canonical JSON to stdout (a script's result), and write it atomically to ``also_to``."""
    if also_to:
        write_json(also_to, value)
    print(dumps(value))
