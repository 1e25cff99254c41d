"""The form pages (score an article, vet a byline), the API's reference page and the tab icon."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from attribution.errors import AttributionError
from attribution.serve import actions
from attribution.serve.routes._shared import clean_byline, read_upload, status_of
from attribution.serve.state import AppState, State
from attribution.serve.uploads import UploadError
from attribution.serve.uploads import article_text as parse_article

router = APIRouter(include_in_schema=False)

#: The tab icon: a pen nib on the page accent colour, as SVG (no binary asset to ship).
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f5fbf"/>'
    '<path d="M16 5l7 11-7 11-7-11z" fill="#fff"/><circle cx="16" cy="16" r="2.2" fill="#1f5fbf"/></svg>'
)


def _score_page(state: AppState, status: int = 200, **context: Any) -> HTMLResponse:
    return state.page(
        "score.html",
        status,
        page="score",
        scoring_ready=state.scoring is not None,
        scoring_problem=state.scoring_problem,
        model_classes=state.scoring.classes if state.scoring else None,
        **context,
    )


def _vet_page(state: AppState, status: int = 200, **context: Any) -> HTMLResponse:
    return state.page("vet.html", status, page="vet", default_operators=state.config.operators, **context)


@router.get("/", response_class=HTMLResponse)
async def home(state: State) -> HTMLResponse:
    return _score_page(state)


@router.post("/score", response_class=HTMLResponse)
async def score_form(
    state: State,
    text: Annotated[str, Form()] = "",
    byline: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    # A refused article comes back on the form with the editor's input kept, not on an error page.
    try:
        upload = await read_upload(file, state.config.limits.max_upload_bytes)
        claimed = clean_byline(byline)
        article = parse_article(text, upload, state.config.limits)
        case_id, result = await run_in_threadpool(actions.score, state, article, claimed, upload)
    except AttributionError as exc:
        return _score_page(state, status_of(exc), error=str(exc), text=text, byline=byline)
    return _score_page(state, text=article, byline=claimed, result=result, case_id=case_id)


@router.get("/vet", response_class=HTMLResponse)
async def vet_form(state: State) -> HTMLResponse:
    return _vet_page(state)


@router.post("/vet")
async def vet_submit(
    state: State,
    file: Annotated[UploadFile | None, File()] = None,
    operators: Annotated[UploadFile | None, File()] = None,
    byline: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "article",
) -> Response:
    try:
        upload = await read_upload(file, state.config.limits.max_upload_bytes)
        if upload is None:
            raise UploadError("choose the byline's documents to upload (JSONL, CSV or ZIP of .txt)")
        operators_upload = await read_upload(operators, state.config.limits.max_upload_bytes)
        claimed = clean_byline(byline)
        case_id = await run_in_threadpool(actions.start_vet, state, upload, operators_upload, claimed, kind)
    except AttributionError as exc:
        return _vet_page(state, status_of(exc), error=str(exc), byline=byline, kind=kind)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/favicon.ico")
async def favicon() -> Response:
    # Browsers ask for it on every page; without it each page logs a 404.
    return Response(FAVICON_SVG, media_type="image/svg+xml", headers={"cache-control": "max-age=86400"})


@router.get("/api/docs", response_class=HTMLResponse)
async def api_docs(request: Request, state: State) -> HTMLResponse:
    return state.page(
        "api_docs.html",
        page="api",
        operations=_operations(request.app.openapi()),
        needs_token=state.config.needs_token,
    )


def _operations(openapi: dict) -> list[dict]:
    """The API's operations in reading order, from the OpenAPI document."""
    operations = []
    for path, methods in openapi.get("paths", {}).items():
        for method, spec in methods.items():
            parameters = [p["name"] + (" (required)" if p.get("required") else "") for p in spec.get("parameters", [])]
            body = None
            content = (spec.get("requestBody") or {}).get("content", {})
            if content:
                body = ", ".join(content)
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": spec.get("summary", ""),
                    "description": spec.get("description", ""),
                    "parameters": parameters,
                    "body": body,
                    "responses": sorted(spec.get("responses", {})),
                }
            )
    return operations
