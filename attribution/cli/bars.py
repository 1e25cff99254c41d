"""Progress on stderr for the command line: one live rich display, shared by nested bars.

rich allows one live display at a time; library stages nest (a composite test fits features
inside its own loop), so every bar is a task on one ``Progress`` that starts with the first bar
and stops with the last. Steps without a count (loading a model, parsing one long text) show a
spinner and the time spent.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator, Sized
from typing import Any, TypeVar

T = TypeVar("T")


def stderr_is_terminal() -> bool:
    """Bars only for a person watching: not in pipes, logs or CI."""
    return sys.stderr.isatty()


class Bars:
    """Nested progress bars and spinners on one live display."""

    def __init__(self) -> None:
        self._progress: Any = None  # a rich Progress while any bar is open
        self._open = 0

    def _start(self):
        if self._progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            console = Console(file=sys.stderr, force_terminal=True)
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._progress.start()
        self._open += 1
        return self._progress

    def _finish(self, task) -> None:
        self._progress.remove_task(task)
        self._open -= 1
        if self._open == 0:
            self._progress.stop()
            self._progress = None

    def track(self, items: Iterable[T], *, desc: str = "", total: int | None = None) -> Iterator[T]:
        """Yield ``items`` while a bar counts them."""
        if total is None and isinstance(items, Sized):
            total = len(items)
        progress = self._start()
        task = progress.add_task(desc or "working", total=total)
        try:
            for item in items:
                yield item
                progress.advance(task)
        finally:
            self._finish(task)

    @contextlib.contextmanager
    def step(self, desc: str) -> Iterator[None]:
        """A spinner with the time spent while the block runs."""
        progress = self._start()
        task = progress.add_task(desc, total=None)
        try:
            yield
        finally:
            self._finish(task)
