"""Shared fixtures: the real corpora folder and offline settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared corpora (``$ATTRIBUTION_DATA`` or ``../shared/corpora``); required, never skipped."""
    path = Path(os.environ.get("ATTRIBUTION_DATA") or DEFAULT_DATA)
    assert (path / "c50").is_dir(), f"shared corpora not found at {path}: set ATTRIBUTION_DATA"
    return path
