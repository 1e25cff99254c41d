"""Which author labels name one writer: joint, disputed and placeholder labels do not.

A classifier trained on "Hamilton and Madison" or "unknown" learns a class that is no writer,
and then hands texts to it; ``train`` leaves such rows out and says so.
"""

from __future__ import annotations

import re

#: Two or more writers in one label: "Hamilton and Madison", "Hamilton or Madison", "A & B", "A / B".
_SEVERAL = re.compile(r"\s(?:and|or)\s|&|\s/\s|;", re.IGNORECASE)

#: Labels that say the writer is not known.
PLACEHOLDERS = frozenset(
    {"unknown", "anonymous", "anon", "disputed", "various", "n/a", "na", "none", "null", "?", "-", "staff"}
)


def label_problem(label: str) -> str | None:
    """Why ``label`` is not one writer (``"joint"``, ``"placeholder"``), or ``None`` when it is."""
    text = label.strip()
    if text.lower() in PLACEHOLDERS:
        return "placeholder"
    if _SEVERAL.search(text):
        return "joint"
    return None
