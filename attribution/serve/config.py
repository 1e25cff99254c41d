"""The web application's settings: where it listens, what it loads, where cases live, its limits."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from attribution.errors import ConfigError

#: Environment variable naming the cases database; the ``--db`` option wins over it.
DB_ENV = "ATTRIBUTION_CASES_DB"

LOOPBACK_NAMES = ("localhost",)


def default_db_path() -> Path:
    """``$ATTRIBUTION_CASES_DB``, else ``$XDG_DATA_HOME/attribution/cases.sqlite3``."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "attribution" / "cases.sqlite3"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Limits:
    """What one request may carry; every refusal message names the limit and its value."""

    #: bytes of one uploaded file (article or byline archive)
    max_upload_bytes: int = 20 * 1024 * 1024
    #: bytes of one whole request body (all files and fields together)
    max_request_bytes: int = 45 * 1024 * 1024
    #: characters of one article to score
    max_article_chars: int = 200_000
    #: documents in one byline upload (after parsing)
    max_documents: int = 5_000
    #: members of one ZIP archive
    max_zip_members: int = 5_000
    #: bytes of all ZIP members once uncompressed
    max_unzipped_bytes: int = 100 * 1024 * 1024
    #: uncompressed / compressed size above which a ZIP member counts as a bomb
    max_zip_ratio: float = 200.0
    #: vetting jobs queued or running at once; one more is refused with 429
    max_queued_jobs: int = 8

    def describe(self) -> dict:
        """The limits in words and numbers, for the pages and ``/api/health``."""

        def mb(size: int) -> float | int:
            value = round(size / 1024**2, 1)
            return int(value) if value == int(value) else value

        return {
            "max_upload_mb": mb(self.max_upload_bytes),
            "max_request_mb": mb(self.max_request_bytes),
            "max_article_chars": self.max_article_chars,
            "max_documents": self.max_documents,
            "max_zip_members": self.max_zip_members,
            "max_unzipped_mb": mb(self.max_unzipped_bytes),
            "max_queued_jobs": self.max_queued_jobs,
        }


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``create_app`` needs; built once by the ``serve`` command or a test."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: a saved attribution model folder (``persistence.save_model``); None = scoring unavailable
    model_dir: Path | None = None
    #: corpus spec of the known operators (name or path), loaded once at start
    operators: str | None = None
    data_dir: Path | None = None
    db_path: Path = field(default_factory=default_db_path)
    limits: Limits = field(default_factory=Limits)
    #: access token; required (and generated when None) when ``host`` is not loopback
    token: str | None = None
    seed: int = 0
    #: worker threads for background jobs; vetting is CPU-bound, so one by default
    job_workers: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port {self.port} is out of range; use 0-65535 (0 = any free port)")
        if self.job_workers < 1:
            raise ConfigError(f"job_workers must be at least 1, got {self.job_workers}")
        if self.token is None and not is_loopback(self.host):
            object.__setattr__(self, "token", secrets.token_urlsafe(24))

    @property
    def needs_token(self) -> bool:
        return self.token is not None

    def allowed_hosts(self) -> list[str] | None:
        """Host headers accepted on loopback (blocks DNS rebinding); None = any (token guards)."""
        if not is_loopback(self.host):
            return None
        return ["127.0.0.1", "localhost", "::1", "[::1]", self.host]
