"""The figures themselves: legible layout, deterministic SVG, safe labels."""

from __future__ import annotations

import re

import numpy as np

from attribution.report import plots


def _axes_width_share(svg: str) -> float:
    """Width of the first axes' background patch over the figure's width."""
    width = float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg).group(1))
    patch = re.search(r'<g id="axes_1">\s*<g id="patch_2">\s*<path d="M ([\d.]+) [\d.]+\s*L ([\d.]+)', svg)
    return (float(patch.group(2)) - float(patch.group(1))) / width


def test_long_operator_legends_do_not_squeeze_the_map():
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(60, 2))
    names = ["Crystal1Johnson", "TheFoundingSon", "Jenn_Abrams", "AnotherLongOperatorName"]
    codes = rng.integers(-1, len(names), size=60)
    svg = plots.document_map(
        xy, codes, names, plots.OPERATOR_COLOURS, markers=plots.OPERATOR_MARKERS, unmatched_label="no operator matches"
    )
    assert _axes_width_share(svg) > 0.75


def test_svg_is_deterministic_inline_and_escaped():
    xy = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    first = plots.document_map(
        xy, [0, 1, 0], ["<b>A&B</b>", "$x$"], plots.GROUP_COLOURS, tooltips=["<i>t1</i>", "t2", "t3"]
    )
    second = plots.document_map(
        xy, [0, 1, 0], ["<b>A&B</b>", "$x$"], plots.GROUP_COLOURS, tooltips=["<i>t1</i>", "t2", "t3"]
    )
    assert first == second
    assert first.startswith("<svg") and "<?xml" not in first and "DOCTYPE" not in first
    assert "<b>" not in first and "<i>" not in first
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in first and "$x$" in first
    assert first.count("<title>") == 3
