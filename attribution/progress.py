"""Progress reporting without printing: the library takes a factory, the CLI draws bars."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class ProgressFactory(Protocol):
    """Wraps an iterable to report progress: ``progress(items, desc="...", total=n)``."""

    def __call__(self, items: Iterable[T], *, desc: str = "", total: int | None = None) -> Iterator[T]: ...


def no_progress(items: Iterable[T], *, desc: str = "", total: int | None = None) -> Iterator[T]:
    """The library default: report nothing."""
    return iter(items)
