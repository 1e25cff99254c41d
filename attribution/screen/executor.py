"""Where the per-account tasks run: in this process, or on Dask workers (``[scale]`` extra).

No ``--cluster``: an embedded ``LocalCluster`` of worker processes, each with a memory limit;
``tcp://host:port``: an existing scheduler (one started by dask-jobqueue on Slurm, say);
``none`` or zero workers: this process alone. The calibration goes to each worker once, in a
worker plugin (also sent to workers that join or restart later), never with each task. At most
``window`` tasks are in flight, so the scheduler holds a bounded slice of the corpus.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

import pandas as pd

from attribution.errors import ConfigError
from attribution.screen.account import screen_account
from attribution.screen.calibration import Calibration

log = logging.getLogger(__name__)

PLUGIN_NAME = "attribution-screen-calibration"
#: Seconds to wait for a scheduler given by address.
CONNECT_TIMEOUT = 20
#: Tasks in flight per worker thread.
TASKS_PER_THREAD = 4
#: Posts per account task on Dask: small accounts travel together, so that the round trip of a
#: task (scheduler, client) is not paid for every account of a few hundred posts.
TASK_POSTS = 1_000


def require_distributed():
    """Import ``distributed`` or say which extra installs it."""
    try:
        import distributed
    except ImportError as exc:
        raise ConfigError(
            "screening on Dask needs the [scale] extra: pip install 'attribution[scale]' "
            "(or run in one process with --workers 0)"
        ) from exc
    return distributed


@contextlib.contextmanager
def open_client(cluster: str | None, workers: int | None, memory_limit: str | None) -> Iterator[Any]:
    """A ``distributed.Client`` (or ``None`` for one process), closed on exit.

    ``cluster``: ``None``/``"local"`` (embedded LocalCluster), ``"none"`` (one process) or a
    scheduler address. ``workers``: worker processes of the LocalCluster (default: CPU count).
    """
    if cluster == "none" or workers == 0:
        yield None
        return
    distributed = require_distributed()
    if cluster in (None, "local"):
        n_workers = workers or os.cpu_count() or 1
        with (
            distributed.LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                memory_limit=memory_limit or "auto",
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            ) as local,
            distributed.Client(local) as client,
        ):
            log.info("Dask dashboard: %s (%d local worker processes)", client.dashboard_link, n_workers)
            yield client
        return
    if not str(cluster).startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        raise ConfigError(
            f"--cluster {cluster!r} is not understood; give local, none or a scheduler address tcp://host:8786"
        )
    if workers:
        log.warning("--workers is ignored when joining a scheduler: its workers are the cluster's")
    try:
        client = distributed.Client(cluster, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {cluster} ({exc}); is it running?") from exc
    with client:
        log.info("Dask dashboard: %s (joined %s)", client.dashboard_link, cluster)
        yield client


def _plugin_class():
    from distributed.diagnostics.plugin import WorkerPlugin

    class CalibrationPlugin(WorkerPlugin):
        """Holds the calibration on a worker: shipped once per worker, not per task."""

        name = PLUGIN_NAME

        def __init__(self, calibration: Calibration):
            self.calibration = calibration

    return CalibrationPlugin


def _screen_on_worker(batch: list[tuple[str, pd.DataFrame]], seed: int) -> list[dict]:
    from distributed import get_worker

    calibration = get_worker().plugins[PLUGIN_NAME].calibration  # type: ignore[attr-defined]  # our CalibrationPlugin
    return [screen_account(account, posts, calibration, seed=seed) for account, posts in batch]


def _batches(items: Iterable[tuple[str, pd.DataFrame]], max_posts: int) -> Iterator[list[tuple[str, pd.DataFrame]]]:
    """Consecutive accounts, as many as fit in ``max_posts`` posts (at least one account per batch)."""
    batch: list[tuple[str, pd.DataFrame]] = []
    size = 0
    for account, posts in items:
        if batch and size + len(posts) > max_posts:
            yield batch
            batch, size = [], 0
        batch.append((account, posts))
        size += len(posts)
    if batch:
        yield batch


def screen_accounts(
    items: Iterable[tuple[str, pd.DataFrame]],
    calibration: Calibration,
    *,
    seed: int,
    client: Any = None,
    window: int | None = None,
) -> Iterator[dict]:
    """Screen rows of ``(account, posts)`` items, in completion order (input order in one process).

    On Dask a task screens consecutive accounts of up to ``TASK_POSTS`` posts together.
    """
    if client is None:
        for account, posts in items:
            yield screen_account(account, posts, calibration, seed=seed)
        return
    for rows in run_tasks(
        client,
        _screen_on_worker,
        ((batch, seed) for batch in _batches(items, TASK_POSTS)),
        window=window,
        setup=lambda: client.register_plugin(_plugin_class()(calibration), name=PLUGIN_NAME),
    ):
        yield from rows


def run_tasks(
    client: Any,
    function: Callable,
    arguments: Iterable[tuple],
    *,
    window: int | None = None,
    setup: Callable[[], Any] | None = None,
) -> Iterator[Any]:
    """``function(*args)`` for each args on the cluster, at most ``window`` in flight; results as they finish.

    A task on a worker that dies is rerun elsewhere by the scheduler; each result is yielded once.
    """
    from distributed import as_completed

    if setup is not None:
        setup()
    if window is None:
        threads = sum(client.nthreads().values()) or 1
        window = TASKS_PER_THREAD * threads
    pending = iter(arguments)
    running = as_completed([client.submit(function, *args, pure=False) for args in islice(pending, window)])
    for future in running:
        result = future.result()
        future.release()
        following = next(pending, None)
        if following is not None:
            running.add(client.submit(function, *following, pure=False))
        yield result


def worker_peak_rss_mb(client: Any) -> dict[str, float]:
    """Peak resident memory (``VmHWM``) of each worker process, in MB."""

    def peak() -> float:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    return {address: round(value, 1) for address, value in client.run(peak).items()}
