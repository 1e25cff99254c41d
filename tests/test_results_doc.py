"""docs/results.md shows the shipped bench results as the files hold them (rendered, not typed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attribution.bench.tables import DOCS_RESULTS, END, RENDERERS, START, replace_section
from attribution.composite.calibration import shipped_results

PAGE = Path(__file__).resolve().parents[1] / "docs" / "results.md"


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_the_results_page_matches_the_shipped_file(name):
    if name in DOCS_RESULTS:
        results = json.loads((PAGE.parent / "results" / DOCS_RESULTS[name]).read_text(encoding="utf-8"))
    else:
        results = shipped_results(name)
    assert results is not None, f"bench_{name}.json does not ship with the package"
    page = PAGE.read_text(encoding="utf-8")
    expected = replace_section(page, name, RENDERERS[name](results))
    assert page == expected, f"docs/results.md is stale for bench {name}: run python scripts/update_results_doc.py"


def test_a_section_without_marks_is_refused():
    with pytest.raises(ValueError, match="no section marked"):
        replace_section("no marks here", "interleaved", "body")
    page = f"a\n{START.format(name='x')}\nold\n{END.format(name='x')}\nb"
    assert replace_section(page, "x", "new") == f"a\n{START.format(name='x')}\nnew\n{END.format(name='x')}\nb"
