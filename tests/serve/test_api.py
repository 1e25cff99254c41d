"""The pages and the JSON API through FastAPI's test client: limits, refusals, access, escaping.

Analyses that need a model or the composite engine are in ``test_engines.py``.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from attribution.serve.store import CaseStore
from tests.serve.conftest import papers_jsonl, zip_bytes


def test_health_lists_versions_model_and_limits(client):
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["versions"]["attribution"]
    assert "engines" not in body
    assert body["model"]["loaded"] is False
    assert body["limits"]["max_documents"] == 5000


@pytest.mark.parametrize(
    "path, marker",
    [("/", "Score an article"), ("/vet", "Vet a byline"), ("/cases", "Cases"), ("/api/docs", "/api/score")],
)
def test_pages_render_with_a_strict_content_security_policy(client, path, marker):
    response = client.get(path)
    assert response.status_code == 200
    assert marker in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'nonce-" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    # no external assets: every src/href is local
    assert not re.search(r"""(src|href)=["']https?://""", response.text)


def test_openapi_documents_every_action(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/score",
        "/api/score/file",
        "/api/vet",
        "/api/cases",
        "/api/cases/{case_id}",
        "/api/cases/{case_id}/report",
        "/api/cases/{case_id}/export",
        "/api/cases/compare",
        "/api/health",
    ):
        assert path in paths


# -- score an article -------------------------------------------------------------------------------
def test_score_without_a_model_says_how_to_load_one(client):
    response = client.post("/api/score", json={"text": "Some words to score. " * 20})
    assert response.status_code == 503
    assert "--model" in response.json()["detail"]
    page = client.post("/score", data={"text": "Some words to score."})
    assert page.status_code == 503 and "--model" in page.text


@pytest.mark.parametrize(
    "payload, status, match",
    [
        ({"text": ""}, 400, "no text to score"),
        ({"text": "   \n  "}, 400, "no text to score"),
        ({"text": "word " * 5000}, 413, "the limit is 20,000"),
        ({"text": "fine", "byline": "b" * 201}, 400, "the limit is 200"),
        ({"byline": "no text field"}, 422, "text"),
    ],
)
def test_score_json_refusals(make_client, small_limits, payload, status, match):
    client = make_client(limits=small_limits)
    response = client.post("/api/score", json=payload)
    assert response.status_code == status
    assert re.search(match, json.dumps(response.json()))


def test_score_malformed_json_body(client):
    response = client.post("/api/score", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "name, data, status, match",
    [
        ("empty.txt", b"", 400, "empty"),
        ("paper.pdf", b"%PDF-1.4 binary", 415, "not accepted"),
        ("nul.txt", b"abc\x00def", 415, "not a text file"),
        ("big.txt", b"word " * 12_000, 413, "larger than 0 MB|limit per file"),
    ],
)
def test_score_file_refusals(make_client, small_limits, name, data, status, match):
    client = make_client(limits=small_limits)
    response = client.post("/api/score/file", files={"file": (name, data, "text/plain")})
    assert response.status_code == status, response.text
    assert re.search(match, response.json()["detail"])


def test_score_form_shows_the_refusal_and_keeps_the_input_escaped(client):
    response = client.post("/score", data={"text": "", "byline": "<script>alert(1)</script>"})
    assert response.status_code == 400
    assert "no text to score" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


# -- vet a byline -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, data, status, match",
    [
        ("empty.jsonl", b"", 400, "empty"),
        ("byline.docx", b"PK\x03\x04 word", 415, "not accepted"),
        ("byline.jsonl", b'{broken\n{"no_text": 1}\n', 422, "no usable documents|no text column"),
        ("byline.zip", b"not a zip at all", 415, "not a ZIP"),
        ("byline.zip", zip_bytes({"../../escape.txt": b"x"}), 422, "path traversal"),
        ("byline.jsonl", b'{"text": "x"}\n' * 6000, 413, "limit per file|the limit is"),
        (
            "byline.jsonl",
            b"".join(b'{"text": "doc %d"}\n' % i for i in range(11)),
            413,
            "11 documents; the limit is 10",
        ),
    ],
)
def test_vet_upload_refusals(make_client, small_limits, name, data, status, match):
    client = make_client(limits=small_limits)
    response = client.post("/api/vet", files={"file": (name, data)}, data={"byline": "Publius"})
    assert response.status_code == status, response.text
    assert re.search(match, response.json()["detail"])
    assert client.get("/api/cases").json()["cases"] == []  # a refused upload makes no case


