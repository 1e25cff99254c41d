"""Fixtures for the web application: a client on a fresh cases database, small real uploads."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from attribution.corpus import load_corpus
from attribution.serve.app import create_app
from attribution.serve.config import Limits, ServeConfig
from tests.chromium import CHROMIUM_ARGS, chromium_path

REPO_DATA = Path(__file__).resolve().parents[1] / "data"

#: The client talks to the app as a browser on this machine would.
BASE_URL = "http://127.0.0.1:8000"


@pytest.fixture(scope="session")
def federalist():
    """The bundled Federalist Papers corpus."""
    return load_corpus("federalist")


@pytest.fixture(scope="session")
def federalist_model(tmp_path_factory) -> Path:
    """The default attribution model fitted on the Federalist papers of known single authorship."""
    from attribution.bench.serve import train_federalist_model

    return train_federalist_model(tmp_path_factory.mktemp("model") / "federalist")


@pytest.fixture
def make_client(tmp_path: Path):
    """Build a client for a ``ServeConfig`` with a database in ``tmp_path``; closes them after."""
    clients = []

    def make(**options) -> TestClient:
        base_url = options.pop("base_url", BASE_URL)
        options.setdefault("db_path", tmp_path / "cases.sqlite3")
        client = TestClient(create_app(ServeConfig(**options)), base_url=base_url)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    """A loopback client with no model (the scoring engine is loaded only with --model)."""
    return make_client()


@pytest.fixture
def small_limits() -> Limits:
    """Tight limits so tests can cross them with small inputs."""
    return Limits(
        max_upload_bytes=50_000,
        max_request_bytes=120_000,
        max_article_chars=20_000,
        max_documents=10,
        max_zip_members=20,
        max_unzipped_bytes=200_000,
    )


def papers_jsonl(corpus, n: int = 6, *, with_time: bool = False) -> bytes:
    """The first ``n`` Federalist papers as JSONL bytes (optionally with time stamps)."""
    lines = []
    for index, row in enumerate(corpus.dataset.select(range(n))):
        record = {"id": row["id"], "title": row["title"], "text": row["text"]}
        if with_time:
            record["timestamp"] = f"1788-01-{index + 1:02d}T10:00:00Z"
        lines.append(json.dumps(record))
    return ("\n".join(lines) + "\n").encode("utf-8")


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive holding ``members`` (name -> bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
