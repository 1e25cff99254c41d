"""The composite-result fixture (tests/data/composite_result.json) and variants of it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parents[1] / "data" / "composite_result.json"
XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def _fixture_result() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def page(_fixture_result) -> str:
    """The fixture's report, rendered once for the tests that only read it."""
    from attribution.report.html import render_composite_report

    return render_composite_report(_fixture_result)


@pytest.fixture
def result(_fixture_result) -> dict:
    """A fresh deep copy per test, so tests may edit it."""
    return copy.deepcopy(_fixture_result)


@pytest.fixture
def poisoned(result) -> dict:
    """The fixture with ``<script>alert(1)</script>`` in every field that carries corpus text."""
    return poison(result)


def poison(result: dict, payload: str = XSS) -> dict:
    """Put ``payload`` into every field that carries corpus- or user-derived text."""
    result["byline"] = f"@evil{payload}"
    doc = result["documents"][0]
    doc["id"] = f"doc{payload}"
    doc["title"] = f"Title {payload}"
    operator = result["operators"]["names"][0]
    for d in result["documents"]:
        d["operator_probabilities"][f"op{payload}"] = d["operator_probabilities"].pop(operator)
        if d["operator"] == operator:
            d["operator"] = f"op{payload}"
    result["operators"]["names"][0] = f"op{payload}"
    for cluster in result["clusters"]:
        if cluster["operator"] == operator:
            cluster["operator"] = f"op{payload}"
    cluster = result["clusters"][0]
    cluster["examples"][0]["text"] = f"A sentence with {payload} inside & more"
    cluster["distinguishing_features"][0]["feature"] = f"word__{payload}"
    result["load"]["problems"][0]["problem"] = f"empty text {payload}"
    result["load"]["problems"][0]["path"] = f"file{payload}.csv"
    result["methods"]["caveats"].append(f"caveat {payload}")
    result["verdict"]["text"] = f"Verdict {payload}"
    return result
