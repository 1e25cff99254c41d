"""The FastAPI application: server-rendered pages and the JSON API over ``service``.

``create_app(config)`` builds everything (cases store, job runner, model, operators) up front,
so a bad ``--model`` or ``--db`` fails before the server listens.
"""

from __future__ import annotations

import logging
import re
import secrets
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from attribution import __version__
from attribution.corpus.load import Corpus
from attribution.errors import AttributionError, ConfigError
from attribution.report.jsonio import dumps
from attribution.serve import service
from attribution.serve.config import ServeConfig
from attribution.serve.jobs import JobRunner
from attribution.serve.security import PAGE_CSP, REPORT_CSP, AccessGuard, BodySizeLimit, SecurityHeaders
from attribution.serve.store import Case, CaseStore
from attribution.serve.uploads import Upload, UploadError, byline_corpus, operator_corpus
from attribution.serve.uploads import article_text as parse_article

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
CASE_ID = r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{12}$"
MAX_BYLINE_CHARS = 200
KINDS = ("article", "tweet")
#: The tab icon: a pen nib on the page accent colour, as SVG (no binary asset to ship).
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f5fbf"/>'
    '<path d="M16 5l7 11-7 11-7-11z" fill="#fff"/><circle cx="16" cy="16" r="2.2" fill="#1f5fbf"/></svg>'
)
CaseId = Annotated[str, PathParam(pattern=CASE_ID, description="A case id, e.g. 20261125-141500-0123456789ab")]


@dataclass
class AppState:
    """What the routes share; one per application."""

    config: ServeConfig
    store: CaseStore
    runner: JobRunner
    templates: Environment
    scoring: service.ScoringModel | None = None
    scoring_problem: str | None = None
    operators: Corpus | None = None
    #: SHA-256 of the operators file named at start-up (``None`` for a folder or a corpus name)
    operators_sha256: str | None = None

    def require_scoring(self) -> service.ScoringModel:
        if self.scoring is None:
            raise service.EngineUnavailable(self.scoring_problem or "no model loaded")
        return self.scoring


