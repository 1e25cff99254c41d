"""Cases: every analysis saved in a local SQLite database (stdlib ``sqlite3``).

A case is written *before* its analysis runs, with its inputs' hashes and the config and
versions used; the result, the report or the reason for a failure are added when the job ends.
A failing job therefore never loses the case, and a server stopped mid-job marks its cases
``failed`` (interrupted) when it starts again.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attribution.errors import ConfigError
from attribution.report.jsonio import dumps

SCHEMA_VERSION = 1
KINDS = ("score", "vet")
STATUSES = ("queued", "running", "done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('score', 'vet')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    title TEXT NOT NULL,
    byline TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    inputs TEXT NOT NULL,          -- JSON: [{"role", "name", "sha256", "bytes", "documents"}]
    config TEXT NOT NULL,          -- JSON: the settings the analysis ran with
    versions TEXT NOT NULL,        -- JSON: package versions
    progress REAL NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT '',
    summary TEXT,                  -- one line for the case list (the verdict)
    result TEXT,                   -- JSON result
    report_html TEXT,              -- the HTML report, when the analysis makes one
    error TEXT                     -- why a failed job failed
);
CREATE INDEX IF NOT EXISTS cases_created ON cases (created_at);
"""

_COLUMNS = (
    "id, kind, status, title, byline, created_at, updated_at, inputs, config, versions, progress, stage, summary, error"
)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def new_case_id() -> str:
    """A sortable, unguessable id: UTC time then random hex."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:12]


@dataclass
class Case:
    """One saved analysis (without its large result and report; see ``CaseStore.result``)."""

    id: str
    kind: str
    status: str
    title: str
    byline: str | None
    created_at: str
    updated_at: str
    inputs: list[dict]
    config: dict
    versions: dict
    progress: float
    stage: str
    summary: str | None
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class CaseStore:
    """The cases database at ``path``; safe to share between the server's threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.executescript(_SCHEMA)
                db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                found = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"cannot open the cases database {self.path}: {exc}; choose another --db path") from exc
        except OSError as exc:
            raise ConfigError(f"cannot create the cases database {self.path}: {exc}; choose another --db path") from exc
        if int(found) != SCHEMA_VERSION:
            raise ConfigError(
                f"the cases database {self.path} has schema version {found}; this version reads {SCHEMA_VERSION}"
            )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = sqlite3.connect(self.path, timeout=30)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA foreign_keys=ON")
                yield db
                db.commit()
            finally:
                db.close()

    # -- writing -------------------------------------------------------------------------------
    def create(
        self,
        *,
        kind: str,
        title: str,
        byline: str | None,
        inputs: list[dict],
        config: dict,
        versions: dict,
        status: str = "queued",
    ) -> str:
        """Save a new case before its analysis runs; return its id."""
        if kind not in KINDS:
            raise ConfigError(f"case kind {kind!r} is unknown; expected one of {', '.join(KINDS)}")
        case_id = new_case_id()
        now = _now()
        with self._connect() as db:
            db.execute(
                "INSERT INTO cases (id, kind, status, title, byline, created_at, updated_at, inputs, config, versions)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (case_id, kind, status, title, byline, now, now, dumps(inputs), dumps(config), dumps(versions)),
            )
        return case_id

    def set_progress(self, case_id: str, progress: float, stage: str) -> None:
        """Record how far a running job is (0..1) and what it is doing."""
        with self._connect() as db:
            db.execute(
                "UPDATE cases SET status = 'running', progress = ?, stage = ?, updated_at = ? WHERE id = ?",
                (max(0.0, min(1.0, float(progress))), stage, _now(), case_id),
            )

    def finish(self, case_id: str, *, result: dict, summary: str, report_html: str | None = None) -> None:
        """Store a finished analysis's result (and report)."""
        with self._connect() as db:
            db.execute(
                "UPDATE cases SET status = 'done', progress = 1, stage = 'done', summary = ?, result = ?,"
                " report_html = ?, error = NULL, updated_at = ? WHERE id = ?",
                (summary, dumps(result), report_html, _now(), case_id),
            )

    def fail(self, case_id: str, error: str) -> None:
        """Mark a case failed with the reason; its inputs and settings stay saved."""
        with self._connect() as db:
            db.execute(
                "UPDATE cases SET status = 'failed', stage = 'failed', error = ?, updated_at = ? WHERE id = ?",
                (error, _now(), case_id),
            )

    def mark_interrupted(self) -> int:
        """Fail every case left queued or running by a server that stopped; return how many."""
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE cases SET status = 'failed', stage = 'failed', error = ?, updated_at = ?"
                " WHERE status IN ('queued', 'running')",
                ("interrupted: the server stopped before this job finished; run it again", _now()),
            )
            return cursor.rowcount

    def delete(self, case_id: str) -> bool:
        """Remove a case; True when it existed."""
        with self._connect() as db:
            return db.execute("DELETE FROM cases WHERE id = ?", (case_id,)).rowcount > 0

    # -- reading -------------------------------------------------------------------------------
    @staticmethod
    def _case(row: tuple) -> Case:
        values = list(row)
        for index in (7, 8, 9):
            values[index] = json.loads(values[index])
        return Case(*values)

    def get(self, case_id: str) -> Case | None:
        """The case with ``case_id``, or None."""
        with self._connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM cases WHERE id = ?", (case_id,)).fetchone()
        return self._case(row) if row else None

    def list(self, *, limit: int = 200, offset: int = 0, kind: str | None = None) -> list[Case]:
        """Cases, newest first."""
        query = f"SELECT {_COLUMNS} FROM cases"
        params: list[Any] = []
        if kind is not None:
            query += " WHERE kind = ?"
            params.append(kind)
        query += " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
        with self._connect() as db:
            return [self._case(row) for row in db.execute(query, params).fetchall()]

    def count(self, *, statuses: tuple[str, ...] = STATUSES) -> int:
        """How many cases have one of ``statuses``."""
        marks = ",".join("?" * len(statuses))
        with self._connect() as db:
            return db.execute(f"SELECT COUNT(*) FROM cases WHERE status IN ({marks})", statuses).fetchone()[0]

    def result(self, case_id: str) -> dict | None:
        """The stored JSON result of a finished case."""
        with self._connect() as db:
            row = db.execute("SELECT result FROM cases WHERE id = ?", (case_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def report_html(self, case_id: str) -> str | None:
        """The stored HTML report of a finished case."""
        with self._connect() as db:
            row = db.execute("SELECT report_html FROM cases WHERE id = ?", (case_id,)).fetchone()
        return row[0] if row else None
