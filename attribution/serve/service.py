"""One function per action of the web application; each engine is called from here only.

The pages and the JSON API call these functions and nothing else of the library. Engines are
imported when an action first needs them, so the server starts fast.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets

from attribution import __version__
from attribution.corpus.load import Corpus
from attribution.errors import AttributionError, ConfigError, ModelError
from attribution.progress import ProgressFactory, no_progress
from attribution.report import trust
from attribution.serve.jobs import JobOutcome
from attribution.serve.store import CaseStore
from attribution.serve.uploads import has_timestamps

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
Phase = Callable[[str, float, float], None]


class EngineUnavailable(AttributionError):
    """The server cannot run this action now (no scoring model is loaded): HTTP 503."""

    status_code = 503


def versions() -> dict[str, str | None]:
    """Versions of attribution and the packages whose behaviour shapes a result."""
    found: dict[str, str | None] = {"attribution": __version__}
    for package in ("scikit-learn", "spacy", "sentence-transformers", "numpy", "scipy", "datasets", "fastapi"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = None
    return found


def sha256(data: bytes | str) -> str:
    """Hex SHA-256 of bytes, or of text as UTF-8."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def dataset_digest(dataset: datasets.Dataset) -> str:
    """A SHA-256 over the parsed documents (id, text, byline, time stamp), in order."""
    digest = hashlib.sha256()
    for row in dataset.select_columns(["id", "text", "byline", "timestamp"]):
        stamp = row["timestamp"].isoformat() if row["timestamp"] is not None else ""
        digest.update(json.dumps([row["id"], row["text"], row["byline"], stamp]).encode("utf-8"))
    return digest.hexdigest()


# -- scoring ---------------------------------------------------------------------------------------
@dataclass
class ScoringModel:
    """A loaded attribution model and what is known about its training texts."""

    model: Any
    path: Path
    training_kind: str | None = None
    training_words: list[int] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    #: scikit-learn pipelines with spaCy/torch parts are not promised to be thread-safe
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.model.classes_]


def load_scoring_model(model_dir: str | Path) -> ScoringModel:
    """Load a saved attribution model folder (no pickle; the persistence module checks it)."""
    path = Path(model_dir)
    if not path.is_dir():
        raise ModelError(f"no model folder at {path}; pass the folder that save_model wrote")
    from attribution.attribute.persistence import load_model, read_model_config

    model = load_model(path)

    saved = read_model_config(path)
    described = saved.get("model") if isinstance(saved.get("model"), dict) else {}
    training = saved.get("training") if isinstance(saved.get("training"), dict) else {}
    info = {
        "method": described.get("method"),
        "features": described.get("features"),
        "classes": described.get("classes"),
        "open_set_threshold": getattr(model, "threshold_", None),
        "model_sha256": saved.get("model_sha256"),
        "trained_on": training.get("corpus"),
    }
    return ScoringModel(
        model=model,
        path=path,
        training_kind=training.get("kind"),
        training_words=[int(n) for n in training.get("words", []) if isinstance(n, (int, float))],
        info={k: v for k, v in info.items() if v is not None},
    )


def _verdict(decision: str, candidates: list[dict]) -> str:
    if decision == UNKNOWN:
        best = candidates[0] if candidates else None
        closest = f" (closest: {best['author']}, p = {best['probability']:.2f})" if best else ""
        return "Unknown: none of the known authors claims the text strongly enough" + closest
    probability = next((c["probability"] for c in candidates if c["author"] == decision), None)
    return f"Most likely {decision}" + (f" (p = {probability:.2f})" if probability is not None else "")


