"""What the routes share, built once per application and reached through a FastAPI dependency.

Everything is loaded here, up front, so a bad ``--model`` or ``--db`` fails before the server listens.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from attribution import __version__
from attribution.corpus.load import Corpus
from attribution.serve import service
from attribution.serve.config import ServeConfig
from attribution.serve.jobs import JobRunner
from attribution.serve.security import PAGE_CSP
from attribution.serve.store import CaseStore

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class AppState:
    """What the routes share; one per application, at ``app.state.attribution``."""

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
        """The loaded model, or the reason there is none as a 503 the editor can act on."""
        if self.scoring is None:
            raise service.EngineUnavailable(self.scoring_problem or "no model loaded")
        return self.scoring

    def page(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """Render template ``name`` with a fresh CSP nonce, so only this page's own scripts run."""
        nonce = secrets.token_urlsafe(16)
        html = self.templates.get_template(name).render(
            nonce=nonce,
            version=__version__,
            db_name=self.config.db_path.name,
            limits=self.config.limits.describe(),
            **context,
        )
        return HTMLResponse(
            html, status_code=status_code, headers={"content-security-policy": PAGE_CSP.format(nonce=nonce)}
        )


def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_state(config: ServeConfig) -> AppState:
    """Open the cases store and load the model and operators that ``config`` names."""
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
    return state


async def get_state(request: Request) -> AppState:
    """The application's state, as a dependency (async: no thread hop for an attribute read)."""
    state: AppState = request.app.state.attribution
    return state


#: A route parameter that receives the application's ``AppState``.
State = Annotated[AppState, Depends(get_state)]
