"""The JSON API under ``/api``: health, scoring, vetting jobs and the saved cases.

Only these routes are in the OpenAPI document (``/api/openapi.json``), which ``/api/docs`` renders.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from attribution.serve import actions, service
from attribution.serve.routes._shared import (
    CaseId,
    clean_byline,
    compare_cases,
    export_response,
    get_case,
    read_upload,
    report_response,
)
from attribution.serve.state import AppState, State
from attribution.serve.store import Case
from attribution.serve.uploads import Upload, UploadError
from attribution.serve.uploads import article_text as parse_article

router = APIRouter(prefix="/api")


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


def _described(responses: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """The error statuses a route documents, in the OpenAPI shape."""
    return {status: {"description": text} for status, text in responses.items()}


def _case_json(state: AppState, case: Case, *, with_result: bool) -> dict:
    """A case with links to its other URLs, so a client never builds them itself."""
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


async def _required_upload(file: UploadFile, limit: int) -> Upload:
    """The uploaded file; the API, unlike the forms, has no empty file field to skip."""
    upload = await read_upload(file, limit)
    if upload is None:
        raise UploadError("the uploaded file is empty (0 bytes)")
    return upload


@router.get("/health", tags=["service"], summary="Versions, the loaded model, limits")
async def api_health(state: State) -> dict:
    return {
        "status": "ok",
        "versions": service.versions(),
        "model": {
            "loaded": state.scoring is not None,
            "problem": state.scoring_problem,
            "classes": state.scoring.classes if state.scoring else None,
        },
        "operators": sorted({a for a in state.operators.dataset["author"] if a}) if state.operators else None,
        "limits": state.config.limits.describe(),
        "jobs_active": state.runner.active(),
    }


@router.post(
    "/score",
    tags=["score"],
    response_model=ScoreResponse,
    summary="Score an article given as JSON text",
    description="Ranks the model's known authors with probabilities, gives the open-set decision "
    "('unknown' when none of them), trust notes and, with a byline, whether it is consistent. "
    "Saved as a case.",
    responses=_described({413: "too long", 400: "empty", 503: "no model loaded"}),
)
async def api_score(state: State, request: ScoreRequest) -> dict:
    claimed = clean_byline(request.byline)
    article = parse_article(request.text, None, state.config.limits)
    case_id, result = await run_in_threadpool(actions.score, state, article, claimed, None)
    return {"case_id": case_id, "result": result}


@router.post(
    "/score/file",
    tags=["score"],
    response_model=ScoreResponse,
    summary="Score an article uploaded as a .txt file",
    responses=_described({413: "too large", 415: "not a text file", 400: "empty", 503: "no model loaded"}),
)
async def api_score_file(
    state: State,
    file: Annotated[UploadFile, File(description="The article as .txt")],
    byline: Annotated[str, Form()] = "",
) -> dict:
    upload = await _required_upload(file, state.config.limits.max_upload_bytes)
    claimed = clean_byline(byline)
    article = parse_article(None, upload, state.config.limits)
    case_id, result = await run_in_threadpool(actions.score, state, article, claimed, upload)
    return {"case_id": case_id, "result": result}


@router.post(
    "/vet",
    tags=["vet"],
    status_code=202,
    response_model=JobResponse,
    summary="Start vetting a byline (background job)",
    description="Upload the byline's documents (JSONL/CSV with a text column, or a ZIP of .txt) and "
    "optionally known operators. Returns at once; poll the case until status is done or failed.",
    responses=_described(
        {
            413: "too large or too many documents",
            415: "wrong file type",
            422: "malformed or no usable rows",
            429: "too many jobs",
        }
    ),
)
async def api_vet(
    state: State,
    file: Annotated[UploadFile, File(description="JSONL, CSV or ZIP of .txt")],
    operators: Annotated[UploadFile | None, File(description="known operators' writing")] = None,
    byline: Annotated[str, Form()] = "",
    kind: Annotated[str, Form(description="article or tweet")] = "article",
) -> dict:
    upload = await _required_upload(file, state.config.limits.max_upload_bytes)
    operators_upload = await read_upload(operators, state.config.limits.max_upload_bytes)
    case_id = await run_in_threadpool(actions.start_vet, state, upload, operators_upload, clean_byline(byline), kind)
    case = get_case(state, case_id)
    return {"case_id": case_id, "status": case.status, "links": _case_json(state, case, with_result=False)["links"]}


@router.get("/cases", tags=["cases"], summary="List saved cases, newest first")
async def api_cases(
    state: State,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    kind: Annotated[str | None, Query(pattern="^(score|vet)$")] = None,
) -> dict:
    cases = state.store.list(limit=limit, offset=offset, kind=kind)
    return {"cases": [_case_json(state, c, with_result=False) for c in cases]}


# Before ``/cases/{case_id}``: routes match in order, and "compare" would otherwise be taken for an id.
@router.get("/cases/compare", tags=["cases"], summary="Compare two or more cases side by side")
async def api_compare(state: State, ids: Annotated[list[str], Query(min_length=2, max_length=6)]) -> dict:
    return compare_cases(state, ids)


@router.get("/cases/{case_id}", tags=["cases"], summary="One case: status, progress, and its result when done")
async def api_case(state: State, case_id: CaseId) -> dict:
    return _case_json(state, get_case(state, case_id), with_result=True)


@router.get(
    "/cases/{case_id}/report",
    tags=["cases"],
    response_class=HTMLResponse,
    summary="The HTML report of a finished vetting case",
)
async def api_report(state: State, case_id: CaseId, download: bool = False) -> Response:
    return report_response(state, case_id, download)


@router.get("/cases/{case_id}/export", tags=["cases"], summary="Export a case and its result as JSON")
async def api_export(state: State, case_id: CaseId) -> Response:
    return export_response(state, case_id)


@router.delete("/cases/{case_id}", tags=["cases"], status_code=204, summary="Delete a finished case")
async def api_delete(state: State, case_id: CaseId) -> Response:
    case = get_case(state, case_id)
    if case.status in ("queued", "running"):
        raise HTTPException(409, "the case's job is still running; delete it when it has finished")
    state.store.delete(case_id)
    return Response(status_code=204)
