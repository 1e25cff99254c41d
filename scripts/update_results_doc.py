"""Write the shipped bench results into docs/results.md (the sections marked for each bench).

Run after copying a bench's ``--out`` file to ``attribution/composite/data/bench_NAME.json``:
``python scripts/update_results_doc.py``. ``tests/test_results_doc.py`` fails when the page and
the shipped files disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

from attribution.atomic import write_text
from attribution.bench.tables import DOCS_RESULTS, RENDERERS, replace_section
from attribution.composite.calibration import shipped_results

PAGE = Path(__file__).resolve().parents[1] / "docs" / "results.md"


def results_for(name: str) -> dict | None:
    """The bench's results: the package's shipped file, or its file under docs/results/."""
    if name in DOCS_RESULTS:
        path = PAGE.parent / "results" / DOCS_RESULTS[name]
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    return shipped_results(name)


def main() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for name, render in RENDERERS.items():
        results = results_for(name)
        if results is not None:
            page = replace_section(page, name, render(results))
    write_text(PAGE, page)


if __name__ == "__main__":
    main()
