"""A real server: ``thads serve`` (gunicorn, 2 sync workers) on a free port over the store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from domain.agencies import default_directory
from service.application import CaseApplication
from tests.conftest import PASSWORD


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, url: str, store_url: str):
        self.url = url
        self.store_url = store_url

    def token(self, username: str) -> dict[str, str]:
        response = requests.post(f"{self.url}/api/v1/tokens",
                                 json={"username": username, "password": PASSWORD}, timeout=10)
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def log_head(self) -> int:
        app = CaseApplication(self.store_url, default_directory(), create_tables=False)
        try:
            return app.log_head()
        finally:
            app.close()


@pytest.fixture
def live_server(store_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    app = CaseApplication(store_url, default_directory())
    app.users.create("chv.vinhyen", PASSWORD, "enforcer", "CC243")
    app.users.create("truong.vinhyen", PASSWORD, "head", "CC243")
    app.close()
    port = free_port()
    env: dict[str, Any] = {**os.environ, "THADS_DATABASE_URL": store_url, "THADS_SECRET_KEY": "e2e",
                           "THADS_VAR_DIR": str(tmp_path / "var"), "PORT": str(port)}
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--workers", "2"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/api/v1/agencies?level=national", timeout=5).ok:
                break
        except requests.RequestException:  # not listening yet, or too busy starting to answer
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("server did not start:\n" + (tmp_path / "server.log").read_text())
        time.sleep(0.2)
    try:
        yield LiveServer(url, store_url)
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