def test_vet_needs_a_file(client):
    assert client.post("/api/vet", data={"byline": "x"}).status_code == 422
    page = client.post("/vet", data={"byline": "x"})
    assert page.status_code == 400 and "choose the byline" in page.text


def test_request_body_over_the_limit_is_refused_before_parsing(make_client, small_limits):
    client = make_client(limits=small_limits)
    body = b"x" * (small_limits.max_request_bytes + 1)
    response = client.post("/api/vet", files={"file": ("byline.jsonl", body)})
    assert response.status_code == 413
    assert "the limit for one request" in response.json()["detail"]
    page = client.post("/vet", files={"file": ("byline.jsonl", body)})
    assert page.status_code == 413 and "the limit for one request" in page.text


def test_vet_unknown_kind(client, federalist):
    response = client.post("/api/vet", files={"file": ("b.jsonl", papers_jsonl(federalist, 2))}, data={"kind": "poem"})
    assert response.status_code == 400 and "kind 'poem' is unknown" in response.json()["detail"]


# -- cases ------------------------------------------------------------------------------------------
def _stored_case(client, **overrides) -> str:
    store: CaseStore = client.app.state.attribution.store
    options = dict(
        kind="vet",
        title="Publius",
        byline="Publius",
        inputs=[{"role": "byline documents", "name": "b.jsonl", "sha256": "0" * 64, "bytes": 5, "documents": 8}],
        config={"seed": 0},
        versions={"attribution": "0.1.0"},
    )
    options.update(overrides)
    return store.create(**options)


def test_cases_list_detail_export_compare_and_delete(client):
    store = client.app.state.attribution.store
    a, b = _stored_case(client), _stored_case(client, byline="Other")
    store.finish(
        a,
        result={"n_documents": 8, "verdict": {"level": "single", "text": "one writer"}},
        summary="one writer",
        report_html="<html><body><h1>Report</h1></body></html>",
    )
    store.fail(b, "the composite test needs at least 6 documents")
    listed = client.get("/api/cases").json()["cases"]
    assert [c["id"] for c in listed] == [b, a]
    detail = client.get(f"/api/cases/{a}").json()
    assert detail["status"] == "done" and detail["result"]["n_documents"] == 8
    export = client.get(f"/api/cases/{a}/export")
    assert export.headers["content-disposition"].startswith("attachment")
    assert export.json()["case"]["inputs"][0]["sha256"] == "0" * 64
    report = client.get(f"/api/cases/{a}/report")
    assert report.status_code == 200 and "<h1>Report</h1>" in report.text
    assert "sandbox" in report.headers["content-security-policy"]
    assert client.get(f"/api/cases/{b}/report").status_code == 404
    done_page = client.get(f"/cases/{a}").text
    assert 'srcdoc="&lt;html&gt;&lt;body&gt;&lt;h1&gt;Report' in done_page and "sandbox>" in done_page
    failed_page = client.get(f"/cases/{b}")
    assert "at least 6 documents" in failed_page.text and "The analysis failed" in failed_page.text
    compared = client.get("/api/cases/compare", params=[("ids", a), ("ids", b)]).json()
    assert {r["field"]: r["same"] for r in compared["rows"]}["byline"] is False
    assert "Compare cases" in client.get("/cases/compare", params=[("ids", a), ("ids", b)]).text
    assert client.get("/cases/compare", params=[("ids", a)]).status_code == 400
    assert client.delete(f"/api/cases/{a}").status_code == 204
    assert client.get(f"/api/cases/{a}").status_code == 404


