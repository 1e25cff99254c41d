"""The two things the app does, shared by the pages and the JSON API: score an article, start vetting.

Each saves a case first, so every request, failed ones too, leaves a record.
"""

from __future__ import annotations

import logging
import re

from attribution.errors import AttributionError, ConfigError
from attribution.serve import service
from attribution.serve.jobs import JobOutcome, JobProgress
from attribution.serve.state import AppState
from attribution.serve.uploads import Upload, UploadError, byline_corpus, operator_corpus

log = logging.getLogger(__name__)

KINDS = ("article", "tweet")


def _title(text: str, limit: int = 70) -> str:
    first = re.sub(r"\s+", " ", text).strip()
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def score(state: AppState, text: str, byline: str | None, upload: Upload | None) -> tuple[str, dict]:
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


def start_vet(state: AppState, upload: Upload, operators_upload: Upload | None, byline: str | None, kind: str) -> str:
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
    seed = state.config.seed

    def job(progress: JobProgress) -> JobOutcome:
        return service.vet_byline(vet, operators=operators, seed=seed, progress=progress, phase=progress.phase)

    state.runner.submit(case_id, job)
    return case_id