def _byline_check(claimed: str | None, decision: str, candidates: list[dict]) -> dict | None:
    """Whether the claimed byline is the decision (True), another author is (False), or neither (None)."""
    if not claimed:
        return None
    match = next((c for c in candidates if c["author"].casefold() == claimed.casefold()), None)
    if match is None:
        return {
            "claimed": claimed,
            "known": False,
            "consistent": None,
            "text": f"{claimed!r} is not one of the model's known authors, so the byline cannot be checked "
            "against it; see the 'unknown' decision instead.",
        }
    where = f"{match['author']} is ranked {match['rank']} (p = {match['probability']:.2f})"
    if match["author"] == decision:
        consistent, text = True, f"Consistent with the claimed byline: {where} and is the model's decision."
    elif decision == UNKNOWN:
        consistent, text = (
            None,
            (f"Neither confirmed nor ruled out: {where}, but no known author is likely enough for a firm answer."),
        )
    else:
        consistent, text = False, f"Not consistent with the claimed byline: {where}; the decision is {decision}."
    return {
        "claimed": claimed,
        "known": True,
        "consistent": consistent,
        "probability": match["probability"],
        "rank": match["rank"],
        "text": text,
    }


def _predict(scoring: ScoringModel, text: str) -> tuple[list[float], str]:
    """Probabilities per class (in ``classes_`` order) and the open-set decision for one text.

    ``score_texts`` extracts the features once; without it, the agreed ``predict_proba`` and
    ``predict_open`` do the same with two extractions.
    """
    try:
        from attribution.attribute.classifier import score_texts
    except ImportError:
        score_texts = None
    if score_texts is not None:
        row = score_texts(scoring.model, [text], ["article"], top=len(scoring.classes))[0]
        given = {str(c["author"]): float(c["probability"]) for c in row["candidates"]}
        return [given.get(name, 0.0) for name in scoring.classes], str(row["prediction"])
    probabilities = [float(p) for p in scoring.model.predict_proba([text])[0]]
    return probabilities, str(scoring.model.predict_open([text])[0])


def score_article(scoring: ScoringModel, text: str, *, byline: str | None = None) -> dict:
    """Rank the model's authors for ``text``; the open-set decision; trust notes; byline check."""
    with scoring.lock:
        probabilities, decision = _predict(scoring, text)
    ranked = sorted(zip(scoring.classes, probabilities), key=lambda item: (-item[1], item[0]))
    candidates = [{"rank": i + 1, "author": a, "probability": round(p, 4)} for i, (a, p) in enumerate(ranked)]
    notes = trust.trust_notes(text, training_kind=scoring.training_kind, training_words=scoring.training_words)
    return {
        "decision": decision,
        "unknown": decision == UNKNOWN,
        "verdict": _verdict(decision, candidates),
        "candidates": candidates,
        "byline": _byline_check(byline, decision, candidates),
        "trust": {"level": trust.overall_trust(notes), "notes": notes},
        "text": {"sha256": sha256(text), "characters": len(text), "words": len(trust.words(text))},
        "model": {"path": scoring.path.name, **scoring.info},
    }


# -- vetting ---------------------------------------------------------------------------------------
@dataclass
class VetInput:
    """What a vetting job analyses: the byline's documents, and all uploaded posts for behaviour."""

    byline: str
    documents: Corpus
    #: every uploaded row with a byline (the accounts, for shifts and coordination)
    posts: datasets.Dataset
    accounts: list[str]


def prepare_vet(corpus: Corpus, byline: str | None) -> VetInput:
    """Decide which rows are the byline under test; refuse an upload whose byline is ambiguous.

    A named byline that the file's byline/account column holds selects those rows; a named
    byline the file does not hold (or a file without bylines) makes every row that byline's.
    """
    dataset = corpus.dataset
    own = sorted({b for b in dataset["byline"] if b})
    if byline is None and len(own) > 1:
        shown = ", ".join(own[:8]) + (" …" if len(own) > 8 else "")
        raise ConfigError(f"the upload holds {len(own)} bylines or accounts ({shown}); type the one to vet in 'Byline'")
    name = byline or (own[0] if own else corpus.name or "upload")
    if name in own:
        selected = dataset.filter(lambda b: b == name, input_columns="byline")
        posts = dataset.map(lambda row: {"byline": row["byline"] or name})
    else:
        selected = posts = dataset.map(lambda row: {"byline": name})
    documents = Corpus(selected, corpus.report, corpus.name)
    return VetInput(byline=name, documents=documents, posts=posts, accounts=sorted(set(posts["byline"])))


