"""Within one text: attribute overlapping windows and report where the writer seems to change.

Like stylo's ``rolling.classify``: the text is cut into windows of ``window`` tokens every
``step`` tokens, each window is scored against candidate writers (operators or clusters), and a
change point is reported where the winning writer changes and the new one holds for at least
``min_run`` windows (one stray window is not a change of hand).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

#: Windows are cut at whitespace (punctuation stays with its word), not by a word tokeniser.
_TOKEN = re.compile(r"\S+")


def text_windows(text: str, window: int, step: int) -> list[tuple[int, int, str]]:
    """``(first token, end token, text)`` of each window; one window when the text is short."""
    spans = [m.span() for m in _TOKEN.finditer(text)]
    if not spans:
        return []
    if len(spans) <= window:
        return [(0, len(spans), text)]
    out = []
    for start in range(0, len(spans) - window + 1, step):
        end = start + window
        out.append((start, end, text[spans[start][0] : spans[end - 1][1]]))
    if out[-1][1] < len(spans):
        start = len(spans) - window
        out.append((start, len(spans), text[spans[start][0] : spans[-1][1]]))
    return out


def smooth_labels(labels: Sequence[int], min_run: int) -> np.ndarray:
    """Absorb runs shorter than ``min_run`` into the run before them (the first run stays)."""
    labels = np.asarray(labels).copy()
    i = 0
    while i < len(labels):
        j = i
        while j < len(labels) and labels[j] == labels[i]:
            j += 1
        if i > 0 and j - i < min_run:
            labels[i:j] = labels[i - 1]
        i = j
    return labels


def rolling_classify(
    text: str,
    score_windows: Callable[[list[str]], np.ndarray],
    names: Sequence[str],
    *,
    window: int = 300,
    step: int = 100,
    min_run: int = 2,
) -> dict:
    """Windows with their writer probabilities, and the change points between writers.

    ``score_windows(texts) -> (n_windows, len(names))`` gives probabilities.
    """
    windows = text_windows(text, window, step)
    if not windows:
        return {"window_tokens": window, "step_tokens": step, "windows": [], "change_points": []}
    probabilities = np.asarray(score_windows([w[2] for w in windows]))
    raw = probabilities.argmax(axis=1)
    labels = smooth_labels(raw, min_run)
    rows = [
        {
            "start": int(start),
            "end": int(end),
            "label": str(names[labels[i]]),
            "probabilities": {str(n): round(float(p), 4) for n, p in zip(names, probabilities[i])},
        }
        for i, (start, end, _) in enumerate(windows)
    ]
    changes = [
        {"token": int(windows[i][0]), "from": str(names[labels[i - 1]]), "to": str(names[labels[i]])}
        for i in range(1, len(labels))
        if labels[i] != labels[i - 1]
    ]
    return {"window_tokens": window, "step_tokens": step, "windows": rows, "change_points": changes}
