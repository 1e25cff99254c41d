"""Objects that would leave a marker file if a model loader ever built or unpickled them.

Importing this module does nothing; only constructing or restoring an object does.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Where the payloads write; the tests set it to a temporary path.
MARKER_ENV = "ATTRIBUTION_TEST_MARKER"


def _touch(note: str) -> None:
    Path(os.environ[MARKER_ENV]).write_text(note)


class Evil:
    """A class whose restoration runs code (what an attacker would put in a model file)."""

    def __init__(self):
        self.payload = "rm -rf ~"

    def __setstate__(self, state):
        _touch("Evil.__setstate__ ran")
        self.__dict__.update(state)


class PickleBomb:
    """Unpickling this calls ``_touch`` (the classic ``__reduce__`` attack)."""

    def __reduce__(self):
        return (_touch, ("unpickled",))
