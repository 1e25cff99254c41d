"""Run the application under uvicorn in a background thread on loopback (benchmarks, browser tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from attribution.errors import ConfigError
from attribution.serve.config import is_loopback


@contextmanager
def serve_in_thread(app, *, host: str = "127.0.0.1", port: int = 0, timeout: float = 30.0) -> Iterator[str]:
    """Serve ``app`` on ``host`` (loopback only) and yield its base URL; stop it on exit.

    ``port=0`` takes any free port.
    """
    import uvicorn

    if not is_loopback(host):
        raise ConfigError(f"serve_in_thread only binds loopback addresses; got host {host!r}")
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="attribution-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise ConfigError(f"the server did not start on {host}:{port} within {timeout:.0f} s")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
