"""Request helpers that more than one router needs: upload reading, case lookup, report and export."""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from attribution.report.jsonio import dumps
from attribution.serve import service
from attribution.serve.security import REPORT_CSP
from attribution.serve.state import AppState
from attribution.serve.store import Case
from attribution.serve.uploads import Upload, UploadError

CASE_ID = r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{12}$"
MAX_BYLINE_CHARS = 200
CaseId = Annotated[str, PathParam(pattern=CASE_ID, description="A case id, e.g. 20261125-141500-0123456789ab")]


async def read_upload(file: UploadFile | None, limit: int) -> Upload | None:
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


def clean_byline(byline: str | None) -> str | None:
    """The claimed byline stripped, ``None`` when blank; too long is refused before any work."""
    byline = (byline or "").strip()
    if len(byline) > MAX_BYLINE_CHARS:
        raise UploadError(f"the byline has {len(byline)} characters; the limit is {MAX_BYLINE_CHARS}")
    return byline or None


def status_of(exc: Exception) -> int:
    """The HTTP status an error asks for (``UploadError`` and friends carry one), else 422."""
    return int(getattr(exc, "status_code", 422))


def get_case(state: AppState, case_id: str) -> Case:
    """The case, or a 404 that points the editor to the list."""
    case = state.store.get(case_id)
    if case is None:
        raise HTTPException(404, f"no case {case_id!r}; see the list of cases")
    return case


def compare_cases(state: AppState, ids: list[str]) -> dict:
    """The cases side by side; an unknown id is a 404 that names it."""
    try:
        return service.compare_cases(state.store, ids)
    except KeyError as exc:
        raise HTTPException(404, f"no case {exc.args[0]!r}") from exc


def report_response(state: AppState, case_id: str, download: bool) -> Response:
    """A vetting case's HTML report under its own strict CSP (it is served at two URLs)."""
    case = get_case(state, case_id)
    html = state.store.report_html(case_id)
    if not html:
        raise HTTPException(404, f"case {case_id} has no report ({case.status})")
    headers = {"content-security-policy": REPORT_CSP}
    if download:
        headers["content-disposition"] = f'attachment; filename="attribution-{case_id}.html"'
    return HTMLResponse(html, headers=headers)


def export_response(state: AppState, case_id: str) -> Response:
    """A case and its result as a JSON download (it is served at two URLs)."""
    case = get_case(state, case_id)
    body = dumps({"case": case.to_dict(), "result": state.store.result(case_id)}) + "\n"
    return Response(
        body,
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="attribution-{case_id}.json"'},
    )
