"""Write the shipped bench results into docs/results.md (the sections marked for each bench).

Run after copying a bench's ``--out`` file to ``attribution/composite/data/bench_NAME.json``:
``python scripts/update_results_doc.py``. ``tests/test_results_doc.py`` fails when the page and
the shipped files disagree.
"""

from __future__ import annotations

from pathlib import Path

from attribution.atomic import write_text
from attribution.bench.tables import RENDERERS, replace_section
from attribution.composite.calibration import shipped_results

PAGE = Path(__file__).resolve().parents[1] / "docs" / "results.md"


def main() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for name, render in RENDERERS.items():
        results = shipped_results(name)
        if results is not None:
            page = replace_section(page, name, render(results))
    write_text(PAGE, page)


if __name__ == "__main__":
    main()
