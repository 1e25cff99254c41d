"""Background jobs: run an analysis in a worker thread and record its progress in the case.

Every outcome is written to the case: the result, or the reason it failed. A job never raises
into the server.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from attribution.errors import AttributionError
from attribution.serve.store import CaseStore

log = logging.getLogger(__name__)
T = TypeVar("T")

#: seconds between progress writes to the database
_WRITE_EVERY = 0.2


@dataclass
class JobOutcome:
    """What a finished job hands back to be stored."""

    result: dict
    summary: str
    report_html: str | None = None


class JobProgress:
    """A ``ProgressFactory`` that writes a job's progress into its case.

    The job announces phases with ``phase(name, start, end)``; progress inside a phase (from
    the engines' ``progress(items, desc=, total=)`` calls) fills that phase's share of the bar.
    """

    def __init__(self, store: CaseStore, case_id: str):
        self.store = store
        self.case_id = case_id
        self.start, self.end, self.name = 0.0, 1.0, ""
        self._last = 0.0

    def phase(self, name: str, start: float, end: float) -> None:
        """Begin a phase covering ``start..end`` of the bar."""
        self.start, self.end, self.name = start, end, name
        self.store.set_progress(self.case_id, start, name)
        self._last = time.monotonic()

    def __call__(self, items: Iterable[T], *, desc: str = "", total: int | None = None) -> Iterator[T]:
        if total is None:
            try:
                total = len(items)  # type: ignore[arg-type]
            except TypeError:
                total = None
        stage = f"{self.name}: {desc}" if desc and self.name else desc or self.name
        for index, item in enumerate(items):
            now = time.monotonic()
            if now - self._last >= _WRITE_EVERY:
                fraction = index / total if total else 0.0
                self.store.set_progress(self.case_id, self.start + (self.end - self.start) * fraction, stage)
                self._last = now
            yield item


Job = Callable[[JobProgress], JobOutcome]


class JobRunner:
    """A small pool of worker threads for analyses; every job's outcome lands in its case."""

    def __init__(self, store: CaseStore, *, workers: int = 1):
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="attribution-job")
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()

    def submit(self, case_id: str, job: Job) -> Future:
        """Queue ``job`` for the case ``case_id``."""
        future = self._pool.submit(self._run, case_id, job)
        with self._lock:
            self._futures[case_id] = future
        future.add_done_callback(lambda _: self._forget(case_id))
        return future

    def _forget(self, case_id: str) -> None:
        with self._lock:
            self._futures.pop(case_id, None)

    def _run(self, case_id: str, job: Job) -> None:
        progress = JobProgress(self.store, case_id)
        try:
            progress.phase("starting", 0.0, 0.0)
            outcome = job(progress)
            self.store.finish(case_id, result=outcome.result, summary=outcome.summary, report_html=outcome.report_html)
        except AttributionError as exc:
            log.warning("case %s failed: %s", case_id, exc)
            self._fail(case_id, str(exc))
        except Exception as exc:  # a job must never take the server down; the case says why
            log.exception("case %s failed with an internal error", case_id)
            self._fail(case_id, f"internal error ({type(exc).__name__}): {exc}")

    def _fail(self, case_id: str, message: str) -> None:
        try:
            self.store.fail(case_id, message)
        except Exception:  # the database itself failed; nothing more can be saved
            log.exception("could not record the failure of case %s", case_id)

    def active(self) -> int:
        """Jobs queued or running in this process."""
        with self._lock:
            return len(self._futures)

    def wait(self, case_id: str, timeout: float | None = None) -> None:
        """Block until the job of ``case_id`` ends (tests, the bench); no-op when none runs."""
        with self._lock:
            future = self._futures.get(case_id)
        if future is not None:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        """Stop taking jobs; queued ones are cancelled and their cases marked interrupted."""
        with self._lock:
            pending = dict(self._futures)
        self._pool.shutdown(wait=False, cancel_futures=True)
        cancelled = [case_id for case_id, future in pending.items() if future.cancelled()]
        for case_id in cancelled:
            self._fail(case_id, "interrupted: the server stopped before this job started; run it again")