def test_unknown_and_malformed_case_ids(client):
    assert client.get("/api/cases/20990101-000000-0123456789ab").status_code == 404
    assert client.get("/cases/20990101-000000-0123456789ab").status_code == 404
    assert client.get("/api/cases/..%2F..%2Fetc%2Fpasswd").status_code in (404, 422)
    assert client.get("/api/cases/not-an-id").status_code == 422


def test_every_stored_text_is_escaped_on_the_pages(client):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    case_id = _stored_case(client, title=hostile, byline=hostile)
    client.app.state.attribution.store.fail(case_id, hostile)
    for path in ("/cases", f"/cases/{case_id}"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text


# -- access -----------------------------------------------------------------------------------------
def test_loopback_refuses_foreign_host_headers_and_cross_site_posts(client):
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    response = client.post("/api/score", json={"text": "x"}, headers={"origin": "http://attacker.example"})
    assert response.status_code == 403
    same_site = client.post("/api/score", json={"text": ""}, headers={"origin": "http://127.0.0.1:8000"})
    assert same_site.status_code == 400  # it got through to the handler


def test_non_loopback_needs_the_token(make_client):
    client = make_client(host="0.0.0.0", base_url="http://192.0.2.10:8000")
    token = client.app.state.attribution.config.token
    assert token and len(token) >= 24
    assert client.get("/").status_code == 401
    assert client.get("/api/health").status_code == 401
    assert client.get("/api/health", headers={"authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/health", headers={"authorization": f"Bearer {token}"}).status_code == 200
    first = client.get(f"/cases?token={token}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/cases"
    assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]
    assert client.get("/cases").status_code == 200  # the cookie now carries the token


def test_a_finished_vetting_case_shows_the_real_report(client):
    from attribution.report.html import render_composite_report
    from tests.serve.conftest import REPO_DATA

    result = json.loads((REPO_DATA / "composite_result.json").read_text(encoding="utf-8"))
    store = client.app.state.attribution.store
    case_id = _stored_case(client, byline=result["byline"])
    store.finish(case_id, result=result, summary=result["verdict"]["text"], report_html=render_composite_report(result))
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert html.escape(result["verdict"]["text"], quote=False) in page.text
    assert 'id="report"' in page.text and "srcdoc=" in page.text
    report = client.get(f"/cases/{case_id}/report.html")
    assert report.status_code == 200 and result["byline"] in report.text
    download = client.get(f"/cases/{case_id}/report.html?download=1")
    assert download.headers["content-disposition"] == f'attachment; filename="attribution-{case_id}.html"'


def test_an_engine_crash_is_answered_with_the_reason_and_the_case_is_kept(tmp_path):
    from pathlib import Path

    from fastapi.testclient import TestClient

    from attribution.serve.app import create_app
    from attribution.serve.config import ServeConfig
    from attribution.serve.service import ScoringModel

    class BrokenModel:
        """Every method the scoring path may call fails the way a damaged model would."""

        classes_ = ["A", "B"]

        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise RuntimeError("feature cache is corrupt")

            return fail

    app = create_app(ServeConfig(db_path=tmp_path / "cases.sqlite3"))
    app.state.attribution.scoring = ScoringModel(model=BrokenModel(), path=Path("broken-model"))
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        response = client.post("/api/score", json={"text": "Some text to score."})
        assert response.status_code == 500
        assert response.json()["detail"] == "internal error (RuntimeError): feature cache is corrupt"
        page = client.post("/score", data={"text": "Some text to score."})
        assert page.status_code == 500 and "feature cache is corrupt" in page.text
        cases = client.get("/api/cases").json()["cases"]
        assert len(cases) == 2 and {c["status"] for c in cases} == {"failed"}
        assert cases[0]["error"] == "internal error (RuntimeError): feature cache is corrupt"


def test_operators_given_at_start_are_loaded_once_and_reported(make_client, tmp_path, federalist):
    path = tmp_path / "operators.jsonl"
    rows = [{"text": r["text"], "author": r["author"]} for r in federalist.dataset.select(range(8)) if r["author"]]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    client = make_client(operators=str(path))
    assert client.get("/api/health").json()["operators"] == sorted({r["author"] for r in rows})
    assert str(path) in client.get("/vet").text  # the form says which operators are the default