# -- helpers ---------------------------------------------------------------------------------------
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _page(state: AppState, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    html = state.templates.get_template(name).render(
        nonce=nonce,
        version=__version__,
        db_name=state.config.db_path.name,
        limits=state.config.limits.describe(),
        **context,
    )
    return HTMLResponse(
        html, status_code=status_code, headers={"content-security-policy": PAGE_CSP.format(nonce=nonce)}
    )


async def _read_upload(file: UploadFile | None, limit: int) -> Upload | None:
    """The upload's bytes, reading at most ``limit + 1`` so an oversized file is not held whole."""
    if file is None:
        return None
    data = await file.read(limit + 1)
    await file.close()
    if not file.filename and not data:
        return None  # the browser's empty file field
    if len(data) > limit:
        raise UploadError(
            f"the file {Upload(file.filename, b'').label!r} is larger than {limit / 1024**2:.0f} MB, the limit per file. "
            "Split it or upload fewer documents.",
            status_code=413,
        )
    return Upload(file.filename, data)


def _clean_byline(byline: str | None) -> str | None:
    byline = (byline or "").strip()
    if len(byline) > MAX_BYLINE_CHARS:
        raise UploadError(f"the byline has {len(byline)} characters; the limit is {MAX_BYLINE_CHARS}")
    return byline or None


def _title(text: str, limit: int = 70) -> str:
    first = re.sub(r"\s+", " ", text).strip()
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _status(exc: Exception) -> int:
    return int(getattr(exc, "status_code", 422))


def _case_json(state: AppState, case: Case, *, with_result: bool) -> dict:
    data = case.to_dict()
    data["links"] = {
        "self": f"/api/cases/{case.id}",
        "page": f"/cases/{case.id}",
        "export": f"/api/cases/{case.id}/export",
    }
    if case.kind == "vet":
        data["links"]["report"] = f"/api/cases/{case.id}/report"
    if with_result and case.status == "done":
        data["result"] = state.store.result(case.id)
    return data


# -- actions, shared by pages and API --------------------------------------------------------------
def _score(state: AppState, text: str, byline: str | None, upload: Upload | None) -> tuple[str, dict]:
    """Score one article and save it as a case; return ``(case_id, result)``."""
    scoring = state.require_scoring()
    inputs = [
        {
            "role": "article",
            "name": upload.label if upload else "pasted text",
            "sha256": service.sha256(text),
            "bytes": len(upload.data) if upload else len(text.encode("utf-8")),
            "documents": 1,
        }
    ]
    config = {
        "model": scoring.path.name,
        "seed": state.config.seed,
        **{k: v for k, v in scoring.info.items() if k != "versions"},
    }
    case_id = state.store.create(
        kind="score",
        title=_title(text),
        byline=byline,
        inputs=inputs,
        config=config,
        versions=service.versions(),
        status="running",
    )
    try:
        result = service.score_article(scoring, text, byline=byline)
    except AttributionError as exc:
        state.store.fail(case_id, str(exc))
        raise
    except Exception as exc:
        log.exception("scoring failed")
        state.store.fail(case_id, f"internal error ({type(exc).__name__}): {exc}")
        raise
    state.store.finish(case_id, result=result, summary=result["verdict"])
    return case_id, result


def _start_vet(state: AppState, upload: Upload, operators_upload: Upload | None, byline: str | None, kind: str) -> str:
    """Parse the uploads, save a case and queue the vetting job; return the case id.

    The uploads are checked first, so a bad file is named before any work is queued.
    """
    if kind not in KINDS:
        raise UploadError(f"kind {kind!r} is unknown; choose one of {', '.join(KINDS)}")
    limits = state.config.limits
    corpus = byline_corpus(upload, limits, kind=kind)
    operators = operator_corpus(operators_upload, limits) if operators_upload else state.operators
    try:
        vet = service.prepare_vet(corpus, byline)
    except ConfigError as exc:
        raise UploadError(str(exc)) from exc
    if state.runner.active() >= limits.max_queued_jobs:
        raise UploadError(
            f"{limits.max_queued_jobs} jobs are already queued or running; wait for one to finish", status_code=429
        )
    inputs = [
        {
            "role": "byline documents",
            "name": upload.label,
            "sha256": service.sha256(upload.data),
            "parsed_sha256": service.dataset_digest(corpus.dataset),
            "bytes": len(upload.data),
            "documents": len(corpus),
        }
    ]
    if operators is not None:
        inputs.append(
            {
                "role": "operators",
                "name": operators_upload.label if operators_upload else str(state.config.operators),
                "sha256": service.sha256(operators_upload.data) if operators_upload else state.operators_sha256,
                "parsed_sha256": service.dataset_digest(operators.dataset),
                "bytes": len(operators_upload.data) if operators_upload else None,
                "documents": len(operators),
            }
        )
    config = {
        "byline": vet.byline,
        "documents_tested": len(vet.documents),
        "accounts": len(vet.accounts),
        "kind": kind,
        "seed": state.config.seed,
        "operators": sorted({a for a in operators.dataset["author"] if a}) if operators is not None else None,
    }
    case_id = state.store.create(
        kind="vet", title=vet.byline, byline=vet.byline, inputs=inputs, config=config, versions=service.versions()
    )
    seed, data_dir = state.config.seed, state.config.data_dir

    def job(progress):
        return service.vet_byline(
            vet, operators=operators, data_dir=data_dir, seed=seed, progress=progress, phase=progress.phase
        )

    state.runner.submit(case_id, job)
    return case_id


# -- API models (for the OpenAPI document) ---------------------------------------------------------
class ScoreRequest(BaseModel):
    text: str = Field(description="The article's text.")
    byline: str | None = Field(default=None, description="The claimed byline, to check against the ranking.")


class ScoreResponse(BaseModel):
    case_id: str
    result: dict[str, Any] = Field(description="decision, unknown, verdict, candidates, byline, trust, text, model")


class JobResponse(BaseModel):
    case_id: str
    status: str
    links: dict[str, str]


# -- the application -------------------------------------------------------------------------------
def create_app(config: ServeConfig) -> FastAPI:
    """Build the application for ``config``; loads the model and operators now."""
    store = CaseStore(config.db_path)
    interrupted = store.mark_interrupted()
    if interrupted:
        log.warning("%d case(s) were left unfinished by a previous run and are marked failed", interrupted)
    state = AppState(
        config=config, store=store, runner=JobRunner(store, workers=config.job_workers), templates=_templates()
    )
    if config.model_dir is not None:
        state.scoring = service.load_scoring_model(config.model_dir)
    else:
        state.scoring_problem = "no model loaded: start the server with --model DIR (a folder written by save_model)."
    if config.operators:
        from attribution.corpus import load_corpus

        state.operators = load_corpus(config.operators, data_dir=config.data_dir)
        if Path(config.operators).is_file():
            state.operators_sha256 = service.sha256(Path(config.operators).read_bytes())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        state.runner.shutdown()

    app = FastAPI(
        title="attribution",
        version=__version__,
        summary="Score an article, vet a byline, keep the cases: all on this computer.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.attribution = state

    @app.exception_handler(AttributionError)
    async def attribution_error(request: Request, exc: AttributionError) -> Response:
        status = _status(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return _page(
            state, "message.html", status, page=None, status=status, heading="Cannot do that", message=str(exc)
        )

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        # The traceback goes to the log; the editor sees what failed (a saved case records it too).
        log.error("internal error on %s", request.url.path, exc_info=exc)
        message = f"internal error ({type(exc).__name__}): {exc}"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=500)
        return _page(state, "message.html", 500, page=None, status=500, heading="Something went wrong", message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        heading = "Not found" if exc.status_code == 404 else "Cannot do that"
        return _page(
            state,
            "message.html",
            exc.status_code,
            page=None,
            status=exc.status_code,
            heading=heading,
            message=str(exc.detail),
        )

    def get_case(case_id: str) -> Case:
        case = state.store.get(case_id)
        if case is None:
            raise HTTPException(404, f"no case {case_id!r}; see the list of cases")
        return case

    # -- pages ---------------------------------------------------------------------------------
    def score_page(status: int = 200, **context: Any) -> HTMLResponse:
        return _page(
            state,
            "score.html",
            status,
            page="score",
            scoring_ready=state.scoring is not None,
            scoring_problem=state.scoring_problem,
            model_classes=state.scoring.classes if state.scoring else None,
            **context,
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home() -> HTMLResponse:
        return score_page()

    @app.post("/score", response_class=HTMLResponse, include_in_schema=False)
    async def score_form(
        text: Annotated[str, Form()] = "",
        byline: Annotated[str, Form()] = "",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> HTMLResponse:
        try:
            upload = await _read_upload(file, config.limits.max_upload_bytes)
            claimed = _clean_byline(byline)
            article = parse_article(text, upload, config.limits)
            case_id, result = await run_in_threadpool(_score, state, article, claimed, upload)
        except AttributionError as exc:
            return score_page(_status(exc), error=str(exc), text=text, byline=byline)
        return score_page(text=article, byline=claimed, result=result, case_id=case_id)

    def vet_page(status: int = 200, **context: Any) -> HTMLResponse:
        return _page(
            state,
            "vet.html",
            status,
            page="vet",
            default_operators=config.operators,
            **context,
        )

    @app.get("/vet", response_class=HTMLResponse, include_in_schema=False)
    async def vet_form() -> HTMLResponse:
        return vet_page()

    @app.post("/vet", include_in_schema=False)
    async def vet_submit(
        file: Annotated[UploadFile | None, File()] = None,
        operators: Annotated[UploadFile | None, File()] = None,
        byline: Annotated[str, Form()] = "",
        kind: Annotated[str, Form()] = "article",
    ) -> Response:
        try:
            upload = await _read_upload(file, config.limits.max_upload_bytes)
            if upload is None:
                raise UploadError("choose the byline's documents to upload (JSONL, CSV or ZIP of .txt)")
            operators_upload = await _read_upload(operators, config.limits.max_upload_bytes)
            claimed = _clean_byline(byline)
            case_id = await run_in_threadpool(_start_vet, state, upload, operators_upload, claimed, kind)
        except AttributionError as exc:
            return vet_page(_status(exc), error=str(exc), byline=byline, kind=kind)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @app.get("/cases", response_class=HTMLResponse, include_in_schema=False)
    async def cases_page() -> HTMLResponse:
        return _page(state, "cases.html", page="cases", cases=state.store.list())

    @app.get("/cases/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_page(ids: Annotated[list[str], Query()] = []) -> HTMLResponse:  # noqa: B006 (FastAPI copies it)
        if len(ids) < 2:
            return _page(
                state,
                "cases.html",
                400,
                page="cases",
                cases=state.store.list(),
                error="Tick at least two cases to compare.",
            )
        try:
            comparison = service.compare_cases(state.store, ids[:6])
        except KeyError as exc:
            raise HTTPException(404, f"no case {exc.args[0]!r}") from exc
        return _page(state, "compare.html", page="cases", comparison=comparison)

    @app.get("/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    async def case_page(case_id: CaseId) -> HTMLResponse:
        case = get_case(case_id)
        result = state.store.result(case_id) if case.status == "done" else None
        # the report is embedded as srcdoc in a sandboxed frame: no second request, no script
        report_html = state.store.report_html(case_id) if case.kind == "vet" and case.status == "done" else None
        return _page(state, "case.html", page="cases", case=case, result=result, report_html=report_html)

    @app.get("/cases/{case_id}/report.html", include_in_schema=False)
    async def case_report(case_id: CaseId, download: bool = False) -> Response:
        return report_response(case_id, download)

    @app.get("/cases/{case_id}/export.json", include_in_schema=False)
    async def case_export(case_id: CaseId) -> Response:
        return export_response(case_id)

    def report_response(case_id: str, download: bool) -> Response:
        case = get_case(case_id)
        html = state.store.report_html(case_id)
        if not html:
            raise HTTPException(404, f"case {case_id} has no report ({case.status})")
        headers = {"content-security-policy": REPORT_CSP}
        if download:
            headers["content-disposition"] = f'attachment; filename="attribution-{case_id}.html"'
        return HTMLResponse(html, headers=headers)

    def export_response(case_id: str) -> Response:
        case = get_case(case_id)
        body = dumps({"case": case.to_dict(), "result": state.store.result(case_id)}) + "\n"
        return Response(
            body,
            media_type="application/json",
            headers={"content-disposition": f'attachment; filename="attribution-{case_id}.json"'},
        )

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        # Browsers ask for it on every page; without it each page logs a 404.
        return Response(FAVICON_SVG, media_type="image/svg+xml", headers={"cache-control": "max-age=86400"})

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return _page(
            state, "api_docs.html", page="api", operations=_operations(app.openapi()), needs_token=config.needs_token
        )

    # -- JSON API ------------------------------------------------------------------------------
    @app.get("/api/health", tags=["service"], summary="Versions, the loaded model, limits")
    async def api_health() -> dict:
        return {
            "status": "ok",
            "versions": service.versions(),
            "model": {
                "loaded": state.scoring is not None,
                "problem": state.scoring_problem,
                "classes": state.scoring.classes if state.scoring else None,
            },
            "operators": sorted({a for a in state.operators.dataset["author"] if a}) if state.operators else None,
            "limits": config.limits.describe(),
            "jobs_active": state.runner.active(),
        }

    @app.post(
        "/api/score",
        tags=["score"],
        response_model=ScoreResponse,
        summary="Score an article given as JSON text",
        description="Ranks the model's known authors with probabilities, gives the open-set decision "
        "('unknown' when none of them), trust notes and, with a byline, whether it is consistent. "
        "Saved as a case.",
        responses={
            413: {"description": "too long"},
            400: {"description": "empty"},
            503: {"description": "no model loaded"},
        },
    )
    async def api_score(request: ScoreRequest) -> dict:
        claimed = _clean_byline(request.byline)
        article = parse_article(request.text, None, config.limits)
        case_id, result = await run_in_threadpool(_score, state, article, claimed, None)
        return {"case_id": case_id, "result": result}

    @app.post(
        "/api/score/file",
        tags=["score"],
        response_model=ScoreResponse,
        summary="Score an article uploaded as a .txt file",
        responses={
            413: {"description": "too large"},
            415: {"description": "not a text file"},
            400: {"description": "empty"},
            503: {"description": "no model loaded"},
        },
    )
    async def api_score_file(
        file: Annotated[UploadFile, File(description="The article as .txt")],
        byline: Annotated[str, Form()] = "",
    ) -> dict:
        upload = await _read_upload(file, config.limits.max_upload_bytes)
        if upload is None:
            raise UploadError("the uploaded file is empty (0 bytes)")
        claimed = _clean_byline(byline)
        article = parse_article(None, upload, config.limits)
        case_id, result = await run_in_threadpool(_score, state, article, claimed, upload)
        return {"case_id": case_id, "result": result}

    @app.post(
        "/api/vet",
        tags=["vet"],
        status_code=202,
        response_model=JobResponse,
        summary="Start vetting a byline (background job)",
        description="Upload the byline's documents (JSONL/CSV with a text column, or a ZIP of .txt) and "
        "optionally known operators. Returns at once; poll the case until status is done or failed.",
        responses={
            413: {"description": "too large or too many documents"},
            415: {"description": "wrong file type"},
            422: {"description": "malformed or no usable rows"},
            429: {"description": "too many jobs"},
        },
    )
    async def api_vet(
        file: Annotated[UploadFile, File(description="JSONL, CSV or ZIP of .txt")],
        operators: Annotated[UploadFile | None, File(description="known operators' writing")] = None,
        byline: Annotated[str, Form()] = "",
        kind: Annotated[str, Form(description="article or tweet")] = "article",
    ) -> dict:
        upload = await _read_upload(file, config.limits.max_upload_bytes)
        if upload is None:
            raise UploadError("the uploaded file is empty (0 bytes)")
        operators_upload = await _read_upload(operators, config.limits.max_upload_bytes)
        case_id = await run_in_threadpool(_start_vet, state, upload, operators_upload, _clean_byline(byline), kind)
        case = state.store.get(case_id)
        return {"case_id": case_id, "status": case.status, "links": _case_json(state, case, with_result=False)["links"]}

    @app.get("/api/cases", tags=["cases"], summary="List saved cases, newest first")
    async def api_cases(
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
        kind: Annotated[str | None, Query(pattern="^(score|vet)$")] = None,
    ) -> dict:
        cases = state.store.list(limit=limit, offset=offset, kind=kind)
        return {"cases": [_case_json(state, c, with_result=False) for c in cases]}

    @app.get("/api/cases/compare", tags=["cases"], summary="Compare two or more cases side by side")
    async def api_compare(ids: Annotated[list[str], Query(min_length=2, max_length=6)]) -> dict:
        try:
            return service.compare_cases(state.store, ids)
        except KeyError as exc:
            raise HTTPException(404, f"no case {exc.args[0]!r}") from exc

    @app.get("/api/cases/{case_id}", tags=["cases"], summary="One case: status, progress, and its result when done")
    async def api_case(case_id: CaseId) -> dict:
        return _case_json(state, get_case(case_id), with_result=True)

    @app.get(
        "/api/cases/{case_id}/report",
        tags=["cases"],
        response_class=HTMLResponse,
        summary="The HTML report of a finished vetting case",
    )
    async def api_report(case_id: CaseId, download: bool = False) -> Response:
        return report_response(case_id, download)

    @app.get("/api/cases/{case_id}/export", tags=["cases"], summary="Export a case and its result as JSON")
    async def api_export(case_id: CaseId) -> Response:
        return export_response(case_id)

    @app.delete("/api/cases/{case_id}", tags=["cases"], status_code=204, summary="Delete a finished case")
    async def api_delete(case_id: CaseId) -> Response:
        case = get_case(case_id)
        if case.status in ("queued", "running"):
            raise HTTPException(409, "the case's job is still running; delete it when it has finished")
        state.store.delete(case_id)
        return Response(status_code=204)

    # Outermost first on the way in: size limit, then access, then headers.
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessGuard, token=config.token, allowed_hosts=config.allowed_hosts())
    app.add_middleware(BodySizeLimit, max_bytes=config.limits.max_request_bytes)
    return app


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
