"""The report tests' app: the shared fixtures' app (SQLite and PostgreSQL) with reports
(``report_env``); and a Redis server of a test's own to stop and start."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service.app import create_app
from tests.conftest import TEMPLATES, _unavailable
from tests.redis_server import PrivateRedis


@pytest.fixture
def app(report_env: dict[str, str]) -> Iterator[Flask]:
    """Replaces the shared ``app``: the same, with reports."""
    flask_app = create_app({**report_env, "THADS_INLINE_PROJECTIONS": "y", "TESTING": "1"})
    flask_app.jinja_env.bytecode_cache = TEMPLATES
    yield flask_app
    flask_app.extensions["thads"].close()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        _unavailable("redis-server", FileNotFoundError("no redis-server on PATH"))
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
