"""The ``serve`` command: loopback by default, a printed token elsewhere, a clear error for a bad model."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from attribution.cli import main


@pytest.fixture
def started(monkeypatch):
    """Replace uvicorn.run: record what would be served instead of listening."""
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    return calls


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Example: attribution serve" in result.output


def test_loopback_by_default_without_a_token(started, tmp_path):
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "c.sqlite3")])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/ (this computer only)" in result.output
    assert "token" not in result.output.lower()
    app, options = started[0]
    assert options["host"] == "127.0.0.1" and options["port"] == 8000
    assert app.state.attribution.config.token is None


def test_other_addresses_print_and_require_a_token(started, tmp_path):
    result = CliRunner().invoke(
        main, ["serve", "--host", "0.0.0.0", "--port", "8123", "--db", str(tmp_path / "c.sqlite3")]
    )
    assert result.exit_code == 0, result.output
    token = started[0][0].state.attribution.config.token
    assert f"Access token: {token}" in result.output
    assert f"?token={token}" in result.output


def test_bad_database_and_model_paths_fail_clearly(started, tmp_path):
    bad_db = tmp_path / "bad.sqlite3"
    bad_db.write_bytes(b"not a database" * 50)
    result = CliRunner().invoke(main, ["serve", "--db", str(bad_db)])
    assert result.exit_code == 2 and "cannot open the cases database" in result.output
    result = CliRunner().invoke(main, ["serve", "--model", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert started == []
