"""The report tests' app: the shared fixtures' app (SQLite and PostgreSQL) with reports
(``report_env``); and a Redis server of a test's own to stop and start."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from service.app import create_app
from tests.conftest import TEMPLATES, _unavailable


@pytest.fixture
def app(report_env: dict[str, str]) -> Iterator[Flask]:
    """Replaces the shared ``app``: the same, with reports."""
    flask_app = create_app({**report_env, "THADS_INLINE_PROJECTIONS": "y", "TESTING": "1"})
    flask_app.jinja_env.bytecode_cache = TEMPLATES
    yield flask_app
    flask_app.extensions["thads"].close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server of the test's own, on a free port, to stop and start again."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


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
