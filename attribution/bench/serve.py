"""``bench serve``: a bounded local load test of "score an article" over HTTP on 127.0.0.1.

A model is trained on the Federalist Papers of known authorship and saved to a temporary
folder; the real application then runs under uvicorn on a free loopback port, and a fixed
number of client threads post Federalist papers to ``/api/score`` for a fixed time (or until a
request cap). The first requests warm the model and are not counted. Traffic never leaves
127.0.0.1.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from attribution.corpus import load_corpus
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # loopback only, by design
CLIENTS = 4
DURATION_S = 20.0
MAX_REQUESTS = 5_000
WARMUP_REQUESTS = 4
#: The model the bench serves: AuthorClassifier's own defaults (the "attribution" preset, svm).
MODEL_CONFIG, MODEL_METHOD = None, "svm"
AUTHORS = ("Hamilton", "Madison", "Jay")


def train_federalist_model(
    folder: Path, *, seed: int = 0, config: str | None = MODEL_CONFIG, method: str = MODEL_METHOD
) -> Path:
    """Fit an attribution model on the papers of known single authorship and save it in ``folder``.

    The training texts' kind and word counts are saved with it (``training``), so the score page
    can say when a text is out of genre.
    """
    from attribution.attribute.classifier import AuthorClassifier
    from attribution.attribute.persistence import save_model

    corpus = load_corpus("federalist")
    known = corpus.dataset.filter(lambda row: row["author"] in AUTHORS)
    model = AuthorClassifier(config=config, method=method, random_state=seed).fit(known["text"], known["author"])
    training = {"corpus": "federalist", "kind": "article", "words": sorted(len(t.split()) for t in known["text"])}
    save_model(model, folder, extra={"training": training})
    return folder


def _client(
    base_url: str,
    texts: list[str],
    deadline: float,
    stop: threading.Event,
    latencies: list,
    errors: list,
    budget: list,
    lock: threading.Lock,
    offset: int,
) -> None:
    import httpx

    # trust_env=False: no proxy from the environment can divert loopback traffic
    with httpx.Client(base_url=base_url, trust_env=False, timeout=60.0) as http:
        index = offset
        while time.monotonic() < deadline and not stop.is_set():
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            text = texts[index % len(texts)]
            index += 1
            start = time.perf_counter()
            try:
                response = http.post("/api/score", json={"text": text})
                ok = response.status_code == 200 and "decision" in response.json().get("result", {})
                detail = None if ok else f"HTTP {response.status_code}: {response.text[:200]}"
            except Exception as exc:  # a refused or broken connection is an error to count, not to raise
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(detail)


def run(
    data_dir: str | Path | None,
    *,
    seed: int = 0,
    progress: ProgressFactory = no_progress,
    clients: int = CLIENTS,
    duration_s: float = DURATION_S,
    max_requests: int = MAX_REQUESTS,
    model_dir: str | Path | None = None,
) -> dict:
    """Load-test ``/api/score`` on loopback; return requests, errors, p50_ms, p95_ms and context."""
    import httpx

    from attribution.serve.app import create_app
    from attribution.serve.config import ServeConfig
    from attribution.serve.server import serve_in_thread

    clients = max(1, min(int(clients), 16))
    duration_s = max(1.0, min(float(duration_s), 120.0))
    texts = load_corpus("federalist").texts
    with tempfile.TemporaryDirectory(prefix="attribution-bench-serve-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        if model_dir is None:
            model_dir = train_federalist_model(folder / "model", seed=seed)
        train_s = time.perf_counter() - started
        app = create_app(
            ServeConfig(host=HOST, port=0, model_dir=Path(model_dir), db_path=folder / "cases.sqlite3", seed=seed)
        )
        with serve_in_thread(app, host=HOST, port=0) as base_url:
            with httpx.Client(base_url=base_url, trust_env=False, timeout=120.0) as http:
                warm = []
                for text in progress(texts[:WARMUP_REQUESTS], desc="warm-up"):
                    start = time.perf_counter()
                    http.post("/api/score", json={"text": text}).raise_for_status()
                    warm.append((time.perf_counter() - start) * 1000)
            latencies: list[float] = []
            errors: list[str] = []
            lock, stop = threading.Lock(), threading.Event()
            budget = [max_requests]
            began = time.monotonic()
            deadline = began + duration_s
            threads = [
                threading.Thread(
                    target=_client,
                    args=(base_url, texts, deadline, stop, latencies, errors, budget, lock, i * 17),
                    daemon=True,
                )
                for i in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=duration_s + 120)
            stop.set()
            wall = time.monotonic() - began
            cases = len(app.state.attribution.store.list(limit=100_000))
    values = np.array(latencies) if latencies else np.array([np.nan])
    for error in errors[:5]:
        log.warning("bench serve error: %s", error)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "p50_ms": round(float(np.percentile(values, 50)), 1),
        "p95_ms": round(float(np.percentile(values, 95)), 1),
        "max_ms": round(float(np.max(values)), 1),
        "mean_ms": round(float(statistics.fmean(latencies)), 1) if latencies else None,
        "throughput_rps": round(len(latencies) / wall, 2) if wall else None,
        "clients": clients,
        "duration_s": round(wall, 1),
        "warmup_ms": [round(w, 1) for w in warm],
        "cases_saved": cases,
        "host": HOST,
        "model": {
            "config": app.state.attribution.scoring.info.get("features"),
            "method": MODEL_METHOD,
            "trained_on": "federalist (Hamilton, Madison, Jay)",
            "train_s": round(train_s, 1),
        },
        "text_words_median": int(np.median([len(t.split()) for t in texts])),
        "first_errors": errors[:5],
    }
