"""One small error hierarchy; the CLI maps each class to an exit code.

Messages give the place (file, row), the bad value and the fix.
"""

from __future__ import annotations

from pathlib import Path


class AttributionError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 1


class CorpusError(AttributionError):
    """A corpus, file or row that cannot be used."""

    def __init__(self, message: str, *, path: str | Path | None = None, row: int | None = None):
        self.path = str(path) if path is not None else None
        self.row = row
        place = ""
        if self.path is not None:
            place = self.path + (f", row {row}" if row is not None else "") + ": "
        super().__init__(place + message)


class ConfigError(AttributionError):
    """A configuration value that is missing, unknown or out of range."""

    exit_code = 2


class ModelError(AttributionError):
    """A model that is missing, tampered with, or cannot be loaded safely."""


class InsufficientEvidenceError(AttributionError):
    """Too little data for the requested test to say anything defensible."""
