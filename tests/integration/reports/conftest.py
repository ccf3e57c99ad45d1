"""The report tests' app: the shared fixtures' app (SQLite and PostgreSQL), with the report
queue on the test worker's Redis database and the reports directory in the test's folder.
Jobs that rq's ``SimpleWorker`` runs in this process read the same settings from the
environment, as a worker would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service.app import create_app


@pytest.fixture
def report_env(store_url: str, tmp_path: Path, redis_url: str,
               monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {"THADS_DATABASE_URL": store_url, "THADS_VAR_DIR": str(tmp_path / "var"),
           "THADS_SECRET_KEY": "test-secret", "THADS_REDIS_URL": redis_url, "THADS_REPORT_RETRIES": "none",
           "THADS_MONTHLY_REPORTS": "n"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("THADS_TEST_REPORT_DELAY", raising=False)
    monkeypatch.delenv("THADS_REPORTS_DIR", raising=False)
    return env


@pytest.fixture
def app(report_env: dict[str, str]) -> Iterator[Flask]:
    """Replaces the shared ``app``: the same, with reports."""
    flask_app = create_app({**report_env, "THADS_INLINE_PROJECTIONS": "y", "TESTING": "1"})
    yield flask_app
    flask_app.extensions["thads"].close()
