"""The saved cases as pages: the list, one case, a comparison, and a case's report and export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from attribution.serve.routes._shared import CaseId, compare_cases, export_response, get_case, report_response
from attribution.serve.state import State

router = APIRouter(prefix="/cases", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
async def cases_page(state: State) -> HTMLResponse:
    return state.page("cases.html", page="cases", cases=state.store.list())


# Before ``/{case_id}``: routes match in order, and "compare" would otherwise be taken for an id.
@router.get("/compare", response_class=HTMLResponse)
async def compare_page(state: State, ids: Annotated[list[str], Query()] = []) -> HTMLResponse:  # noqa: B006 (FastAPI copies it)
    if len(ids) < 2:
        return state.page(
            "cases.html", 400, page="cases", cases=state.store.list(), error="Tick at least two cases to compare."
        )
    return state.page("compare.html", page="cases", comparison=compare_cases(state, ids[:6]))


@router.get("/{case_id}", response_class=HTMLResponse)
async def case_page(state: State, case_id: CaseId) -> HTMLResponse:
    case = get_case(state, case_id)
    result = state.store.result(case_id) if case.status == "done" else None
    # the report is embedded as srcdoc in a sandboxed frame: no second request, no script
    report_html = state.store.report_html(case_id) if case.kind == "vet" and case.status == "done" else None
    return state.page("case.html", page="cases", case=case, result=result, report_html=report_html)


@router.get("/{case_id}/report.html")
async def case_report(state: State, case_id: CaseId, download: bool = False) -> Response:
    return report_response(state, case_id, download)


@router.get("/{case_id}/export.json")
async def case_export(state: State, case_id: CaseId) -> Response:
    return export_response(state, case_id)
