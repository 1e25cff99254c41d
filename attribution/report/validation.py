"""Read saved results and check them against the JSON schemas shipped in the package."""

from __future__ import annotations

import functools
import json
import logging
from importlib import resources
from pathlib import Path

from attribution.errors import AttributionError

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def load_schema(kind: str = "composite") -> dict | None:
    """The JSON schema ``attribution/report/schemas/<kind>.schema.json``, or None when not shipped."""
    path = resources.files("attribution.report").joinpath("schemas", f"{kind}.schema.json")
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def schema_errors(result: dict, kind: str = "composite") -> list[str]:
    """Every way ``result`` breaks the ``kind`` schema, as "where: what" lines; [] when it fits."""
    schema = load_schema(kind)
    if schema is None:
        logger.warning("no %s schema is shipped; the result is not validated", kind)
        return []
    import jsonschema

    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)(schema)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top level)'}: {error.message}"
        for error in sorted(validator.iter_errors(result), key=lambda e: list(map(str, e.absolute_path)))
    ]


def load_result(path: str | Path, *, kind: str = "composite", validate: bool = True) -> dict:
    """Read a saved result JSON; with ``validate``, refuse one that breaks the schema."""
    path = Path(path)
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AttributionError(f"{path}: cannot read the result file ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise AttributionError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    if not isinstance(result, dict):
        raise AttributionError(f"{path}: a result must be a JSON object, got {type(result).__name__}")
    if validate:
        errors = schema_errors(result, kind)
        if errors:
            shown = "; ".join(errors[:5]) + (f" (+{len(errors) - 5} more)" if len(errors) > 5 else "")
            raise AttributionError(f"{path}: does not follow the {kind} result schema: {shown}")
    return result
