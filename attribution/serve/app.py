"""The FastAPI application: server-rendered pages and the JSON API over ``service``.

``create_app(config)`` builds the shared state (cases store, job runner, model, operators) up front,
so a bad ``--model`` or ``--db`` fails before the server listens; the routes live in ``routes/``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from attribution import __version__
from attribution.errors import AttributionError
from attribution.serve.config import ServeConfig
from attribution.serve.routes import api, cases, pages
from attribution.serve.routes._shared import status_of
from attribution.serve.security import AccessGuard, BodySizeLimit, SecurityHeaders
from attribution.serve.state import AppState, build_state

log = logging.getLogger(__name__)


def create_app(config: ServeConfig) -> FastAPI:
    """Build the application for ``config``; loads the model and operators now."""
    app = FastAPI(
        title="attribution",
        version=__version__,
        summary="Score an article, vet a byline, keep the cases: all on this computer.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.state.attribution = build_state(config)
    app.include_router(pages.router)
    app.include_router(cases.router)
    app.include_router(api.router)
    app.add_exception_handler(AttributionError, _attribution_error)
    app.add_exception_handler(Exception, _internal_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # Outermost first on the way in: size limit, then access, then headers.
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessGuard, token=config.token, allowed_hosts=config.allowed_hosts())
    app.add_middleware(BodySizeLimit, max_bytes=config.limits.max_request_bytes)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    state: AppState = app.state.attribution
    state.runner.shutdown()


def _error(
    request: Request, status: int, detail: Any, heading: str, headers: Mapping[str, str] | None = None
) -> Response:
    """An error as JSON under ``/api/``, as a page elsewhere: a client parses it, an editor reads it."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    state: AppState = request.app.state.attribution
    return state.page("message.html", status, page=None, status=status, heading=heading, message=str(detail))


async def _attribution_error(request: Request, exc: Exception) -> Response:
    return _error(request, status_of(exc), str(exc), "Cannot do that")


async def _internal_error(request: Request, exc: Exception) -> Response:
    # The traceback goes to the log; the editor sees what failed (a saved case records it too).
    log.error("internal error on %s", request.url.path, exc_info=exc)
    return _error(request, 500, f"internal error ({type(exc).__name__}): {exc}", "Something went wrong")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)  # registered for it alone
    heading = "Not found" if exc.status_code == 404 else "Cannot do that"
    return _error(request, exc.status_code, exc.detail, heading, exc.headers)