def vet_byline(
    vet: VetInput,
    *,
    operators: Corpus | None = None,
    seed: int = 0,
    progress: ProgressFactory = no_progress,
    phase: Phase = lambda name, start, end: None,
) -> JobOutcome:
    """Run the composite test on a byline's documents (and, for time-stamped posts, the shift and
    coordination analyses); return the result, a one-line summary and the HTML report."""
    from attribution.behaviour.coordination import analyse_coordination
    from attribution.behaviour.shifts import analyse_shifts
    from attribution.composite.article import test_composite
    from attribution.report.html import render_composite_report as render

    phase("composite test", 0.02, 0.80)
    result = test_composite(
        vet.documents,
        byline=vet.byline,
        operators=operators,
        seed=seed,
        progress=progress,
    )
    result_dict = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    if has_timestamps(vet.posts):
        phase("posting-time shifts", 0.80, 0.88)
        result_dict["shifts"] = _optional(lambda: analyse_shifts(vet.posts, progress=progress), "shift analysis")
        if len(vet.accounts) > 1:
            phase("coordination across accounts", 0.88, 0.95)
            result_dict["coordination"] = _optional(
                lambda: analyse_coordination(vet.posts, seed=seed, progress=progress), "coordination analysis"
            )
    phase("writing the report", 0.95, 1.0)
    html = render(result_dict)
    verdict = result_dict.get("verdict") or {}
    return JobOutcome(result=result_dict, summary=str(verdict.get("text") or "finished"), report_html=html)


def _optional(run: Callable[[], dict], what: str) -> dict:
    """Run an extra analysis; when it cannot say anything, record why instead of failing the case."""
    try:
        return run()
    except AttributionError as exc:
        return {"available": True, "error": f"{what} could not run: {exc}"}


# -- cases -----------------------------------------------------------------------------------------
def _dig(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...`` or None where a level is missing or not a mapping (score and vet
    results differ in shape: a score's ``verdict`` is a sentence, a vetting's a dict)."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _verdict_text(result: Any) -> Any:
    verdict = _dig(result, "verdict")
    return verdict.get("text") if isinstance(verdict, dict) else verdict


COMPARED_FIELDS = (
    ("kind", lambda case, result: case.kind),
    ("status", lambda case, result: case.status),
    ("byline", lambda case, result: case.byline),
    ("created", lambda case, result: case.created_at),
    ("finding", lambda case, result: _verdict_text(result) or case.error),
    ("documents", lambda case, result: _dig(result, "n_documents")),
    ("verdict level", lambda case, result: _dig(result, "verdict", "level")),
    ("p-value", lambda case, result: _dig(result, "test", "p_value")),
    ("writers (estimate)", lambda case, result: _dig(result, "k", "estimate")),
    ("decision", lambda case, result: _dig(result, "decision")),
    (
        "top candidate",
        lambda case, result: _dig(result, "candidates")[0]["author"] if _dig(result, "candidates") else None,
    ),
    ("trust", lambda case, result: _dig(result, "trust", "level")),
    ("words", lambda case, result: _dig(result, "text", "words")),
    ("input hashes", lambda case, result: ", ".join((i.get("sha256") or "")[:12] for i in case.inputs)),
    ("model", lambda case, result: case.config.get("model")),
    ("attribution version", lambda case, result: case.versions.get("attribution")),
)


def compare_cases(store: CaseStore, case_ids: list[str]) -> dict:
    """Side-by-side rows of the cases' key facts; ``same`` tells where they agree."""
    cases = []
    for case_id in case_ids:
        case = store.get(case_id)
        if case is None:
            raise KeyError(case_id)
        cases.append((case, store.result(case_id)))
    rows = []
    for name, read in COMPARED_FIELDS:
        values = [read(case, result) for case, result in cases]
        rows.append({"field": name, "values": values, "same": len({json.dumps(v, default=str) for v in values}) == 1})
    return {"cases": [case.to_dict() for case, _ in cases], "rows": rows}
